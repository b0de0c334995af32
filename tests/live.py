"""A real server for browser and concurrency tests: gunicorn on 127.0.0.1, on its own SQLite
database in a temporary folder, with the real curriculum loaded. Stopped by its PID."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveSite:
    url: str
    data_dir: Path
    env: dict
    process: subprocess.Popen

    @property
    def database(self):
        return self.data_dir / "stressed.sqlite3"

    def manage(self, *args):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
        )


def start_site(data_dir: Path, workers=2, threads=4) -> LiveSite:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "stressed.settings",
        "STRESSED_DATA_DIR": str(data_dir),
        "DJANGO_DEBUG": "false",
        "AXES_FAILURE_LIMIT": "50",
    }
    env.pop("DATABASE_URL", None)  # the live site always runs on its own SQLite file
    for command in (["migrate", "--noinput"], ["load_content"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
    port = free_port()
    process = subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "stressed.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/about/", timeout=2)
            return LiveSite(url, data_dir, env, process)
        except OSError:
            if process.poll() is not None:
                raise RuntimeError("the test server exited during start-up") from None
            time.sleep(0.2)
    stop_site(process)
    raise RuntimeError("the test server did not answer within 30 s")


def stop_site(process):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
