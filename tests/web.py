"""A small HTTP client for tests against real servers (gunicorn, nginx): a cookie jar that
behaves like a browser's, no redirects followed, and a parser for a page's forms."""

import http.client
import http.cookiejar
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from html.parser import HTMLParser


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    text: str

    def header(self, name):
        return self.headers.get(name, "")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One visitor: its own cookies (kept like a browser does, deleted ones dropped)."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def request(self, url, data=None, headers=None):
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(url, data=body, headers=headers or {})
        if body is not None:
            request.add_header("Referer", url)
        try:
            with self.opener.open(request, timeout=30) as response:
                return Reply(
                    response.status, response.headers, response.read().decode(errors="replace")
                )
        except urllib.error.HTTPError as error:
            return Reply(error.code, error.headers, error.read().decode(errors="replace"))

    def get(self, url, headers=None):
        return self.request(url, headers=headers)

    def post(self, url, data, headers=None):
        return self.request(url, data, headers)

    def cookie(self, name):
        return next((c.value for c in self.jar if c.name == name), None)


class _Forms(HTMLParser):
    """Every <form>: its action, method and the values a browser would submit."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self.form, self.select, self.textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.form = {"action": attrs.get("action", ""), "fields": []}
            self.forms.append(self.form)
        elif self.form is None:
            return
        elif tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind in ("submit", "button", "file", "image"):
                return
            default = "on" if kind in ("checkbox", "radio") else ""
            self.form["fields"].append([attrs["name"], attrs.get("value", default)])
        elif tag == "textarea" and attrs.get("name"):
            self.textarea = [attrs["name"], ""]
            self.form["fields"].append(self.textarea)
        elif tag == "select" and attrs.get("name"):
            self.select = {
                "name": attrs["name"],
                "first": None,
                "chosen": [],
                "multiple": "multiple" in attrs,
            }
        elif tag == "option" and self.select is not None:
            value = attrs.get("value", "")
            if self.select["first"] is None:
                self.select["first"] = value
            if "selected" in attrs:
                self.select["chosen"].append(value)

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            if self.textarea is not None and self.textarea[1].startswith("\n"):
                self.textarea[1] = self.textarea[1][1:]  # as browsers do
            self.textarea = None
        elif tag == "select" and self.select is not None and self.form is not None:
            chosen = self.select["chosen"]
            if not chosen and not self.select["multiple"]:
                chosen = [self.select["first"] or ""]
            for value in chosen:
                self.form["fields"].append([self.select["name"], value])
            self.select = None
        elif tag == "form":
            self.form = None


def forms(html):
    parser = _Forms()
    parser.feed(html)
    return parser.forms
