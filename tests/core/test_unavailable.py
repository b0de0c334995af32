"""A busy or read-only database gives a 503 with Retry-After and a clear page, never a 500;
pages that only read keep working."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from stressed.quizzes import views as quiz_views
from stressed.quizzes.models import Response
from tests.quiz_helpers import right_answer, start


def fail_with(message):
    def broken(*args, **kwargs):
        raise OperationalError(message)

    return broken


@pytest.mark.parametrize(
    ("message", "title", "retry"),
    [
        ("database is locked", "Busy for a moment", "5"),
        ("attempt to write a readonly database", "Down for maintenance", "120"),
        ("canceling statement due to lock timeout", "Busy for a moment", "5"),
    ],
)
def test_a_failed_write_in_a_view_is_a_503_with_retry_after(
    client, quiz, monkeypatch, message, title, retry
):
    attempt_id = start(client, quiz)
    question = quiz.questions.get(order=1)
    monkeypatch.setattr(quiz_views, "_store_response", fail_with(message))
    response = client.post(
        reverse("answer", args=[attempt_id, question.pk]), right_answer(attempt_id, question)
    )
    assert response.status_code == 503
    assert response["Retry-After"] == retry
    assert response["Cache-Control"] == "no-store"
    assert title in response.content.decode()
    assert not Response.objects.exists()


def test_a_failed_session_save_after_the_view_is_a_503(quiz, monkeypatch):
    client = Client(raise_request_exception=False)
    monkeypatch.setattr(SessionStore, "save", fail_with("attempt to write a readonly database"))
    response = client.post(f"/quizzes/{quiz.slug}/start/")
    assert response.status_code == 503
    assert "Down for maintenance" in response.content.decode()
    # Reading needs no write: the lesson and the quiz page still work.
    assert client.get(quiz.lesson.get_absolute_url()).status_code == 200
    assert client.get(quiz.get_absolute_url()).status_code == 200


def test_other_database_errors_stay_500(quiz, monkeypatch):
    client = Client(raise_request_exception=False)
    monkeypatch.setattr(quiz_views, "start_attempt", fail_with("no such column: surprise"))
    response = client.post(f"/quizzes/{quiz.slug}/start/")
    assert response.status_code == 500
