"""Quiz statistics against a fixture computed by hand."""

import datetime
import math

import pytest
from django.utils import timezone

from stressed.quizzes.models import Attempt, Choice, Question, Quiz, Response
from stressed.quizzes.statistics import (
    discrimination,
    first_attempts,
    flag,
    histogram,
    quiz_statistics,
)

START = timezone.make_aware(datetime.datetime(2026, 11, 1, 9, 0))

# Five first attempts (three users, two anonymous sessions) at three questions, with the
# fraction each earned:
#
#          q1 single  q2 short  q3 matching | total T | score = T/3 x 100
#   A        1          0          1        |  2      |  66.667
#   B        1          0          1        |  2      |  66.667
#   C        1          1          0.5      |  2.5    |  83.333
#   D        0          1          0        |  1      |  33.333
#   E        0          1          0        |  1      |  33.333
#
# Mean score   = (66.667 + 66.667 + 83.333 + 33.333 + 33.333) / 5 = 283.333 / 5 = 56.667
# Median score = middle of 33.333, 33.333, 66.667, 66.667, 83.333 = 66.667
# Bins (10 points each): 33.3 -> bin 3 (x2), 66.7 -> bin 6 (x2), 83.3 -> bin 8 (x1)
#
# Facility F = 100 x mean fraction:
#   q1 = 100 x 3/5 = 60;  q2 = 100 x 3/5 = 60;  q3 = 100 x 2.5/5 = 50
#
# Discrimination D = 100 x r(x, rest), rest = T - x; dx, dy = deviations from the means:
# q1: x = 1,1,1,0,0 (mean 0.6); rest = 1,1,1.5,1,1 (mean 1.1)
#     dx = .4,.4,.4,-.6,-.6;  dy = -.1,-.1,.4,-.1,-.1
#     S(dx dy) = -.04 -.04 +.16 +.06 +.06 = 0.20;  S(dx^2) = 1.2;  S(dy^2) = 0.2
#     r = 0.20 / sqrt(1.2 x 0.2) = 0.20 / 0.489898 = 0.408248  ->  D = 40.82 (no flag)
# q2: x = 0,0,1,1,1 (mean 0.6); rest = 2,2,1.5,0,0 (mean 1.1)
#     dx = -.6,-.6,.4,.4,.4;  dy = .9,.9,.4,-1.1,-1.1
#     S(dx dy) = -.54 -.54 +.16 -.44 -.44 = -1.80;  S(dx^2) = 1.2;  S(dy^2) = 4.2
#     r = -1.80 / sqrt(1.2 x 4.2) = -1.80 / 2.244994 = -0.801784  ->  D = -80.18 (negative)
# q3: x = 1,1,.5,0,0 (mean 0.5); rest = 1,1,2,1,1 (mean 1.2)
#     dx = .5,.5,0,-.5,-.5;  dy = -.2,-.2,.8,-.2,-.2
#     S(dx dy) = -.1 -.1 +0 +.1 +.1 = 0  ->  D = 0 (low)
#
# Attempts that must not count: A's second finished attempt, session D's second finished
# attempt, an unfinished attempt, and a review attempt (quiz=None).
ROWS = {"A": (1, 0, 1), "B": (1, 0, 1), "C": (1, 1, 0.5), "D": (0, 1, 0), "E": (0, 1, 0)}
Q1_PICKS = {"A": 0, "B": 0, "C": 0, "D": 1, "E": 2}  # index of the chosen option
Q2_TEXT = {"A": "Dopamine ", "B": "dopamine", "C": "NE", "D": "ne", "E": "NE"}
# q3: (right-hand pick for pair 1, for pair 2), as pair indexes
Q3_PICKS = {"A": (0, 1), "B": (0, 1), "C": (0, 0), "D": (1, 0), "E": (1, 0)}


@pytest.fixture
def stats_quiz(db, make_user):
    quiz = Quiz.objects.create(slug="stats-quiz", title="Stats quiz", published=True)
    q1 = Question.objects.create(quiz=quiz, order=1, type="single", prompt="Which?")
    options = [
        Choice.objects.create(question=q1, order=i, text=t, fraction=f)
        for i, (t, f) in enumerate([("Right", 1), ("Wrong one", 0), ("Wrong two", 0)])
    ]
    q2 = Question.objects.create(quiz=quiz, order=2, type="short", prompt="Name it.")
    Choice.objects.create(question=q2, order=1, text="NE", fraction=1)
    q3 = Question.objects.create(quiz=quiz, order=3, type="matching", prompt="Match.")
    pairs = [
        Choice.objects.create(question=q3, order=1, text="α1", match_text="Constrict", fraction=1),
        Choice.objects.create(question=q3, order=2, text="β2", match_text="Dilate", fraction=1),
    ]
    ids = [q1.pk, q2.pk, q3.pk]
    users = {name: make_user(username=f"user{name}") for name in "ABC"}

    def attempt(who, minutes, fractions, finished=True, on_quiz=True):
        user = users.get(who)
        made = Attempt.objects.create(
            quiz=quiz if on_quiz else None,
            user=user,
            owner="" if user else f"owner-{who}",
            question_ids=ids,
        )
        when = START + datetime.timedelta(minutes=minutes)
        Attempt.objects.filter(pk=made.pk).update(
            started_at=when,
            finished_at=when + datetime.timedelta(minutes=5) if finished else None,
            score=sum(fractions) / 3 if finished else None,
        )
        picks = Q3_PICKS.get(who, (1, 0))
        answers = [
            {"choices": [options[Q1_PICKS.get(who, 1)].pk]},
            {"text": Q2_TEXT.get(who, "wrong")},
            {
                "matches": {
                    str(pairs[0].pk): pairs[picks[0]].pk,
                    str(pairs[1].pk): pairs[picks[1]].pk,
                }
            },
        ]
        for question_id, answer, fraction in zip(ids, answers, fractions, strict=True):
            Response.objects.create(
                attempt=made, question_id=question_id, answer=answer, fraction=fraction
            )
        return made

    for minute, (who, fractions) in enumerate(ROWS.items()):
        attempt(who, minute, fractions)
    attempt("A", 60, (0, 0, 0))  # a later retake: not counted
    attempt("D", 61, (1, 1, 1))  # the same anonymous session again: not counted
    attempt("F", 62, (1, 1, 1), finished=False)  # unfinished: not counted
    attempt("B", 63, (1, 1, 1), on_quiz=False)  # a review set: never counted
    return quiz


def test_quiz_level_numbers(stats_quiz):
    stats = quiz_statistics(stats_quiz)
    assert stats.finished == 7  # the five first attempts and the two retakes
    assert stats.counted == 5
    assert math.isclose(stats.mean, 283.3333333 / 5, rel_tol=1e-6)  # 56.667
    assert math.isclose(stats.median, 200 / 3, rel_tol=1e-9)  # 66.667
    assert stats.bins == [0, 0, 0, 2, 0, 0, 2, 0, 1, 0]


def test_facility_and_discrimination(stats_quiz):
    q1, q2, q3 = quiz_statistics(stats_quiz).questions
    assert [q.attempts for q in (q1, q2, q3)] == [5, 5, 5]
    assert [round(q.facility, 6) for q in (q1, q2, q3)] == [60, 60, 50]
    assert math.isclose(q1.discrimination, 40.8248290, abs_tol=1e-6) and q1.flag == ""
    assert math.isclose(q2.discrimination, -80.1783726, abs_tol=1e-6) and q2.flag == "negative"
    assert math.isclose(q3.discrimination, 0, abs_tol=1e-9) and q3.flag == "low"


def test_distractor_analysis(stats_quiz):
    q1, q2, q3 = quiz_statistics(stats_quiz).questions
    assert q1.kind == "options"
    assert [(r.label, r.count, r.percent, r.credit) for r in q1.rows] == [
        ("Right", 3, 60.0, 1.0),
        ("Wrong one", 1, 20.0, 0.0),
        ("Wrong two", 1, 20.0, 0.0),
    ]
    assert q2.kind == "answers"
    assert [(r.label, r.count, r.credit) for r in q2.rows] == [("ne", 3, 1.0), ("dopamine", 2, 0.0)]
    assert q3.kind == "pairs"
    assert [(r.label, r.count, r.note) for r in q3.rows] == [
        ("α1", 3, "most common wrong match: Dilate"),
        ("β2", 2, "most common wrong match: Constrict"),
    ]


def test_unanswered_question_counts_as_zero_but_not_as_an_answer(stats_quiz):
    Response.objects.filter(attempt__user__username="userA", question__order=1).delete()
    q1 = quiz_statistics(stats_quiz).questions[0]
    assert (q1.attempts, q1.answered) == (5, 4)
    assert math.isclose(q1.facility, 40)  # 2 of 5


def test_numeric_and_multiple_rows(quiz, make_user):
    numeric = quiz.questions.get(order=5)
    multiple = quiz.questions.get(order=2)
    dopa, ne, ach = multiple.choices.all()
    for n, (number, choices) in enumerate(
        [(80.0, [dopa.pk, ne.pk]), (80.0, [dopa.pk]), (61.5, [ach.pk])]
    ):
        attempt = Attempt.objects.create(
            quiz=quiz,
            user=make_user(f"u{n}"),
            question_ids=[numeric.pk, multiple.pk],
            finished_at=timezone.now(),
            score=0.5,
        )
        Response.objects.create(
            attempt=attempt, question=numeric, answer={"number": number}, fraction=1
        )
        Response.objects.create(
            attempt=attempt, question=multiple, answer={"choices": choices}, fraction=0.5
        )
    stats = {q.question.order: q for q in quiz_statistics(quiz).questions}
    assert [(r.label, r.count) for r in stats[5].rows] == [("80", 2), ("61.5", 1)]
    assert [(r.count, round(r.percent)) for r in stats[2].rows] == [(2, 67), (1, 33), (1, 33)]
    assert stats[1].attempts == 0 and stats[1].facility is None and stats[1].discrimination is None


def test_no_attempts(quiz):
    stats = quiz_statistics(quiz)
    assert (stats.finished, stats.counted, stats.mean, stats.median) == (0, 0, None, None)
    assert stats.bins == [0] * 10


def test_histogram_edges():
    assert histogram([0, 9.99, 10, 0.7 * 100, 99.9, 100]) == [2, 1, 0, 0, 0, 0, 0, 1, 0, 2]


def test_discrimination_needs_two_attempts_and_variation():
    assert discrimination([1], [2]) is None
    assert discrimination([1, 1, 1], [0, 1, 2]) is None  # everyone right: no variance
    assert math.isclose(discrimination([0, 1], [0, 1]), 100)
    assert (flag(None), flag(-0.1), flag(19.9), flag(20)) == ("", "negative", "low", "")


def test_first_attempts_by_user_or_session():
    class A:
        def __init__(self, pk, user_id, owner, minute):
            self.pk, self.user_id, self.owner = pk, user_id, owner
            self.started_at = START + datetime.timedelta(minutes=minute)

    attempts = [
        A(1, 7, "", 5),
        A(2, 7, "", 1),
        A(3, None, "s", 2),
        A(4, None, "s", 3),
        A(5, None, "", 4),
    ]
    assert [a.pk for a in first_attempts(attempts)] == [2, 3, 5]


def negative_quiz(first_attempts):
    """A quiz whose first question is answered right exactly by those who miss the second:
    discrimination -100, with `first_attempts` anonymous first attempts."""
    quiz = Quiz.objects.create(slug="few", title="Few", published=True)
    q1 = Question.objects.create(quiz=quiz, order=1, type="single", prompt="Which?")
    Choice.objects.create(question=q1, order=1, text="Right", fraction=1)
    q2 = Question.objects.create(quiz=quiz, order=2, type="short", prompt="Name it.")
    Choice.objects.create(question=q2, order=1, text="NE", fraction=1)
    for n in range(first_attempts):
        marks = (1.0, 0.0) if n % 2 else (0.0, 1.0)
        attempt = Attempt.objects.create(
            quiz=quiz,
            owner=f"owner-{n}",
            question_ids=[q1.pk, q2.pk],
            finished_at=timezone.now(),
            score=0.5,
        )
        for question, mark in zip((q1, q2), marks, strict=True):
            Response.objects.create(attempt=attempt, question=question, answer={}, fraction=mark)
    return quiz


def statistics_page(client_as, quiz):
    page = client_as("instructor").get(f"/quizzes/{quiz.slug}/statistics/").content.decode()
    return page[page.index("<main") : page.index("</main>")]


def test_under_twenty_first_attempts_an_item_is_not_judged(db, client_as):
    quiz = negative_quiz(19)
    q1 = quiz_statistics(quiz).questions[0]
    assert (q1.attempts, q1.flag, q1.too_few) == (19, "negative", True)
    body = statistics_page(client_as, quiz)
    assert body.count("too few attempts to judge this item</span>") == 2
    assert "Negative: check the key" not in body


def test_from_twenty_first_attempts_a_negative_item_is_flagged(db, client_as):
    quiz = negative_quiz(20)
    q1 = quiz_statistics(quiz).questions[0]
    assert (q1.attempts, q1.flag, q1.too_few) == (20, "negative", False)
    assert math.isclose(q1.discrimination, -100)
    body = statistics_page(client_as, quiz)
    assert "too few attempts to judge this item</span>" not in body
    assert body.count("Negative: check the key</span>") == 2
