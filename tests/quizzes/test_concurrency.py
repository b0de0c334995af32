"""Many students answering at once against a real server on SQLite: no answer is lost or
stored twice, and a racing duplicate gets a 409."""

import html
import re
import sqlite3
import threading
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import pytest

STUDENTS = 8
QUIZ = "norepinephrine-pain-and-fibromyalgia-quiz"


class Student:
    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def get(self, path):
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.geturl(), response.read().decode()

    def post(self, path, fields):
        data = urllib.parse.urlencode(fields, doseq=True).encode()
        request = urllib.request.Request(
            self.base + path, data=data, headers={"Referer": self.base + "/"}
        )
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.geturl(), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, path, error.read().decode()


def csrf(page):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def answers_from(page):
    """(action, fields) for every unanswered card: the first option, or a typed guess."""
    result = []
    for match in re.finditer(
        r'<form method="post" action="(/attempts/\d+/questions/\d+/)"(.*?)</form>', page, re.S
    ):
        action, body = match.group(1), match.group(2)
        fields = {"csrfmiddlewaretoken": csrf(body)}
        choice = re.search(r'name="choice" value="([^"]+)"', body)
        if choice:
            fields["choice"] = choice.group(1)
        if 'name="text"' in body:
            fields["text"] = "a guess"
        if 'name="number"' in body:
            fields["number"] = "1"
        for name, options in re.findall(
            r'<select name="(match-\d+)"[^>]*>(.*?)</select>', body, re.S
        ):
            fields[name] = re.findall(r'<option value="([^"]+)"', options)[0]
        result.append((html.unescape(action), fields))
    return result


@pytest.mark.live
def test_concurrent_students_lose_and_duplicate_nothing(live_site):
    students = [Student(live_site.url) for _ in range(STUDENTS)]
    plans, attempt_ids = [], []
    for student in students:
        _, quiz_page = student.get(f"/quizzes/{QUIZ}/")
        status, attempt_url, attempt_page = student.post(
            f"/quizzes/{QUIZ}/start/", {"csrfmiddlewaretoken": csrf(quiz_page)}
        )
        assert status == 200 and "/attempts/" in attempt_url
        attempt_ids.append(int(re.search(r"/attempts/(\d+)/", attempt_url).group(1)))
        plans.append((student, answers_from(attempt_page)))
    questions = len(plans[0][1])
    assert questions >= 8

    barrier = threading.Barrier(STUDENTS * 2)
    outcomes, lock = [], threading.Lock()

    def run(student, plan, duplicate):
        barrier.wait()
        # The duplicate thread races the main one on the first question only.
        for action, fields in plan[:1] if duplicate else plan:
            status, _url, _body = student.post(action, fields)
            with lock:
                outcomes.append((action, status))

    threads = [
        threading.Thread(target=run, args=(s, p, dup)) for s, p in plans for dup in (False, True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    by_action = {}
    for action, status in outcomes:
        by_action.setdefault(action, []).append(status)
    assert all(status in (200, 409) for action, status in outcomes), outcomes
    for _student, plan in plans:
        first_action = plan[0][0]
        assert sorted(by_action[first_action]) == [200, 409]  # one stored, one refused
    assert sum(1 for _a, status in outcomes if status == 200) == STUDENTS * questions

    # The live site is shared with the browser tests: count only this test's attempts.
    marks = ",".join("?" * len(attempt_ids))
    with sqlite3.connect(live_site.database) as db:
        total, distinct = db.execute(
            "SELECT COUNT(*), COUNT(DISTINCT attempt_id || ':' || question_id)"
            f" FROM quizzes_response WHERE attempt_id IN ({marks})",
            attempt_ids,
        ).fetchone()
    assert total == distinct == STUDENTS * questions
