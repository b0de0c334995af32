"""Issue 21, items 1–5: no secret at rest, option order that cannot be derived, answers that
survive content edits, merges that never fail a log-in, and answers serialised with finishing."""

import random
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.urls import reverse

from stressed.content.loader import load_content
from stressed.progress.mastery import curriculum_progress
from stressed.progress.store import Progress
from stressed.quizzes.gift import import_gift_into_quiz
from stressed.quizzes.models import Attempt, Question, Quiz, Response
from tests.content.test_loader import QUIZ, write_tree
from tests.quiz_helpers import right_answer, start, token

# 1. No secret at rest -------------------------------------------------------------------------


def all_rows_outside_the_session_table():
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if table == "django_session":
                continue
            cursor.execute(f'SELECT * FROM "{table}"')
            yield from ((table, row) for row in cursor.fetchall())


@pytest.mark.parametrize("logged_in", [False, True])
def test_the_session_key_is_stored_nowhere_but_the_session_table(
    client, quiz, make_user, logged_in
):
    if logged_in:
        client.force_login(make_user("alice"))
    attempt_id = start(client, quiz)
    question = quiz.questions.get(order=1)
    client.post(
        reverse("answer", args=[attempt_id, question.pk]), right_answer(attempt_id, question)
    )
    session_key = client.cookies["sessionid"].value
    assert len(session_key) >= 32
    leaks = [
        table for table, row in all_rows_outside_the_session_table() if session_key in str(row)
    ]
    assert leaks == []


def test_the_attempt_admin_shows_no_session_data(client, quiz, make_user):
    attempt_id = start(client, quiz)
    session_key = client.cookies["sessionid"].value
    admin = make_user("root", is_superuser=True, is_staff=True)
    client.force_login(admin)
    html = client.get(reverse("admin:quizzes_attempt_change", args=[attempt_id])).content.decode()
    assert Attempt.objects.get(pk=attempt_id).seed not in html
    assert session_key not in html


# 2. Unpredictable order and honest review ------------------------------------------------------


def displayed_tokens(page, question):
    form = page.split(f'id="q-{question.pk}"')[1].split("</section>")[0]
    return re.findall(r'name="choice" value="([0-9a-f]+)"', form)


def test_the_testers_inversion_scores_at_chance(client, curriculum):
    """The tester shuffled the authored options with Random(f"{attempt_id}:{question_id}"), both
    public, and picked the option at the right answer's authored position. We give that attacker
    the authored position of every right answer and still expect chance, not 45/45."""
    right = total = 0
    for quiz in Quiz.objects.filter(published=True):
        attempt_id = start(client, quiz)
        page = client.get(reverse("attempt", args=[attempt_id])).content.decode()
        for question in quiz.questions.live().filter(type="single"):
            choices = list(question.choices.all())
            authored_right = next(i for i, c in enumerate(choices) if c.fraction == 1)
            order = list(range(len(choices)))
            random.Random(f"{attempt_id}:{question.pk}").shuffle(order)
            guess = displayed_tokens(page, question)[order.index(authored_right)]
            response = client.post(
                reverse("answer", args=[attempt_id, question.pk]), {"choice": guess}
            )
            assert response.status_code == 302
            right += Response.objects.get(attempt_id=attempt_id, question=question).fraction == 1
            total += 1
    assert total >= 40
    assert right / total < 0.5, f"{right} of {total} right by inversion"


def test_two_attempts_order_and_name_options_differently(client, quiz):
    question = quiz.questions.get(order=1)
    first, second = start(client, quiz), start(client, quiz)
    token_sets = [
        set(displayed_tokens(client.get(reverse("attempt", args=[a])).content.decode(), question))
        for a in (first, second)
    ]
    assert token_sets[0].isdisjoint(token_sets[1])


def test_finishing_an_empty_attempt_reveals_no_answer_and_counts_for_nothing(client, quiz):
    attempt_id = start(client, quiz)
    client.post(reverse("attempt-finish", args=[attempt_id]))
    html = client.get(reverse("attempt-summary", args=[attempt_id])).content.decode()
    assert "Right answer:" not in html
    for choice_text in ("α1", "Vasoconstriction", "dopamine beta-hydroxylase"):
        assert choice_text not in html
    # Answered questions do show their right answer.
    second = start(client, quiz)
    question = quiz.questions.get(order=1)
    client.post(
        reverse("answer", args=[second, question.pk]),
        {"choice": token(second, question.choices.get(text="β2"))},
    )
    client.post(reverse("attempt-finish", args=[second]))
    html = client.get(reverse("attempt-summary", args=[second])).content.decode()
    assert html.count("Right answer:") == 1 and "Right answer: α1" in html

    request = client.get("/").wsgi_request
    (row,) = curriculum_progress(Progress(request), [quiz.lesson])
    assert row.attempts == 1  # the empty attempt is not counted


# 3. Answers survive content edits --------------------------------------------------------------


def answer_everything(quiz):
    attempt = Attempt.objects.create(quiz=quiz, question_ids=[])
    for question in quiz.questions.live():
        choice = question.choices.first()
        Response.objects.create(
            attempt=attempt, question=question, answer={"choices": [choice.pk]}, fraction=1
        )
    return attempt


def snapshot():
    """Each response with what its question asked and which option it points at."""
    return sorted(
        (r.question.key, r.question.prompt, tuple(r.answer["choices"]), r.fraction)
        for r in Response.objects.select_related("question")
    )


def swapped(quiz_text):
    """The quiz file with its two questions in the other order, each written as before."""
    header, rest = quiz_text.split("  - key: which\n")
    which, true_or_not = rest.split("  - key: true-or-not\n")
    return header + "  - key: true-or-not\n" + true_or_not + "  - key: which\n" + which


def reload(tmp_path, quiz_text):
    (tmp_path / "quizzes" / "test-lesson.yaml").write_text(quiz_text, encoding="utf-8")
    return load_content(tmp_path)


def test_reordering_and_shortening_a_quiz_keeps_every_answer(db, tmp_path, make_term):
    write_tree(tmp_path)
    load_content(tmp_path)
    quiz = Quiz.objects.get(slug="test-quiz")
    answer_everything(quiz)
    answer_everything(quiz)
    before = snapshot()
    assert len(before) == 4

    reload(tmp_path, swapped(QUIZ))
    assert snapshot() == before
    assert list(quiz.questions.live().values_list("key", flat=True)) == ["true-or-not", "which"]

    shortened = QUIZ.split("  - key: true-or-not")[0]
    report = reload(tmp_path, shortened)
    assert snapshot() == before, "the removed question's answers are kept"
    retired = Question.objects.get(key="true-or-not")
    assert retired.retired and retired.responses.count() == 2
    assert list(quiz.questions.live().values_list("key", flat=True)) == ["which"]
    assert any("1 retired" in warning for warning in report.warnings)

    attempt_id = start(Client(), quiz)
    assert retired.pk not in Attempt.objects.get(pk=attempt_id).question_ids


def test_changing_an_answered_questions_key_makes_a_new_version(db, tmp_path):
    write_tree(tmp_path)
    load_content(tmp_path)
    quiz = Quiz.objects.get(slug="test-quiz")
    answer_everything(quiz)
    before = snapshot()
    old = quiz.questions.get(key="which")

    # A new right answer: the old version keeps its answers and what they answered.
    changed = QUIZ.replace("{text: Right, fraction: 1", "{text: Right at last, fraction: 1")
    reload(tmp_path, changed)
    assert snapshot() == before
    old.refresh_from_db()
    assert old.retired and old.version == 1
    assert old.choices.filter(text="Right").exists()
    new = quiz.questions.live().get(key="which")
    assert new.version == 2 and new.pk != old.pk and new.responses.count() == 0

    # Feedback edits on an answered question change it in place.
    reload(tmp_path, changed.replace("feedback: Yes.", "feedback: Quite right."))
    assert quiz.questions.live().get(key="which").pk == new.pk


def test_unanswered_questions_are_updated_in_place_and_deleted_when_dropped(db, tmp_path):
    write_tree(tmp_path)
    load_content(tmp_path)
    quiz = Quiz.objects.get(slug="test-quiz")
    ids = dict(quiz.questions.values_list("key", "pk"))
    reload(tmp_path, QUIZ.replace("{text: Right, fraction: 1", "{text: Righter, fraction: 1"))
    assert dict(quiz.questions.values_list("key", "pk")) == ids
    reload(tmp_path, QUIZ.split("  - key: true-or-not")[0])
    assert not Question.objects.filter(key="true-or-not").exists()


GIFT = """::First:: Which receptor constricts skin vessels? {=α1 ~β2 ~M3}

::Second:: IV norepinephrine usually slows the heart. {T}

::Third:: Name the enzyme that makes NE from dopamine. {=DBH =dopamine beta-hydroxylase}
"""


def test_gift_import_into_a_quiz_with_answers_keeps_them(db):
    quiz, _ = import_gift_into_quiz(GIFT, title="G", slug="g")
    answer_everything(quiz)
    before = snapshot()
    blocks = GIFT.strip().split("\n\n")
    shortened_and_reordered = "\n\n".join([blocks[2], blocks[0]])
    quiz, result = import_gift_into_quiz(shortened_and_reordered, quiz)
    assert snapshot() == before
    assert result.written.retired == ["second"]
    assert list(quiz.questions.live().values_list("key", flat=True)) == ["third", "first"]


def test_gift_export_carries_keys_so_a_round_trip_matches_questions(db):
    from stressed.quizzes.gift import export_gift

    quiz, _ = import_gift_into_quiz(GIFT, title="G", slug="g")
    answer_everything(quiz)
    ids = sorted(quiz.questions.values_list("pk", flat=True))
    import_gift_into_quiz(export_gift(quiz), quiz)
    assert sorted(quiz.questions.live().values_list("pk", flat=True)) == ids


# 4. Merges and races ---------------------------------------------------------------------------


def test_login_merges_what_still_exists_and_skips_what_was_deleted(client, quiz, make_user):
    from stressed.lessons.models import Lesson

    user = make_user("bob")
    user.set_password("a-long-password-1")
    user.save()
    attempt_id = start(client, quiz)
    session = client.session
    data = session["progress"]
    data["completed"] = [quiz.lesson.pk, 999999, "junk"]
    data["last_lesson"] = 999999
    data["cards"] = {"424242": {"broken": True}}
    session["progress"] = data
    session.save()
    Lesson.objects.filter(pk=999999).delete()

    response = client.post(reverse("login"), {"username": "bob", "password": "a-long-password-1"})
    assert response.status_code == 302
    assert Attempt.objects.get(pk=attempt_id).user == user
    assert list(user.lesson_completions.values_list("lesson_id", flat=True)) == [quiz.lesson.pk]


def test_a_failing_sign_up_leaves_no_half_made_account(client, quiz, monkeypatch):
    import stressed.accounts.views as account_views

    start(client, quiz)

    def broken(request, user):
        raise RuntimeError("merge failed")

    monkeypatch.setattr(account_views, "merge_session_into_account", broken)
    with pytest.raises(RuntimeError):
        client.post(
            reverse("signup"),
            {"username": "carol", "password1": "a-long-pass-123", "password2": "a-long-pass-123"},
        )
    assert not get_user_model().objects.filter(username="carol").exists()


def test_a_repeated_identical_answer_returns_the_stored_result(client, quiz):
    attempt_id = start(client, quiz)
    question = quiz.questions.get(order=1)
    url = reverse("answer", args=[attempt_id, question.pk])
    data = right_answer(attempt_id, question)
    first = client.post(url, data, HTTP_HX_REQUEST="true")
    again = client.post(url, data, HTTP_HX_REQUEST="true")
    assert first.status_code == again.status_code == 200
    assert "Correct" in again.content.decode()
    wrong = {"choice": token(attempt_id, question.choices.get(text="β2"))}
    different = client.post(url, wrong, HTTP_HX_REQUEST="true")
    assert different.status_code == 409
    assert Response.objects.get(attempt_id=attempt_id).fraction == 1


def test_no_answer_is_stored_after_finishing(client, quiz):
    attempt_id = start(client, quiz)
    client.post(reverse("attempt-finish", args=[attempt_id]))
    question = quiz.questions.get(order=1)
    response = client.post(
        reverse("answer", args=[attempt_id, question.pk]), right_answer(attempt_id, question)
    )
    assert response.status_code == 409
    assert not Response.objects.filter(attempt_id=attempt_id).exists()


def test_content_format_documents_keys():
    text = (Path(__file__).parents[2] / "docs" / "content-format.md").read_text()
    assert "key" in text and "retires it" in text


def test_finishing_sends_attempt_finished_once_after_commit(
    client, quiz, django_capture_on_commit_callbacks
):
    from stressed.quizzes.signals import attempt_finished

    received = []

    def receiver(sender, attempt, request, **kwargs):
        received.append((attempt.pk, attempt.score))

    attempt_finished.connect(receiver)
    try:
        attempt_id = start(client, quiz)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("attempt-finish", args=[attempt_id]))
            client.post(reverse("attempt-finish", args=[attempt_id]))  # a double click
    finally:
        attempt_finished.disconnect(receiver)
    assert received == [(attempt_id, 0.0)]


def test_moving_options_in_the_file_keeps_the_version_and_what_each_answer_chose(db, tmp_path):
    write_tree(tmp_path)
    load_content(tmp_path)
    quiz = Quiz.objects.get(slug="test-quiz")
    answer_everything(quiz)  # every answer chose the first option: "Right"
    question = quiz.questions.get(key="which")
    chosen = Response.objects.get(question=question).answer["choices"][0]
    moved = QUIZ.replace(
        """      - {text: Right, fraction: 1, feedback: Yes.}
      - {text: Wrong, fraction: 0, feedback: No., misconception: a-myth}""",
        """      - {text: Wrong, fraction: 0, feedback: No., misconception: a-myth}
      - {text: Right, fraction: 1, feedback: Yes.}""",
    )
    reload(tmp_path, moved)
    live = quiz.questions.live().get(key="which")
    assert live.pk == question.pk and live.version == 1
    assert [c.text for c in live.choices.all()] == ["Wrong", "Right"]
    assert live.choices.get(pk=chosen).text == "Right"


def test_the_import_report_names_deleted_and_retired_questions_by_key(db):
    quiz, _ = import_gift_into_quiz(GIFT, title="G", slug="g")
    second = quiz.questions.get(key="second")
    Response.objects.create(
        attempt=Attempt.objects.create(quiz=quiz, question_ids=[second.pk]),
        question=second,
        answer={"choices": [second.choices.first().pk]},
        fraction=1,
    )
    only_first = GIFT.strip().split("\n\n")[0]
    _, result = import_gift_into_quiz(only_first, quiz)
    assert result.written.retired == ["second"]  # answered: kept with its answer
    assert result.written.deleted == ["third"]  # never answered: gone
    assert "1 retired" in result.written.summary() and "1 deleted" in result.written.summary()
