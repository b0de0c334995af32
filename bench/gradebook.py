"""Phase (g): an instructor's gradebook for a class of 200 students × 20 assignments.

`manage.py seed_class` makes the class in the bench's site (made-up students, two finished
attempts at each quiz); an instructor logs in through the real log-in form and GETs the
gradebook, a page rendered for them alone (private, never cached)."""

import re
import secrets
import statistics
from dataclasses import dataclass

from bench.client import Client
from bench.parse import percentile
from bench.server import HarnessError

WARM = 5  # the benchmark's gunicorn workers
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class GradebookLoad:
    students: int
    assignments: int
    seconds: list  # one GET each
    bytes: int

    @property
    def p50_ms(self):
        return statistics.median(self.seconds) * 1000 if self.seconds else None

    @property
    def p99_ms(self):
        return percentile([s * 1000 for s in self.seconds], 99)


def log_in(client, username, password):
    page = client.get("/accounts/login/")
    token = TOKEN.search(page.text)
    if page.status != 200 or token is None:
        raise HarnessError(f"the log-in page answered {page.status} without a form")
    reply = client.post(
        "/accounts/login/",
        {"username": username, "password": password, "csrfmiddlewaretoken": token.group(1)},
    )
    if reply.status != 302:
        raise HarnessError(f"logging in as {username} answered {reply.status}")


def run_gradebook(site, port, host, students=200, assignments=20, requests=20):
    password = secrets.token_urlsafe(16)
    teacher = f"bench-teacher-{secrets.token_hex(3)}"
    out = site.manage(
        "seed_class",
        "--students", str(students), "--assignments", str(assignments),
        "--teacher", teacher, "--password", password,
        timeout=300,
    )  # fmt: skip
    class_id = out.strip().splitlines()[-1]
    client = Client(host, port)
    log_in(client, teacher, password)
    path = f"/classes/{class_id}/gradebook/"
    for _ in range(WARM):  # each worker: templates compiled, its database connection open
        client.get(path)
    seconds, size = [], 0
    for _ in range(requests):
        reply = client.get(path)
        if reply.status != 200 or "private" not in reply.header("Cache-Control"):
            raise HarnessError(
                f"GET {path} answered {reply.status} {reply.header('Cache-Control')}"
            )
        seconds.append(reply.seconds)
        size = len(reply.body)
    return GradebookLoad(students, assignments, seconds, size)
