"""The load phases: wrk for pages and static files, an asyncio driver for quiz answers, and
the page-weight measurement."""

import contextlib
import gzip
import sqlite3
import subprocess
import threading
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bench.client import Client, local_path
from bench.parse import (
    attempt_and_question,
    css_resources,
    page_resources,
    parse_wrk,
    question_forms,
    start_form,
)
from bench.server import HOST, HarnessError
from bench.students import answer_all

# --- wrk ---------------------------------------------------------------------------------


def run_wrk(wrk, url, seconds, connections, headers=()):
    """One wrk run; a failed or unreadable run is a harness failure, not a slow site."""
    command = [wrk, f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s"]
    command += ["--latency", "--timeout", "10s"]
    for header in headers:
        command += ["-H", header]
    command.append(url)
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 30)
    except subprocess.TimeoutExpired as error:
        raise HarnessError(f"wrk hung on {url}") from error
    if done.returncode != 0:
        raise HarnessError(f"wrk failed on {url} (exit {done.returncode}):\n{done.stderr}")
    try:
        return parse_wrk(done.stdout)
    except ValueError as error:
        raise HarnessError(f"unreadable wrk output for {url}:\n{done.stdout}") from error


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
    seconds: float | None = None
    error: str = ""

    @property
    def ok(self):
        return self.status is not None and 200 <= self.status < 400


@dataclass
class QuizLoad:
    answers: list
    wall_seconds: float
    clients: list = field(default_factory=list)

    @property
    def latencies_ms(self):
        return [a.seconds * 1000 for a in self.answers if a.seconds is not None]

    @property
    def requests_per_sec(self):
        return len(self.answers) / self.wall_seconds if self.wall_seconds else 0.0

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
        # The intro page is public (no token); its Start form comes from the private
        # fragment the page loads with htmx, or the page it links to without JavaScript.
        intro = client.get(f"/quizzes/{slug}/")
        _expect(intro, 200, f"GET /quizzes/{slug}/")
        page = client.get(f"/quizzes/{slug}/take/", headers={"HX-Request": "true"})
        _expect(page, 200, f"GET /quizzes/{slug}/take/")
        form = start_form(page.text)
        if form is None or not form.hidden_value("csrfmiddlewaretoken"):
            raise HarnessError(f"no start form with a CSRF token on /quizzes/{slug}/take/")
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


def run_quiz_load(port, quiz_slugs, students, timeout, think=0.0):
    """Each student (own cookies, own attempts) is enrolled first, untimed, by its own thread;
    then all of them answer at once, each sending its answers in order, once each, as htmx
    does (HX-Request), from one asyncio event loop (see students.py). `think` is the mean
    pause before each answer, in seconds (0: none, the worst case: every student always has a
    request waiting)."""
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
    wall = answer_all(HOST, port, clients, plans, think, timeout)
    return QuizLoad([answer for plan in plans for answer in plan], wall, clients)


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


def verify_stored(db_path, answers):
    """Every answer sent must be in quizzes_response exactly once (read straight from the
    SQLite file, not through the app under test)."""
    sent = {(a.attempt_id, a.question_id) for a in answers}
    attempts = sorted({a.attempt_id for a in answers})
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
