"""Many students answering at once against a real server on SQLite: no answer is lost or
stored twice, a racing duplicate of the same answer gets the stored result, and no answer lands
after its attempt was finished."""

import html
import json
import re
import sqlite3
import threading

import pytest

from bench.client import Client

STUDENTS = 8
QUIZ = "norepinephrine-pain-and-fibromyalgia-quiz"


class Student:
    """One browser-like visitor on the shared test client, following redirects as a browser
    does after a POST."""

    def __init__(self, base):
        self.client = Client()
        self.base = base

    def _follow(self, reply, path):
        while reply.status in (301, 302, 303):
            path = reply.header("Location")
            reply = self.client.get(self.base + path)
        return reply, path

    def get(self, path):
        reply, final = self._follow(self.client.get(self.base + path), path)
        return self.base + final, reply.text

    def post(self, path, fields):
        reply, final = self._follow(self.client.post(self.base + path, fields), path)
        return reply.status, self.base + final, reply.text


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
        _, quiz_page = student.get(f"/quizzes/{QUIZ}/take/")  # the Start form, with its token
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
    assert all(status == 200 for action, status in outcomes), outcomes
    for _student, plan in plans:
        first_action = plan[0][0]
        # One stored; the racing identical repeat gets the stored result (idempotent).
        assert by_action[first_action] == [200, 200]
    assert len(outcomes) == STUDENTS * questions + STUDENTS

    # The live site is shared with the browser tests: count only this test's attempts.
    marks = ",".join("?" * len(attempt_ids))
    with sqlite3.connect(live_site.database) as db:
        total, distinct = db.execute(
            "SELECT COUNT(*), COUNT(DISTINCT attempt_id || ':' || question_id)"
            f" FROM quizzes_response WHERE attempt_id IN ({marks})",
            attempt_ids,
        ).fetchone()
    assert total == distinct == STUDENTS * questions


@pytest.mark.live
def test_finishing_and_answering_at_once_never_stores_an_answer_after_the_finish(live_site):
    """The tester saw 5 of 60 attempts with answers stored after `finished_at` and a score that
    did not match. Finish and answer race here on every attempt."""
    attempts = 20
    runs = []
    for _ in range(attempts):
        student = Student(live_site.url)
        _, quiz_page = student.get(f"/quizzes/{QUIZ}/take/")  # the Start form, with its token
        status, attempt_url, attempt_page = student.post(
            f"/quizzes/{QUIZ}/start/", {"csrfmiddlewaretoken": csrf(quiz_page)}
        )
        assert status == 200
        finish = re.search(r'action="(/attempts/\d+/finish/)"', attempt_page).group(1)
        runs.append(
            (
                student,
                int(re.search(r"/attempts/(\d+)/", attempt_url).group(1)),
                answers_from(attempt_page),
                finish,
                csrf(attempt_page),
            )
        )

    barrier = threading.Barrier(attempts * 2)

    def answer_all(student, plan):
        barrier.wait()
        for action, fields in plan:
            status, _url, _body = student.post(action, fields)
            assert status in (200, 409), status  # stored, or refused once finished

    def finish_now(student, finish, token):
        barrier.wait()
        status, _url, _body = student.post(finish, {"csrfmiddlewaretoken": token})
        assert status == 200

    threads = []
    for student, _id, plan, finish, token in runs:
        threads.append(threading.Thread(target=answer_all, args=(student, plan)))
        threads.append(threading.Thread(target=finish_now, args=(student, finish, token)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    ids = [attempt_id for _s, attempt_id, *_rest in runs]
    marks = ",".join("?" * len(ids))
    with sqlite3.connect(live_site.database) as db:
        late = db.execute(
            "SELECT COUNT(*) FROM quizzes_response r JOIN quizzes_attempt a ON a.id = r.attempt_id"
            f" WHERE a.id IN ({marks}) AND r.answered_at > a.finished_at",
            ids,
        ).fetchone()[0]
        rows = db.execute(
            "SELECT a.id, a.score, a.question_ids, COALESCE(SUM(r.fraction), 0)"
            " FROM quizzes_attempt a LEFT JOIN quizzes_response r ON r.attempt_id = a.id"
            f" WHERE a.id IN ({marks}) GROUP BY a.id",
            ids,
        ).fetchall()
    assert late == 0
    assert len(rows) == attempts
    for _id, score, question_ids, total in rows:
        assert score == pytest.approx(total / len(json.loads(question_ids)))
