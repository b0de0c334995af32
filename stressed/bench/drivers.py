"""The load phases: wrk for pages and static files, wrk with a Lua script for quiz answers,
and the page-weight measurement."""

import contextlib
import gzip
import re
import signal
import sqlite3
import subprocess
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from stressed.bench.client import Client, local_path
from stressed.bench.parse import (
    attempt_and_question,
    css_resources,
    page_resources,
    parse_wrk,
    question_forms,
    start_form,
)
from stressed.bench.server import HOST, HarnessError

# --- wrk ---------------------------------------------------------------------------------

POLL_SECONDS = 0.02


def run_wrk(
    wrk, url, seconds, connections, headers=(), threads=None, script=None, args=(), finished=None
):
    """One wrk run; a failed or unreadable run is a harness failure, not a slow site.
    `finished`, if given, is polled while wrk runs: once it returns True, wrk is interrupted
    (SIGINT: wrk stops at once and reports the run so far). Returns the parsed figures and
    wrk's whole output."""
    threads = threads or min(2, connections)
    command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s"]
    command += ["--latency", "--timeout", "10s"]
    for header in headers:
        command += ["-H", header]
    if script:
        command += ["-s", str(script)]
    command.append(url)
    if args:
        command += ["--", *map(str, args)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + seconds + 30
        while finished and process.poll() is None and time.monotonic() < deadline:
            if finished():
                process.send_signal(signal.SIGINT)
                break
            time.sleep(POLL_SECONDS)
        stdout, stderr = process.communicate(timeout=max(1, deadline - time.monotonic()))
    except subprocess.TimeoutExpired as error:
        raise HarnessError(f"wrk hung on {url}") from error
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    if process.returncode != 0:
        raise HarnessError(f"wrk failed on {url} (exit {process.returncode}):\n{stderr}")
    try:
        return parse_wrk(stdout), stdout
    except ValueError as error:
        raise HarnessError(f"unreadable wrk output for {url}:\n{stdout}") from error


# --- quiz answers ------------------------------------------------------------------------


@dataclass
class Answer:
    """One answer POST a student will send, and what came of it."""

    student: int
    attempt_id: int
    question_id: int
    action: str
    fields: list
    status: int | None = None
    error: str = ""

    @property
    def ok(self):
        return self.status is not None and 200 <= self.status < 400


@dataclass
class QuizLoad:
    answers: list
    figures: object  # parse.WrkResult: latency as wrk measured it
    clients: list = field(default_factory=list)
    requests_per_sec: float = 0.0  # from the first to the last answer stored

    @property
    def errors(self):
        return [a for a in self.answers if not a.ok]


def _expect(reply, status, what):
    if reply.status != status:
        raise HarnessError(
            f"{what}: expected HTTP {status}, got {reply.status}: {reply.text[:300]}"
        )


def enrol(client, quiz_slugs, student):
    """Open each quiz as a new visitor would and start an attempt; return the answer POSTs
    this student will send (one per question card). Not timed: only answers are measured."""
    plan = []
    for slug in quiz_slugs:
        page = client.get(f"/quizzes/{slug}/")
        _expect(page, 200, f"GET /quizzes/{slug}/")
        form = start_form(page.text)
        if form is None or not form.hidden_value("csrfmiddlewaretoken"):
            raise HarnessError(f"no start form with a CSRF token on /quizzes/{slug}/")
        started = client.post(form.action, form.hidden)
        _expect(started, 302, f"POST {form.action}")
        attempt_url = local_path(started.headers["Location"])
        attempt = client.get(attempt_url)
        _expect(attempt, 200, f"GET {attempt_url}")
        cards = question_forms(attempt.text)
        if not cards:
            raise HarnessError(f"no question forms on {attempt_url}")
        for card in cards:
            attempt_id, question_id = attempt_and_question(card.action)
            plan.append(Answer(student, attempt_id, question_id, card.action, card.answer_fields()))
    return plan


ANSWER_SCRIPT = Path(__file__).with_name("answers.lua")
SAFE_LUA_TEXT = re.compile(r"[A-Za-z0-9_.~%&=+/:;, -]*")


def _lua_string(text):
    """A double-quoted Lua string; only URL-safe text is ever put in one."""
    if not SAFE_LUA_TEXT.fullmatch(text):
        raise HarnessError(f"unexpected characters in a request for wrk: {text[:80]!r}")
    return f'"{text}"'


def answer_script(clients, plans, path):
    """answers.lua followed by each student's cookies, CSRF token and answers."""
    students = []
    for client, plan in zip(clients, plans, strict=True):
        cookie = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
        token = next((v for k, v in plan[0].fields if k == "csrfmiddlewaretoken"), "")
        answers = ",\n    ".join(
            f"{{{_lua_string(a.action)}, {_lua_string(urlencode(a.fields))}}}" for a in plan
        )
        students.append(
            f"  {{cookie = {_lua_string(cookie)}, token = {_lua_string(token)},\n"
            f"   referer = {_lua_string(client.origin + '/')},\n"
            f"   answers = {{\n    {answers}}}}}"
        )
    path.write_text(ANSWER_SCRIPT.read_text() + "\nplans = {\n" + ",\n".join(students) + "\n}\n")
    return path


def record_replies(plans, output):
    """Match the statuses each student's thread reports (in order) to its answers."""
    reported = {}
    for student, statuses in STUDENT_LINE.findall(output):
        reported[int(student) - 1] = [int(x) for x in statuses.split(",") if x]
    for index, plan in enumerate(plans):
        statuses = reported.get(index, [])
        for number, answer in enumerate(plan):
            if number < len(statuses):
                answer.status = statuses[number]
                if not answer.ok:
                    answer.error = f"HTTP {answer.status}"
            else:
                answer.error = "no reply"


STUDENT_LINE = re.compile(r"^STUDENT (\d+) STATUSES ([\d,]*)$", re.MULTILINE)


def run_quiz_load(wrk, port, db_path, quiz_slugs, students, timeout, think=0.0, workdir="."):
    """Each student (own cookies, own attempts) is enrolled first, untimed; then wrk runs one
    thread and one connection per student, each sending its answers once, in order, as htmx
    does (HX-Request), all students at once. `think` is the mean pause between a student's
    answers, in seconds (0: none, the worst case: every student always has a request waiting).
    wrk, not Python, sends the answers: on 2 cores a Python client would take CPU from the
    server and add its own queueing to every latency."""
    clients = [Client(HOST, port) for _ in range(students)]
    plans, failures = [[] for _ in range(students)], []

    def enrol_student(index):
        try:
            plans[index] = enrol(clients[index], quiz_slugs, index)
        except Exception as error:  # any failure to enrol aborts the phase
            failures.append(f"student {index}: {error}")

    threads = [threading.Thread(target=enrol_student, args=(i,)) for i in range(students)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    if failures or any(thread.is_alive() for thread in threads):
        raise HarnessError("could not enrol students:\n" + "\n".join(failures[:5]))
    script = answer_script(clients, plans, Path(workdir) / f"answers-{students}.lua")
    answers = [answer for plan in plans for answer in plan]
    figures, output = run_wrk(
        wrk,
        f"http://{HOST}:{port}/",
        max(1, int(timeout)),
        students,
        threads=students,
        script=script,
        args=[round(think * 1000)],
        finished=AllStored(db_path, answers, quiet_seconds=max(3.0, 4 * think)),
    )
    record_replies(plans, output)
    if not STUDENT_LINE.search(output):
        raise HarnessError(f"wrk reported no students:\n{output[-2000:]}")
    first, last, count = stored_span(db_path, sorted({a.attempt_id for a in answers}))
    rate = (count - 1) / (last - first) if count > 1 and last > first else 0.0
    return QuizLoad(answers, figures, clients, rate)


class AllStored:
    """True a moment after every answer is in the database (so the last replies reach wrk),
    or once nothing new has been stored for `quiet_seconds` (some answers failed: the run is
    over, and the report says so). wrk itself always runs for its whole -d duration, so the
    driver stops it."""

    GRACE_SECONDS = 0.5

    def __init__(self, db_path, answers, quiet_seconds):
        self.db_path, self.quiet_seconds = db_path, quiet_seconds
        self.expected = len(answers)
        self.attempts = sorted({a.attempt_id for a in answers})
        self.count, self.changed_at = -1, time.monotonic()

    def __call__(self):
        count = sum(stored_counts(self.db_path, self.attempts).values())
        now = time.monotonic()
        if count != self.count:
            self.count, self.changed_at = count, now
        quiet_for = now - self.changed_at
        if count >= self.expected:
            return quiet_for > self.GRACE_SECONDS
        return quiet_for > self.quiet_seconds


@dataclass
class Stored:
    sent: int
    stored: int
    duplicates: int
    lost: int
    unexpected: int

    @property
    def intact(self):
        clean = self.duplicates == 0 and self.lost == 0 and self.unexpected == 0
        return clean and self.stored == self.sent


def stored_counts(db_path, attempts):
    """{(attempt id, question id): rows stored} for these attempts, read straight from the
    SQLite file, not through the app under test."""
    counts = {}
    with contextlib.closing(sqlite3.connect(db_path, timeout=30)) as db:
        for start in range(0, len(attempts), 500):  # stay under SQLite's variable limit
            chunk = attempts[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = db.execute(
                "SELECT attempt_id, question_id, COUNT(*) FROM quizzes_response"
                f" WHERE attempt_id IN ({marks}) GROUP BY attempt_id, question_id",
                chunk,
            )
            counts.update({(a, q): n for a, q, n in rows})
    return counts


def stored_span(db_path, attempts):
    """(first, last answered_at as POSIX seconds, count) of the responses to these attempts:
    wrk runs a little past the last answer, so throughput comes from the server's clock."""
    with contextlib.closing(sqlite3.connect(db_path, timeout=30)) as db:
        marks = ",".join("?" * len(attempts))
        first, last, count = db.execute(
            "SELECT MIN(answered_at), MAX(answered_at), COUNT(*) FROM quizzes_response"
            f" WHERE attempt_id IN ({marks})",
            attempts,
        ).fetchone()
    if not count:
        return 0.0, 0.0, 0
    return _posix(first), _posix(last), count


def _posix(stamp):
    return datetime.fromisoformat(stamp).replace(tzinfo=UTC).timestamp()


def verify_stored(db_path, answers):
    """Every answer sent must be in quizzes_response exactly once (read straight from the
    SQLite file, not through the app under test)."""
    sent = {(a.attempt_id, a.question_id) for a in answers}
    counts = stored_counts(db_path, sorted({a.attempt_id for a in answers}))
    return Stored(
        sent=len(answers),
        stored=sum(counts.values()),
        duplicates=sum(n - 1 for n in counts.values() if n > 1),
        lost=len(sent - counts.keys()),
        unexpected=len(counts.keys() - sent),
    )


# --- page weight -------------------------------------------------------------------------

ACCEPT = {"Accept-Encoding": "gzip, br"}


@dataclass
class Resource:
    path: str
    kind: str
    encoding: str
    size: int  # bytes on the wire (or, for uncompressed HTML, its gzip size)
    note: str = ""


def _kind(content_type):
    content_type = content_type.split(";")[0].strip()
    for needle, kind in (("html", "HTML"), ("css", "CSS"), ("javascript", "JS")):
        if needle in content_type:
            return kind
    if content_type.startswith("image/"):
        return "image"
    if content_type.startswith("font/") or "font" in content_type:
        return "font"
    return content_type or "?"


def _plain_text(client, path, reply):
    """The decoded body, to look for url()s in a stylesheet."""
    encoding = reply.headers.get("Content-Encoding", "identity")
    if encoding == "gzip":
        return gzip.decompress(reply.body).decode("utf-8", "replace")
    if encoding == "identity":
        return reply.text
    return client.get(path).text  # e.g. br: we have no decoder, so ask again uncompressed


def page_weight(client, page_path):
    """HTML plus every CSS, JS, icon and image it (or its CSS) references, each fetched with
    Accept-Encoding: gzip, br. The app does not compress HTML itself (a proxy would), so an
    uncompressed page counts at its gzip -6 size, marked 'gzip*'."""
    page = client.get(page_path, headers=ACCEPT)
    _expect(page, 200, f"GET {page_path}")
    encoding = page.headers.get("Content-Encoding", "")
    size = len(page.body) if encoding else len(gzip.compress(page.body, compresslevel=6))
    resources = [Resource(page_path, "HTML", encoding or "gzip*", size)]
    queue, seen = page_resources(page.text, client.origin + page_path), {page_path}
    while queue:
        url = queue.pop(0)
        path = local_path(url)
        if path in seen:
            continue
        seen.add(path)
        if urlsplit(url).netloc != f"{client.host}:{client.port}":
            resources.append(Resource(url, "external", "-", 0, "not counted"))
            continue
        reply = client.get(path, headers=ACCEPT)
        kind = _kind(reply.headers.get("Content-Type", ""))
        note = "" if reply.status == 200 else f"HTTP {reply.status}: broken reference"
        encoding = reply.headers.get("Content-Encoding", "identity")
        resources.append(Resource(path, kind, encoding, len(reply.body), note))
        if kind == "CSS" and reply.status == 200:
            queue += css_resources(_plain_text(client, path, reply), url)
    return resources
