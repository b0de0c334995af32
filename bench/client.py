"""A tiny HTTP client with a cookie jar, on http.client (the project adds no dependencies).

Production cookies are marked Secure, so a browser would not send them back over the plain
HTTP the benchmark uses; we keep them ourselves and always send them, like a browser on HTTPS.
"""

import http.client
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    seconds: float

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def header(self, name):
        return self.headers.get(name, "")


class Client:
    """One visitor: its own cookies. Each request opens a fresh connection because gunicorn's
    sync workers close the connection after every response anyway (no keep-alive), and a
    fresh connection can never be a stale one, so a POST is never retried or sent twice."""

    def __init__(self, host=None, port=None, timeout=30.0):
        self.host, self.port, self.timeout = host, port, timeout
        self.origin = f"http://{host}:{port}"
        self.cookies = {}

    def request(self, method, path, form=None, headers=None):
        """`path` on this client's server, or an absolute http:// URL on any port (cookies
        go with it, as a browser sends a host's cookies to every port)."""
        host, port = self.host, self.port
        if path.startswith("http://"):
            parts = urlsplit(path)
            host, port, path = parts.hostname, parts.port, local_path(path)
        body = urlencode(form, doseq=True).encode() if form is not None else None
        sent = {"Host": f"{host}:{port}", "User-Agent": "stressed-bench"}
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            sent["Cookie"] = self.cookie_header()
        sent.update(headers or {})
        connection = http.client.HTTPConnection(host, port, timeout=self.timeout)
        started = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        elapsed = time.perf_counter() - started
        self._remember_cookies(response.headers)
        return Reply(response.status, response.headers, data, elapsed)

    def cookie_header(self):
        """This visitor's cookies as a Cookie request header's value."""
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def cookie(self, name):
        return self.cookies.get(name)

    def post(self, path, form, headers=None):
        # Django checks the Referer only on HTTPS; sending it anyway is what a browser does.
        origin = f"http://{urlsplit(path).netloc}" if path.startswith("http://") else self.origin
        sent = {"Referer": origin + "/"}
        sent.update(headers or {})
        return self.request("POST", path, form=form, headers=sent)

    def _remember_cookies(self, headers):
        for line in headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(line)
            for name, morsel in jar.items():
                if morsel["max-age"] in ("0", 0) or not morsel.value:
                    self.cookies.pop(name, None)  # Django deletes a cookie with Max-Age=0
                else:
                    self.cookies[name] = morsel.value


def local_path(url):
    """'/static/x.css' from 'http://127.0.0.1:8123/static/x.css' (query kept)."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")
