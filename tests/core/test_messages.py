"""Messages: Django's cookie-then-session storage, made only when a request uses it."""

import secrets

from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.session import SessionStorage
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpResponse
from django.test import RequestFactory

from stressed.core.messages import LazyFallbackStorage


def _request(cookies=None):
    request = RequestFactory().get("/")
    request.COOKIES.update(cookies or {})
    request.session = SessionStore()
    request._messages = LazyFallbackStorage(request)
    return request


def test_a_request_that_never_uses_messages_makes_no_store():
    request = _request()
    response = HttpResponse()
    assert not request._messages.update(response)
    assert "storages" not in vars(request._messages)
    assert not response.cookies


def test_messages_go_to_a_cookie_and_come_back(db):
    request = _request()
    messages.success(request, "Saved.")
    response = HttpResponse()
    request._messages.update(response)
    cookie = response.cookies[CookieStorage.cookie_name].value
    following = _request({CookieStorage.cookie_name: cookie})
    assert [m.message for m in messages.get_messages(following)] == ["Saved."]


def test_messages_too_big_for_the_cookie_overflow_into_the_session(db):
    request = _request()
    for number in range(40):  # far more than the cookie's 2 KB, even compressed
        messages.warning(request, f"Warning {number}: {secrets.token_hex(50)}")
    request._messages.update(HttpResponse())
    stored = request.session[SessionStorage.session_key]
    assert stored, "the messages that did not fit in the cookie are in the session"


def test_the_site_shows_a_message_after_sign_up(client, db):
    response = client.post(
        "/accounts/signup/",
        {
            "username": "newstudent",
            "password1": "a long pass phrase 42",
            "password2": "a long pass phrase 42",
        },
        follow=True,
    )
    assert "Your account is ready" in response.text
