"""deploy/nginx.conf with its @…@ values filled in, run by Debian's nginx on a loopback port in
front of a gunicorn: for the benchmark's nginx phases and tests/core/test_nginx.py. Stopped
by the PID it was started with."""

import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

from bench.server import apt_install

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / "deploy" / "nginx.conf"


class NginxError(RuntimeError):
    pass


def find_nginx():
    found = shutil.which("nginx")
    if found:
        return found
    return "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def render(root, upstream, port, static_root, media_root):
    """Write root/nginx.conf (a minimal main config that includes the filled-in
    deploy/nginx.conf) and the folders it needs; return its path."""
    root = Path(root)
    site = CONFIG.read_text()
    for name, value in {
        "@CACHE_DIR@": str(root / "cache"),
        "@UPSTREAM@": upstream,
        "@LISTEN@": f"127.0.0.1:{port}",
        "@SERVER_NAME@": "127.0.0.1",
        "@STATIC_ROOT@": str(static_root),
        "@MEDIA_ROOT@": str(media_root),
    }.items():
        site = site.replace(name, value)
    if "@" in re.sub(r"#.*", "", site):
        raise NginxError("deploy/nginx.conf has a placeholder this harness does not fill")
    (root / "stressed.conf").write_text(site)
    temp = {name: root / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for path in temp.values():
        path.mkdir(exist_ok=True)
    # As root, nginx would run its workers as nobody, who cannot read private temp folders.
    user = "user root;\n" if os.geteuid() == 0 else ""
    main = root / "nginx.conf"
    main.write_text(
        f"""{user}daemon off;
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {temp["body"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};
    include {root}/stressed.conf;
}}
"""
    )
    return main


class Nginx:
    """One nginx master (one worker) on a free loopback port. Always call stop()."""

    def __init__(self, root, upstream, static_root, media_root):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.binary = find_nginx()
        if self.binary is None:
            raise NginxError("nginx is not installed (bash .ci/ensure-nginx.sh)")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.config = render(self.root, upstream, self.port, static_root, media_root)
        self.process = None

    def command(self, *extra):
        error_log = str(self.root / "error.log")
        return [self.binary, "-p", str(self.root), "-e", error_log, "-c", str(self.config), *extra]

    def start(self, timeout=15):
        checked = subprocess.run(self.command("-t"), capture_output=True, text=True)
        if checked.returncode != 0:
            raise NginxError(f"nginx -t failed:\n{checked.stderr}")
        self.process = subprocess.Popen(
            self.command(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + timeout
        while True:
            try:
                urllib.request.urlopen(self.url + "/static/css/site.css", timeout=2)
                return self
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise NginxError(self.log()) from None
                time.sleep(0.1)

    def log(self):
        try:
            return (self.root / "error.log").read_text()[-3000:]
        except OSError:
            return "(no log)"

    def stop(self):
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # graceful: by the PID we started
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


def ensure_nginx():
    """Debian's nginx if it is missing, as ensure_wrk does for wrk. Returns its path."""
    return apt_install("nginx", find_nginx, NginxError)
