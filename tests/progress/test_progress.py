import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from stressed.progress.flashcards import Deck
from stressed.progress.mastery import Level, mastery_level
from stressed.progress.models import CardState, LessonCompletion
from stressed.progress.store import Progress
from stressed.quizzes.models import Attempt
from tests.quiz_helpers import right_answer, start


@pytest.mark.parametrize(
    ("completed", "scores", "answered", "level"),
    [
        (False, [], False, Level.NOT_STARTED),
        (True, [], False, Level.ATTEMPTED),
        (False, [], True, Level.ATTEMPTED),
        (False, [0.59], True, Level.ATTEMPTED),
        (False, [0.6], True, Level.FAMILIAR),
        (False, [0.5, 0.8], True, Level.PROFICIENT),
        (False, [0.95], True, Level.PROFICIENT),
        (False, [0.9, 0.2, 0.9], True, Level.MASTERED),
    ],
)
def test_mastery_rules(completed, scores, answered, level):
    assert mastery_level(completed, scores, answered) == level


def test_mark_complete_with_and_without_htmx(client, make_lesson):
    lesson = make_lesson()
    url = reverse("lesson-complete", args=[lesson.slug])
    response = client.post(url, {"complete": "1"}, HTTP_HX_REQUEST="true")
    assert (
        response.status_code == 200
        and "You marked this lesson complete" in response.content.decode()
    )
    assert 'role="status"' in response.content.decode()
    page = client.get(reverse("lesson-progress", args=[lesson.slug])).content.decode()
    assert "You marked this lesson complete" in page
    response = client.post(url, {"complete": "0"})
    assert response.status_code == 302
    assert response["Location"] == reverse("lesson-progress", args=[lesson.slug])
    assert "Mark this lesson complete" in client.get(response["Location"]).content.decode()


def test_home_offers_to_continue_where_you_left_off(client, make_lesson):
    make_lesson("one", order=1)
    two = make_lesson("two", order=2)
    client.post(reverse("lesson-complete", args=["one"]))  # starts a session
    client.post(reverse("lesson-position", args=[two.slug]), {"section": ""})  # opened
    assert "Continue: lesson 2" not in client.get(reverse("home")).content.decode()  # public
    fragment = client.get(reverse("home-progress"), HTTP_HX_REQUEST="true").text
    assert "Continue: lesson 2, Two" in fragment
    client.post(reverse("lesson-position", args=[two.slug]), {"section": "second"})
    client.post(reverse("lesson-position", args=[two.slug]), {"section": "not-a-heading"})
    fragment = client.get(reverse("home-progress"), HTTP_HX_REQUEST="true").text
    assert 'href="/lessons/two/">Continue: lesson 2, Two' in fragment  # unknown ids dropped
    client.post(reverse("lesson-position", args=[two.slug]), {"section": "second"})
    fragment = client.get(reverse("home-progress"), HTTP_HX_REQUEST="true").text
    assert 'href="/lessons/two/#second">Continue: lesson 2, Second' in fragment
    # Each card's status comes out of band, into the public page's empty slots.
    assert 'id="status-one" hx-swap-oob="true"' in fragment and "✓</span> Read" in fragment


def test_progress_page_shows_levels_and_scores(client, quiz):
    attempt_id = start(client, quiz)
    for question in quiz.questions.all():
        client.post(
            reverse("answer", args=[attempt_id, question.pk]), right_answer(attempt_id, question)
        )
    client.post(reverse("attempt-finish", args=[attempt_id]))
    html = client.get(reverse("progress")).content.decode()
    assert "Proficient" in html and "100%" in html
    assert 'role="img"' in html and "<table" in html  # chart with a text equivalent


def test_anonymous_progress_survives_signup(client, quiz):
    attempt_id = start(client, quiz)
    question = quiz.questions.get(order=4)
    client.post(reverse("answer", args=[attempt_id, question.pk]), {"text": "nope"})
    client.post(reverse("lesson-complete", args=[quiz.lesson.slug]))
    response = client.post(
        reverse("signup"),
        {
            "username": "newbie",
            "email": "",
            "password1": "a-Good-passphrase-42",
            "password2": "a-Good-passphrase-42",
        },
    )
    assert response.status_code == 302
    attempt = Attempt.objects.get(pk=attempt_id)
    assert attempt.user.username == "newbie"
    assert LessonCompletion.objects.filter(user=attempt.user, lesson=quiz.lesson).exists()
    assert "1 question to practise" in client.get(reverse("progress")).content.decode()


def test_anonymous_progress_merges_on_login_without_duplicates(client, make_user, make_lesson):
    lesson = make_lesson()
    user = make_user("returning")
    LessonCompletion.objects.create(user=user, lesson=lesson)
    client.post(reverse("lesson-complete", args=[lesson.slug]))
    response = client.post(
        reverse("login"), {"username": "returning", "password": "pw-Long-enough-1"}
    )
    assert response.status_code == 302
    assert LessonCompletion.objects.filter(user=user).count() == 1


def test_progress_kept_across_logout_and_login(client, make_user, make_lesson):
    lesson = make_lesson()
    make_user("keeper")
    client.post(reverse("login"), {"username": "keeper", "password": "pw-Long-enough-1"})
    client.post(reverse("lesson-complete", args=[lesson.slug]))
    client.post(reverse("logout"))
    assert (
        "You marked this lesson complete"
        not in client.get(lesson.get_absolute_url()).content.decode()
    )
    client.post(reverse("login"), {"username": "keeper", "password": "pw-Long-enough-1"})
    assert (
        "You marked this lesson complete" in client.get(lesson.get_absolute_url()).content.decode()
    )


def test_practise_missed_across_lessons(client, quiz):
    attempt_id = start(client, quiz)
    questions = list(quiz.questions.all())
    client.post(
        reverse("answer", args=[attempt_id, questions[0].pk]),
        right_answer(attempt_id, questions[0]),
    )
    client.post(reverse("answer", args=[attempt_id, questions[3].pk]), {"text": "wrong"})
    assert "1 question across your quizzes" in client.get(reverse("review")).content.decode()
    response = client.post(reverse("review-missed"))
    review = Attempt.objects.get(pk=int(response["Location"].strip("/").split("/")[-1]))
    assert review.question_ids == [questions[3].pk]
    # Answering it right clears it from the missed list.
    client.post(reverse("answer", args=[review.pk, questions[3].pk]), {"text": "DBH"})
    assert "Nothing to practise" in client.get(reverse("review")).content.decode()


def test_flashcards_for_anonymous_session_and_account(client, make_term, make_user):
    term = make_term()
    html = client.get(reverse("flashcards")).content.decode()
    assert term.name in html and "Show the answer" in html
    assert term.short in client.get(reverse("flashcards") + "?show=1").content.decode()
    assert (
        client.post(reverse("flashcard-rate", args=[term.pk]), {"rating": "again"}).status_code
        == 302
    )
    assert "You have studied 1 of 1 terms" in client.get(reverse("review")).content.decode()
    client.post(
        reverse("signup"),
        {
            "username": "carder",
            "password1": "a-Good-passphrase-42",
            "password2": "a-Good-passphrase-42",
        },
    )
    state = CardState.objects.get(user__username="carder", term=term)
    assert state.due <= datetime.now(UTC) + timedelta(minutes=10)
    assert state.reviews == 1  # the review made before signing up counts
    client.post(reverse("flashcard-rate", args=[term.pk]), {"rating": "easy"})
    state.refresh_from_db()
    assert state.due > datetime.now(UTC) + timedelta(hours=12) and state.reviews == 2
    exported = client.get(reverse("account-export")).content.decode()
    assert '"reviews": 2' in exported


def test_flashcards_say_new_and_due_and_show_intervals(client, make_term, make_lesson):
    first = make_term("alpha-term", "Alpha term", aliases="")
    read = make_term("zeta-term", "Zeta term", aliases="")
    lesson = make_lesson()
    lesson.key_terms.add(read)
    # A new student: no reviews due, but new terms to learn (not "No cards due").
    review = client.get(reverse("review")).content.decode()
    assert "No cards due" not in review and "2 new terms to learn" in review
    html = client.get(reverse("flashcards")).content.decode()
    assert "0 cards due" not in html
    assert "0 due for review" in html and "2 new left in this session" in html
    assert "New card" in html and first.name in html  # alphabetical until a lesson is read
    client.post(reverse("lesson-complete", args=[lesson.slug]))
    html = client.get(reverse("flashcards") + "?show=1").content.decode()
    assert read.name in html  # the read lesson's terms come first
    for label in ("Again <span", "1 min</span>", "Easy <span", "8 days</span>"):
        assert label in html
    assert ", next in </span>" in html  # the interval is part of the button's name


def test_a_session_ends_with_a_summary(client, make_term):
    terms = [make_term(f"t-{i}", f"Term {i}", aliases="") for i in range(3)]
    for term, rating in zip(terms, ["easy", "good", "easy"], strict=True):
        client.post(reverse("flashcard-rate", args=[term.pk]), {"rating": rating})
    html = client.get(reverse("flashcards")).content.decode()
    assert "Session done" in html and "You went through 3 cards." in html
    assert '<span class="rating-name">Easy</span> 2' in html
    assert "The next card comes back in" in html


def test_bad_flashcard_rating_is_400_and_unknown_term_404(client, make_term):
    term = make_term()
    assert (
        client.post(reverse("flashcard-rate", args=[term.pk]), {"rating": "meh"}).status_code == 400
    )
    assert (
        client.post(reverse("flashcard-rate", args=[999999]), {"rating": "good"}).status_code == 404
    )


def test_deck_schedules_due_cards_first(rf, make_term, make_user):
    a, b = make_term("a", "Alpha"), make_term("b", "Beta", aliases="")
    request = rf.get("/")
    request.user = make_user("decker")
    request.session = {}
    deck = Deck(Progress(request))
    now = datetime.now(UTC)
    deck.record(b.pk, "again", now)
    assert deck.next_term([a.pk, b.pk], now + timedelta(hours=1)) == b.pk
    deck.record(b.pk, "easy", now)
    assert deck.next_term([a.pk, b.pk], now) == a.pk


def test_students_see_only_their_own_data(quiz, make_user):
    owner, other = Client(), Client()
    owner.force_login(make_user("owner"))
    other.force_login(make_user("other"))
    attempt_id = start(owner, quiz)
    assert other.get(reverse("attempt", args=[attempt_id])).status_code == 404
    data = json.loads(other.get(reverse("account-export")).content)
    assert data["quiz_attempts"] == []
    assert (
        json.loads(owner.get(reverse("account-export")).content)["quiz_attempts"][0]["quiz"]
        == quiz.slug
    )


def test_export_and_delete_account(client, make_user, make_lesson):
    user = make_user("leaver")
    lesson = make_lesson()
    client.force_login(user)
    client.post(reverse("lesson-complete", args=[lesson.slug]))
    export = client.get(reverse("account-export"))
    assert export["Content-Disposition"].startswith("attachment")
    assert json.loads(export.content)["completed_lessons"][0]["lesson"] == lesson.slug
    wrong = client.post(reverse("account-delete"), {"password": "nope"})
    assert wrong.status_code == 200 and "not right" in wrong.content.decode()
    assert (
        client.post(reverse("account-delete"), {"password": "pw-Long-enough-1"}).status_code == 302
    )
    assert not type(user).objects.filter(username="leaver").exists()
    assert not LessonCompletion.objects.exists()


def test_signup_form_errors_are_shown_not_500(client, db):
    response = client.post(reverse("signup"), {"username": "", "password1": "a", "password2": "b"})
    assert response.status_code == 200
    assert 'class="field-error"' in response.content.decode()


def test_login_is_protected_against_brute_force(client, make_user, settings):
    make_user("target")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "target", "password": "wrong"})
    locked = client.post(reverse("login"), {"username": "target", "password": "pw-Long-enough-1"})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "name", ["progress", "review", "flashcards", "login", "signup", "password_reset"]
)
def test_account_and_progress_pages_render(client, db, name):
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", ["account", "account-export", "account-delete", "password_change"])
def test_account_pages_need_login(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_password_reset_by_email_end_to_end(client, make_user, mailoutbox):
    make_user("forgetful", email="f@example.org")
    assert client.post(reverse("password_reset"), {"email": "f@example.org"}).status_code == 302
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mailoutbox[0].body).group(1)
    form_url = client.get(link)["Location"]  # Django swaps the token for a session marker
    response = client.post(
        form_url, {"new_password1": "New-passphrase-77", "new_password2": "New-passphrase-77"}
    )
    assert response.status_code == 302
    logged_in = client.post(
        reverse("login"), {"username": "forgetful", "password": "New-passphrase-77"}
    )
    assert logged_in.status_code == 302 and "_auth_user_id" in client.session


def test_password_change(client, make_user):
    client.force_login(make_user("changer"))
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "pw-Long-enough-1",
            "new_password1": "Another-pass-99",
            "new_password2": "Another-pass-99",
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("password_change_done")


def test_flashcard_rating_with_htmx_returns_the_next_card(client, make_term):
    first = make_term("aaa", "Aaa term", aliases="")
    make_term("bbb", "Bbb term", aliases="")
    response = client.post(
        reverse("flashcard-rate", args=[first.pk]), {"rating": "good"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert "Bbb term" in html and "Show the answer" in html


def test_reaching_the_end_of_a_lesson_counts_as_read(client, make_lesson):
    lesson = make_lesson()
    # A GET of the fragment writes nothing; it holds the forms htmx posts.
    fragment = client.get(reverse("lesson-progress", args=[lesson.slug]), HTTP_HX_REQUEST="true")
    assert 'hx-trigger="revealed"' in fragment.text and 'hx-trigger="load, reached' in fragment.text
    assert "sessionid" not in client.cookies  # no session made by a GET
    response = client.post(reverse("lesson-read", args=[lesson.slug]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "data-quiet" in response.text
    fragment = client.get(reverse("lesson-progress", args=[lesson.slug]), HTTP_HX_REQUEST="true")
    assert "You marked this lesson complete" in fragment.text
    assert 'hx-trigger="revealed"' not in fragment.text  # nothing more to record
    assert client.get(reverse("lesson-read", args=[lesson.slug])).status_code == 405


def test_lesson_end_shows_your_quiz_score(client, quiz):
    lesson = quiz.lesson
    fragment = client.get(reverse("lesson-progress", args=[lesson.slug]), HTTP_HX_REQUEST="true")
    assert "You have not finished this quiz yet." in fragment.text
    attempt_id = start(client, quiz)
    for question in quiz.questions.all():
        client.post(
            reverse("answer", args=[attempt_id, question.pk]), right_answer(attempt_id, question)
        )
    client.post(reverse("attempt-finish", args=[attempt_id]))
    fragment = client.get(reverse("lesson-progress", args=[lesson.slug]), HTTP_HX_REQUEST="true")
    assert "Your best quiz score: <strong>100%</strong>" in fragment.text
    page = client.get(lesson.get_absolute_url()).text
    assert "Your best quiz score" not in page  # the public page stays public
