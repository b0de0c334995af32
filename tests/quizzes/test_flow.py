"""Taking a quiz end to end, with and without htmx, and every kind of bad request."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from stressed.core.cache import forget_content_version
from stressed.quizzes.models import Attempt, Response
from tests.quiz_helpers import right_answer, start, token


def answer_url(attempt_id, question):
    return reverse("answer", args=[attempt_id, question.pk])


def test_quiz_page_and_start(client, quiz):
    html = client.get(quiz.get_absolute_url()).content.decode()
    assert "6 questions" in html and "Start the quiz" in html
    attempt_id = start(client, quiz)
    page = client.get(reverse("attempt", args=[attempt_id])).content.decode()
    assert page.count('class="question-card') == 6
    assert "0 of 6 answered" in page
    assert page.count("<fieldset") == 6 and page.count("<legend") == 6
    assert "{#" not in page and "{%" not in page


def test_htmx_answer_returns_feedback_partial_and_progress(client, quiz):
    attempt_id = start(client, quiz)
    question = quiz.questions.get(order=1)
    wrong = question.choices.get(text="β2")
    response = client.post(
        answer_url(attempt_id, question),
        {"choice": token(attempt_id, wrong)},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "Incorrect" in html and "✗" in html  # not by colour alone
    assert "β2 dilates." in html  # the chosen option's feedback
    assert "Right answer: α1" in html
    assert "Why 1." in html  # the explanation
    assert 'href="/lessons/quiz-lesson/#first"' in html  # review link
    assert "1 of 6 answered" in html and 'hx-swap-oob="true"' in html
    assert 'aria-live="polite"' in html and "Question 1: incorrect." in html
    assert "<form" not in html  # the card is locked


def test_without_javascript_answer_redirects_back_to_the_question(client, quiz):
    attempt_id = start(client, quiz)
    question = quiz.questions.get(order=4)
    response = client.post(answer_url(attempt_id, question), {"text": "DBH"})
    assert response.status_code == 302
    assert response["Location"] == f"/attempts/{attempt_id}/#q-{question.pk}"
    page = client.get(response["Location"]).content.decode()
    card = page.split(f'id="q-{question.pk}"')[1].split("</section>")[0]
    assert "Correct" in card and "Your answer:" in card and "DBH" in card


def test_full_attempt_summary_retry_and_practise(client, quiz):
    attempt_id = start(client, quiz)
    questions = list(quiz.questions.all())
    for question in questions[:5]:
        client.post(answer_url(attempt_id, question), right_answer(attempt_id, question))
    response = client.post(reverse("attempt-finish", args=[attempt_id]))
    assert response["Location"] == reverse("attempt-summary", args=[attempt_id])
    attempt = Attempt.objects.get(pk=attempt_id)
    assert attempt.score == pytest.approx(5 / 6)
    html = client.get(response["Location"]).content.decode()
    assert "You scored 83%" in html
    assert "Not answered" in html
    assert "Right answer: α1 → Vasoconstriction" not in html  # unanswered: nothing revealed
    assert "Answer it in a new attempt to see the right answer." in html
    assert "Try again" in html and "Practise what I missed" in html
    practise = client.post(reverse("attempt-practise", args=[attempt_id]))
    review = Attempt.objects.get(
        pk=int(re.search(r"/attempts/(\d+)/", practise["Location"]).group(1))
    )
    assert review.quiz is None and review.question_ids == [questions[5].pk]
    again = start(client, quiz)
    assert again not in (attempt_id, review.pk)


def test_incomplete_answer_shows_message_and_stores_nothing(client, quiz):
    attempt_id = start(client, quiz)
    question = quiz.questions.get(order=5)
    response = client.post(
        answer_url(attempt_id, question), {"number": "eighty"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 422
    assert (
        "Enter a number" in response.content.decode()
        and 'role="alert"' in response.content.decode()
    )
    assert not Response.objects.exists()
    response = client.post(answer_url(attempt_id, question), {"number": ""})
    assert response.status_code == 422 and "<html" in response.content.decode()


def test_answering_twice_is_409_and_keeps_the_first_answer(client, quiz):
    attempt_id = start(client, quiz)
    question = quiz.questions.get(order=1)
    right, wrong = question.choices.get(fraction=1), question.choices.get(text="M3")
    assert (
        client.post(
            answer_url(attempt_id, question), {"choice": token(attempt_id, wrong)}
        ).status_code
        == 302
    )
    second = client.post(answer_url(attempt_id, question), {"choice": token(attempt_id, right)})
    assert second.status_code == 409
    stored = Response.objects.get()
    assert stored.fraction == 0 and stored.answer == {"choices": [wrong.pk]}


def test_answering_a_finished_attempt_is_409(client, quiz):
    attempt_id = start(client, quiz)
    client.post(reverse("attempt-finish", args=[attempt_id]))
    question = quiz.questions.get(order=4)
    assert client.post(answer_url(attempt_id, question), {"text": "DBH"}).status_code == 409
    assert not Response.objects.exists()


def test_forged_and_malformed_answers_are_400(client, quiz):
    attempt_id = start(client, quiz)
    q1, q2 = quiz.questions.get(order=1), quiz.questions.get(order=2)
    foreign = q2.choices.first()
    for data in (
        {"choice": token(attempt_id, foreign)},
        {"choice": "123"},
        {"choice": "x" * 5000},
        {"choice": [token(attempt_id, c) for c in q1.choices.all()]},
    ):
        assert client.post(answer_url(attempt_id, q1), data).status_code == 400
    assert not Response.objects.exists()


def test_unknown_things_are_404(client, quiz):
    attempt_id = start(client, quiz)
    question = quiz.questions.get(order=4)
    assert client.get("/quizzes/no-such-quiz/").status_code == 404
    assert client.post("/quizzes/no-such-quiz/start/").status_code == 404
    assert (
        client.post(f"/attempts/{attempt_id}/questions/999999/", {"text": "x"}).status_code == 404
    )
    assert (
        client.post(f"/attempts/999999/questions/{question.pk}/", {"text": "x"}).status_code == 404
    )


def test_unpublished_quiz_is_404_for_students(client, quiz):
    attempt_id = start(client, quiz)
    quiz.published = False
    quiz.save()
    assert client.get(quiz.get_absolute_url()).status_code == 404
    assert client.post(f"/quizzes/{quiz.slug}/start/").status_code == 404
    question = quiz.questions.get(order=4)
    assert client.post(answer_url(attempt_id, question), {"text": "DBH"}).status_code == 404


def test_another_sessions_attempt_is_404(client, quiz, make_user):
    attempt_id = start(client, quiz)
    question = quiz.questions.get(order=4)
    intruder = Client()
    assert intruder.get(reverse("attempt", args=[attempt_id])).status_code == 404
    assert intruder.post(answer_url(attempt_id, question), {"text": "DBH"}).status_code == 404
    assert intruder.post(reverse("attempt-finish", args=[attempt_id])).status_code == 404
    intruder.force_login(make_user("someone"))
    assert intruder.get(reverse("attempt-summary", args=[attempt_id])).status_code == 404
    assert not Response.objects.exists()


def test_missing_csrf_token_is_403(quiz):
    client = Client(enforce_csrf_checks=True)
    assert client.post(f"/quizzes/{quiz.slug}/start/").status_code == 403
    # The public intro page holds no token; the Start form comes from its private fragment.
    assert "csrfmiddlewaretoken" not in client.get(quiz.get_absolute_url()).text
    page = client.get(reverse("quiz-take", args=[quiz.slug])).content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    started = client.post(f"/quizzes/{quiz.slug}/start/", {"csrfmiddlewaretoken": csrf})
    attempt_id = int(re.search(r"/attempts/(\d+)/", started["Location"]).group(1))
    question = quiz.questions.get(order=4)
    assert client.post(answer_url(attempt_id, question), {"text": "DBH"}).status_code == 403
    assert not Response.objects.exists()


def test_no_trace_of_the_right_option_before_answering(client, quiz):
    """Diff the markup of right and wrong options: once the option's own label and opaque
    token are blanked out, every option in a question must be byte-for-byte identical."""
    attempt_id = start(client, quiz)
    page = client.get(reverse("attempt", args=[attempt_id])).content.decode()
    for question in quiz.questions.filter(type__in=["single", "multiple", "truefalse"]):
        card = page.split(f'id="q-{question.pk}"')[1].split("</section>")[0]
        options = re.findall(r'<div class="option">.*?</div>', card, re.S)
        assert len(options) == question.choices.count()
        blanked = set()
        for option_html in options:
            option_html = re.sub(r'value="[0-9a-f]{16}"', 'value="T"', option_html)
            option_html = re.sub(
                r"<label([^>]*)>.*?</label>", r"<label\1>L</label>", option_html, flags=re.S
            )
            option_html = re.sub(r'-\d+"', '-N"', option_html)
            blanked.add(option_html)
        assert len(blanked) == 1, blanked
        for choice in question.choices.all():
            assert choice.feedback not in card or not choice.feedback
        assert "Why" not in card  # the explanation is not sent before answering
    # Values are opaque: no choice id appears as an option value.
    for choice_id in quiz.questions.values_list("choices__pk", flat=True):
        assert f'value="{choice_id}"' not in page


def test_option_order_is_shuffled_per_attempt_not_by_correctness(client, quiz):
    orders = set()
    for _ in range(8):
        attempt_id = start(client, quiz)
        page = client.get(reverse("attempt", args=[attempt_id])).content.decode()
        question = quiz.questions.get(order=1)
        card = page.split(f'id="q-{question.pk}"')[1].split("</section>")[0]
        orders.add(tuple(re.findall(r"<label[^>]*>(.*?)</label>", card)))
    assert len(orders) > 1


def test_query_counts_are_pinned(client, quiz, django_assert_num_queries):
    attempt_id = start(client, quiz)
    forget_content_version()  # as in a freshly started worker
    # session, attempt, content version, questions, choices, responses
    with django_assert_num_queries(6):
        assert client.get(reverse("attempt", args=[attempt_id])).status_code == 200
    # Warm: the process's question bank has the questions.
    with django_assert_num_queries(3):
        assert client.get(reverse("attempt", args=[attempt_id])).status_code == 200
    question = quiz.questions.get(order=4)
    # session, attempt, savepoint, attempt locked with any earlier answer, insert, release,
    # progress count
    with django_assert_num_queries(7):
        response = client.post(
            answer_url(attempt_id, question), {"text": "DBH"}, HTTP_HX_REQUEST="true"
        )
    assert response.status_code == 200


def test_question_bank_follows_content_edits(client, quiz):
    """Questions are kept per process; an edit (which bumps the content version) is graded
    at once, with no stale copy."""
    attempt_id = start(client, quiz)
    question = quiz.questions.get(order=4)  # short answer: "DBH" is accepted
    client.get(reverse("attempt", args=[attempt_id]))  # loads the bank
    accepted = question.choices.get(text="DBH")
    accepted.fraction = 0
    accepted.save()
    response = client.post(
        answer_url(attempt_id, question), {"text": "DBH"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert Response.objects.get(attempt_id=attempt_id, question=question).fraction == 0


def test_preview_grades_without_recording(client_as, quiz):
    client = client_as("instructor")
    assert client.get(reverse("quiz-preview", args=[quiz.slug])).status_code == 200
    question = quiz.questions.get(order=4)
    response = client.post(
        reverse("quiz-preview-answer", args=[quiz.slug, question.pk]),
        {"text": "DBH"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and "Correct" in response.content.decode()
    assert not Attempt.objects.exists() and not Response.objects.exists()


def test_preview_headings_stay_the_same_once_answered(client_as, quiz):
    client = client_as("instructor")
    before = client.get(reverse("quiz-preview", args=[quiz.slug])).content.decode()
    assert 'Question 4 <span class="of-total">of 6</span>' in before
    question = quiz.questions.get(order=4)
    for htmx in ({"HTTP_HX_REQUEST": "true"}, {}):
        after = client.post(
            reverse("quiz-preview-answer", args=[quiz.slug, question.pk]), {"text": "DBH"}, **htmx
        ).content.decode()
        assert 'Question 4 <span class="of-total">of 6</span>' in after


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("student", 403),
        ("glossary_editor", 403),
        ("instructor", 200),
        ("admin", 200),
        ("superuser", 200),
    ],
)
def test_preview_permissions(client_as, quiz, role, status):
    assert client_as(role).get(reverse("quiz-preview", args=[quiz.slug])).status_code == status
