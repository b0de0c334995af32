"""The site under test: a throwaway data dir, the manage.py steps, and gunicorn itself."""

import contextlib
import os
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from bench.client import Client

REPO = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"


class HarnessError(RuntimeError):
    """The benchmark itself could not run (as opposed to the site missing a target)."""


def _tail(text, lines=30):
    return "\n".join(text.strip().splitlines()[-lines:])


class Site:
    """The site over a temporary data dir, so a run never touches data/.

    The benchmark runs production settings. The test suite (`tests/live.py`) runs development
    settings with DEBUG off and keeps a CACHE_URL it was given (two servers sharing Redis);
    `extra_env` adds settings such as a higher lockout limit for tests that log in often."""

    def __init__(self, root, content=None, production=True, extra_env=None):
        self.root = Path(root)
        self.content = content  # None: the project's content/ folder
        self.production = production
        self.static_root = self.root / "static"
        self.db_path = self.root / "stressed.sqlite3"
        self.env = self._environment()
        self.env.update(extra_env or {})

    def _environment(self):
        env = dict(os.environ)
        # Answers are checked in the SQLite file, so never an outside database. The benchmark
        # measures the default deployment, with each worker's own in-process cache.
        for name in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE"):
            env.pop(name, None)
        if not self.production:
            env.pop("DJANGO_ENV", None)
            env.update(DJANGO_DEBUG="false", STRESSED_DATA_DIR=str(self.root))
            return env
        env.pop("CACHE_URL", None)
        env.update(
            DJANGO_ENV="production",
            DJANGO_SECRET_KEY=secrets.token_urlsafe(64),  # 86 characters
            ALLOWED_HOSTS=HOST,
            # Plain HTTP on loopback: no redirect to https, no HSTS.
            SECURE_SSL_REDIRECT="false",
            SECURE_HSTS_SECONDS="0",
            STRESSED_DATA_DIR=str(self.root),
            STATIC_ROOT=str(self.static_root),
            LOG_LEVEL="WARNING",
            PYTHONUNBUFFERED="1",
        )
        return env

    def manage(self, *args, timeout=120):
        command = [sys.executable, "manage.py", *args]
        try:
            done = subprocess.run(
                command, cwd=REPO, env=self.env, capture_output=True, text=True, timeout=timeout
            )
        except subprocess.TimeoutExpired as error:
            raise HarnessError(f"manage.py {' '.join(args)} took over {timeout}s") from error
        if done.returncode != 0:
            raise HarnessError(
                f"manage.py {' '.join(args)} failed (exit {done.returncode}):\n"
                + _tail(done.stdout + "\n" + done.stderr)
            )
        return done.stdout

    def prepare(self):
        """migrate, load_content and (in production) collectstatic; returns {step: seconds}."""
        timings = {}
        load = ("load_content", "--root", str(self.content)) if self.content else ("load_content",)
        steps = [("migrate", "--noinput"), load]
        if self.production:
            steps.append(("collectstatic", "--noinput"))
        for step in steps:
            started = time.perf_counter()
            self.manage(*step)
            timings[step[0]] = time.perf_counter() - started
        return timings

    def published(self):
        """(lesson slugs in course order, quiz slugs in course order), read from the DB."""
        with sqlite3.connect(self.db_path) as db:
            lessons = [
                row[0]
                for row in db.execute(
                    'SELECT slug FROM lessons_lesson WHERE published ORDER BY "order", id'
                )
            ]
            quizzes = [
                row[0]
                for row in db.execute(
                    "SELECT q.slug FROM quizzes_quiz q LEFT JOIN lessons_lesson l"
                    ' ON l.id = q.lesson_id WHERE q.published ORDER BY l."order", q.title'
                )
            ]
        return lessons, quizzes

    def write_static(self, relative, size):
        """A file of exactly `size` bytes in STATIC_ROOT. whitenoise indexes STATIC_ROOT when
        a worker starts, so this must happen before gunicorn starts. HTML-like filler, so a
        compressing proxy would treat it like the page (wrk asks for no compression)."""
        path = self.static_root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        line = b"<p>stressed benchmark filler, the same size as the lesson page.</p>\n"
        path.write_bytes((line * (size // len(line) + 1))[:size])
        return path


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _gunicorn_command():
    script = Path(sys.executable).with_name("gunicorn")
    return [str(script)] if script.exists() else [sys.executable, "-m", "gunicorn"]


class Gunicorn:
    """One gunicorn master on a free loopback port. Always call stop() (in a finally)."""

    def __init__(self, site, workers, log_path, threads=1):
        self.site, self.workers, self.log_path = site, workers, Path(log_path)
        self.threads = threads
        self.port = None
        self.process = None
        self.peak_kb = {}  # worker pid -> VmHWM (kB), highest seen
        self._log = None

    def start(self, timeout=60):
        self.port = free_port()
        command = _gunicorn_command() + [
            "stressed.wsgi:application",
            f"--bind={HOST}:{self.port}",
            f"--workers={self.workers}",
            f"--threads={self.threads}",
            "--graceful-timeout=5",
            "--log-level=warning",
            # gunicorn 27 opens a control socket in ~/.gunicorn by default; a benchmark
            # must not collide with a real server's socket.
            "--no-control-socket",
        ]  # no --access-logfile: access logging stays off, as measured
        self._log = open(self.log_path, "ab")  # noqa: SIM115 (closed in stop())
        self.process = subprocess.Popen(
            command, cwd=REPO, env=self.site.env, stdout=self._log, stderr=subprocess.STDOUT
        )
        self._wait_until_ready(timeout)
        return self

    @property
    def url(self):
        return f"http://{HOST}:{self.port}"

    def _wait_until_ready(self, timeout):
        """Until every worker has booted and the site answers 200 on the home page."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise HarnessError(f"gunicorn exited with {self.process.returncode}:\n{self.log()}")
            try:
                ok = Client(HOST, self.port, timeout=5).get("/").status == 200
            except OSError:
                ok = False
            if ok and len(self.worker_pids()) >= self.workers:
                return
            time.sleep(0.2)
        raise HarnessError(f"gunicorn did not answer within {timeout}s:\n{self.log()}")

    def log(self):
        try:
            return _tail(self.log_path.read_text(errors="replace"))
        except OSError:
            return "(no log)"

    def worker_pids(self):
        if self.process is None or self.process.poll() is not None:
            return []
        return _children(self.process.pid)

    def sample_memory(self):
        """Remember each worker's VmHWM (peak resident set). Called between phases: a peak
        is kept by the kernel, so sampling late loses nothing unless a worker restarts."""
        for pid in self.worker_pids():
            peak = _status_kb(pid, "VmHWM")
            if peak is not None:
                self.peak_kb[pid] = max(peak, self.peak_kb.get(pid, 0))
        return self.peak_kb

    def stop(self):
        """SIGTERM the master (it stops its workers), SIGKILL after a grace period, and then
        SIGKILL any worker we saw that outlived it. Only PIDs this run started are touched."""
        if self.process is None:
            return
        workers = set(self.worker_pids()) | set(self.peak_kb)
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        for pid in workers:
            if _is_gunicorn(pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        if self._log:
            self._log.close()
        self.process = None


def _children(pid):
    """Child PIDs of a process: /proc/<pid>/task/*/children, else a scan of /proc."""
    tasks = Path(f"/proc/{pid}/task")
    try:
        found = set()
        for task in tasks.iterdir():
            found.update(int(x) for x in (task / "children").read_text().split())
        return sorted(found)
    except OSError:
        pass
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # The command name may hold spaces or parentheses; ppid follows the last ')'.
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return sorted(children)


def _status_kb(pid, key):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def _is_gunicorn(pid):
    try:
        return b"gunicorn" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def apt_install(package, find, error=HarnessError):
    """Debian's `package` if `find()` finds nothing (with sudo when not root); returns what
    `find()` finds afterwards. `error` is the exception class to raise on failure."""
    found = find()
    if found:
        return found
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    print(f"{package} is missing; installing the Debian package…", flush=True)
    for command in (
        sudo + ["apt-get", "update", "-qq"],
        sudo + ["apt-get", "install", "-y", "-qq", package],
    ):
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=300,
                env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
            )  # fmt: skip
        except (OSError, subprocess.TimeoutExpired) as failure:
            raise error(f"could not install {package}: {failure}") from failure
        if done.returncode != 0:
            raise error(f"could not install {package} ({' '.join(command)}):\n{done.stderr}")
    found = find()
    if not found:
        raise error(f"{package} is still missing after apt-get install")
    return found


def ensure_wrk():
    """wrk from Debian if it is missing. Returns its path."""
    return apt_install("wrk", lambda: shutil.which("wrk"))


# --- is anything else using the machine? ------------------------------------------------

TICKS = os.sysconf("SC_CLK_TCK")


def _machine_busy_seconds():
    """CPU seconds all processes have spent busy since boot (first line of /proc/stat)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fields[:8])
    return (user + nice + system + irq + softirq + steal) / TICKS


def _process_seconds(pid):
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


class CpuWatch:
    """How much CPU other processes used while we measured. The load generator and the
    server share this machine's cores, so anyone else's work shows up as lower figures."""

    def __init__(self, server):
        self.server = server

    def _ours(self):
        times = os.times()  # this process, plus wrk and other children we have reaped
        mine = times.user + times.system + times.children_user + times.children_system
        pids = [self.server.process.pid, *self.server.worker_pids()]
        return mine + sum(_process_seconds(pid) for pid in pids)

    def start(self):
        self._started = (time.monotonic(), _machine_busy_seconds(), self._ours())

    def others_cores(self):
        """Average cores used by processes other than ours since start()."""
        wall, busy, ours = self._started
        elapsed = time.monotonic() - wall
        others = (_machine_busy_seconds() - busy) - (self._ours() - ours)
        return max(0.0, others / elapsed) if elapsed > 0 else 0.0
