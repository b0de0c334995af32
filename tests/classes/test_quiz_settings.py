"""Issue 17, item 3: a class's quiz settings in the attempt flow. Deferred feedback leaves no
trace of correctness in an answer's response (markup, out-of-band swaps, headers), written as
tests/quizzes/test_integrity.py checks that a page holds no marker of the right answer."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from stressed.classes.models import Assignment
from stressed.lti.grades import grade_for
from stressed.quizzes.models import Attempt
from tests.classes.conftest import finished_attempt
from tests.quiz_helpers import right_answer, start, token

# Anything that tells right from wrong, in any of the quiz's cards: verdict words and icons,
# the right-answer line, the explanations ("Why n."), the option feedback, review links.
MARKERS = (
    "Correct", "correct", "Incorrect", "Partly", "✓", "✗", "◐", "Right answer", "right answer",
    "Why 1.", "Why 2.", "Why 3.", "Why 4.", "Why 5.", "Why 6.", "Yes, Gq.", "β2 dilates",
    "Muscarinic", "Right: reflex", "The baroreflex", "Which one?", "Close.", "No, an ester",
    "(right)", "(wrong", "belongs at", "Review this in the lesson",
    "feedback-correct", "feedback-incorrect", "feedback-partly",
    "verdict-correct", "verdict-incorrect", "verdict-partly",
    "point", "You scored",
)  # fmt: skip


def markers_in(response):
    text = response.content.decode()
    found = [m for m in MARKERS if m in text]
    for name, value in response.headers.items():
        if name.lower().startswith("hx-") or any(m in value for m in MARKERS):
            found.append(f"header {name}: {value}")
    return found


@pytest.fixture
def deferred(school_class, enrolled, quiz):
    return Assignment.objects.create(
        school_class=school_class, quiz=quiz, feedback_mode="after_finish"
    )


def wrong_answer(attempt_id, question):
    choices = list(question.choices.all())
    if question.type in ("single", "truefalse", "multiple"):
        return {"choice": token(attempt_id, next(c for c in choices if c.fraction <= 0))}
    if question.type == "short":
        return {"text": "hydroxylase"}
    if question.type == "numeric":
        return {"number": "70"}
    tokens = [token(attempt_id, c) for c in choices]
    return {f"match-{c.pk}": tokens[(i + 1) % len(tokens)] for i, c in enumerate(choices)}


@pytest.mark.parametrize("htmx", [True, False])
def test_deferred_feedback_leaves_no_trace_in_the_answer_response(client, deferred, quiz, htmx):
    client.force_login(deferred.school_class.memberships.get().user)
    attempt_id = start(client, quiz)
    headers = {"HX-Request": "true"} if htmx else {}
    for n, question in enumerate(quiz.questions.all()):
        answer = (right_answer if n % 2 else wrong_answer)(attempt_id, question)
        response = client.post(
            reverse("answer", args=[attempt_id, question.pk]), answer, headers=headers
        )
        if not htmx:
            assert response.status_code == 302
            response = client.get(response["Location"])
        assert response.status_code == 200
        assert markers_in(response) == [], (question.type, markers_in(response))
        assert "Answer saved." in response.text
        if htmx:
            assert "answer saved" in response.text  # the live region says so, in words
    # The attempt page, reloaded, shows the answers as given and nothing more.
    page = client.get(reverse("attempt", args=[attempt_id]))
    assert markers_in(page) == [] and page.text.count("Answer saved.") == 6
    assert "when you finish the attempt" in page.text
    # Which questions were missed is feedback too.
    assert client.post(reverse("attempt-practise", args=[attempt_id])).status_code == 403
    # Finished: the summary shows everything, as today.
    client.post(reverse("attempt-finish", args=[attempt_id]))
    summary = client.get(reverse("attempt-summary", args=[attempt_id]))
    assert "You scored" in summary.text and "Right answer:" in summary.text


def test_without_a_class_feedback_is_immediate(client, quiz, student):
    client.force_login(student)
    attempt_id = start(client, quiz)
    question = quiz.questions.get(order=1)
    response = client.post(
        reverse("answer", args=[attempt_id, question.pk]),
        right_answer(attempt_id, question),
        headers={"HX-Request": "true"},
    )
    assert "Correct" in response.text and "Answer saved." not in response.text


def test_feedback_after_the_due_date(client, school_class, enrolled, quiz):
    a = Assignment.objects.create(
        school_class=school_class,
        quiz=quiz,
        feedback_mode="after_due",
        due_at=timezone.now() + timedelta(days=1),
    )
    client.force_login(enrolled)
    attempt_id = start(client, quiz)
    question = quiz.questions.get(order=1)
    client.post(
        reverse("answer", args=[attempt_id, question.pk]), right_answer(attempt_id, question)
    )
    client.post(reverse("attempt-finish", args=[attempt_id]))
    summary = client.get(reverse("attempt-summary", args=[attempt_id]))
    assert markers_in(summary) == [] and "Your answers are saved" in summary.text
    assert "after the due date" in summary.text and "UTC" in summary.text
    assigned = client.get(reverse("assigned")).text
    assert "Done" in assigned and "grade" not in assigned  # the score waits too
    Assignment.objects.filter(pk=a.pk).update(due_at=timezone.now() - timedelta(minutes=1))
    summary = client.get(reverse("attempt-summary", args=[attempt_id]))
    assert "You scored" in summary.text and "Right answer: α1" in summary.text


def test_attempts_allowed_are_enforced_with_a_message(client, school_class, enrolled, quiz):
    Assignment.objects.create(school_class=school_class, quiz=quiz, attempts_allowed=1)
    client.force_login(enrolled)
    first = start(client, quiz)
    take = client.get(reverse("quiz-take", args=[quiz.slug]), headers={"HX-Request": "true"})
    assert "Continue where you left off" in take.text and "Start again" not in take.text
    client.post(reverse("attempt-finish", args=[first]))
    response = client.post(reverse("quiz-start", args=[quiz.slug]))
    assert response.status_code == 409 and "No attempts left" in response.text
    assert "allows 1 attempt" in response.text
    assert Attempt.objects.filter(user=enrolled).count() == 1
    take = client.get(reverse("quiz-take", args=[quiz.slug]), headers={"HX-Request": "true"})
    assert "No attempts left" in take.text and "Start the quiz" not in take.text


def test_attempts_before_joining_do_not_use_up_the_allowance(client, school_class, student, quiz):
    Assignment.objects.create(school_class=school_class, quiz=quiz, attempts_allowed=1)
    client.force_login(student)
    start(client, quiz)  # practice, before joining
    from stressed.classes import services

    services.join(student, school_class)
    assert client.post(reverse("quiz-start", args=[quiz.slug])).status_code == 302


@pytest.mark.parametrize(
    ("opens", "closes", "title"),
    [(timedelta(hours=1), None, "Not open yet"), (None, -timedelta(hours=1), "Closed")],
)
def test_opens_and_closes(client, school_class, enrolled, quiz, opens, closes, title):
    now = timezone.now()
    Assignment.objects.create(
        school_class=school_class,
        quiz=quiz,
        opens_at=now + opens if opens else None,
        closes_at=now + closes if closes else None,
    )
    Assignment.objects.update(created_at=now - timedelta(days=1))
    client.force_login(enrolled)
    response = client.post(reverse("quiz-start", args=[quiz.slug]))
    assert response.status_code == 403 and title in response.text and "UTC" in response.text
    assert not Attempt.objects.exists()


def test_an_archived_class_sets_nothing(client, school_class, enrolled, quiz):
    Assignment.objects.create(school_class=school_class, quiz=quiz, attempts_allowed=1)
    school_class.archived_at = timezone.now()
    school_class.save()
    client.force_login(enrolled)
    start(client, quiz)
    assert client.post(reverse("quiz-start", args=[quiz.slug])).status_code == 302


@pytest.mark.parametrize(("policy", "expected"), [("best", 90), ("first", 50), ("last", 70),
                                                  ("mean", 70)])  # fmt: skip
def test_lti_grade_follows_the_class_grade_policy(school_class, enrolled, quiz, policy, expected):
    Assignment.objects.create(school_class=school_class, quiz=quiz, grade_policy=policy)
    now = timezone.now()
    for n, score in enumerate((0.5, 0.9, 0.7)):
        attempt = finished_attempt(enrolled, quiz, score, started=now + timedelta(minutes=n))
    assert grade_for(attempt, None) == (pytest.approx(expected), 100)


def test_lti_grade_without_a_class_is_the_attempts_own(student, quiz):
    attempt = finished_attempt(student, quiz, 0.42)
    assert grade_for(attempt, None) == (42.0, 100)


def test_a_deferred_score_shows_nowhere_before_the_due_date(client, school_class, enrolled, quiz):
    a = Assignment.objects.create(
        school_class=school_class,
        quiz=quiz,
        feedback_mode="after_due",
        due_at=timezone.now() + timedelta(days=1),
    )
    client.force_login(enrolled)
    attempt_id = start(client, quiz)
    question = quiz.questions.get(order=1)
    client.post(
        reverse("answer", args=[attempt_id, question.pk]), wrong_answer(attempt_id, question)
    )
    client.post(reverse("attempt-finish", args=[attempt_id]))
    progress = client.get(reverse("progress")).text
    assert "%" not in progress.split("<tbody>")[1].split("</tbody>")[0]
    assert "to practise" not in progress
    assert client.post(reverse("review-missed"))["Location"] == reverse("review")
    Assignment.objects.filter(pk=a.pk).update(due_at=timezone.now() - timedelta(minutes=1))
    progress = client.get(reverse("progress")).text
    assert "0%" in progress and "1 question to practise" in progress
