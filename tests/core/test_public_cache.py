"""The leak class of issue 14: nothing personal may be marked public or enter the page cache.

Every GET URL of the site is fetched three ways (a first-time visitor, a visitor with a
session, a logged-in student). Any response that carries a cookie, a CSRF token, a message or
the visitor's name must not be `public`, and nothing the page cache stores may hold one either.
Public pages must be the same bytes for every visitor who is not logged in.
"""

import re
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from stressed.core import caching
from stressed.glossary.models import Term
from stressed.lessons.models import Lesson
from stressed.quizzes.models import Quiz
from tests.core.test_head import url_names

USERNAME = "crawler-ada-7"
PASSWORD = "pw-Long-enough-1"
DELETED = "Your account and all its data have been deleted."
MESSAGE_MARKERS = (DELETED, "Welcome! Your account is ready", 'class="message ')


@pytest.fixture
def stored_pages():
    """Everything the page cache is asked to keep during the test (content bytes)."""
    stored = []
    real_set = caching.cache.set

    def record(key, value, *args, **kwargs):
        if key.startswith("stressed:page:"):
            stored.append(value[0])
        return real_set(key, value, *args, **kwargs)

    with mock.patch.object(caching.cache, "set", side_effect=record):
        yield stored


def named_urls(attempt_id, question_id, term_id):
    """Every named URL of the site (Django's admin aside), its parameters filled in, so a new
    view is crawled without anyone adding it here."""
    lesson = Lesson.objects.filter(published=True).first()
    quiz = Quiz.objects.filter(published=True).first()
    values = {
        "attempt_id": attempt_id,
        "question_id": question_id,
        "term_id": term_id,
        "uidb64": "MQ",
        "token": "set-password",
        # Classes: ids no one has (their own tests use real ones: tests/classes/test_roles.py).
        "class_id": 999999,
        "assignment_id": 999999,
        "user_id": 999999,
        "path": "markdownx/0123456789abcdef0123456789abcdef.png",
    }
    slugs = {"lessons/": lesson.slug, "glossary/": Term.objects.first().slug, "quizzes/": quiz.slug}
    urls = []
    for name, route, params in sorted(set(url_names())):
        slug = next((s for prefix, s in slugs.items() if route.startswith(prefix)), None)
        kwargs = {p: values.get(p, slug) for p in params}
        if None not in kwargs.values():
            urls.append(reverse(name, kwargs=kwargs))
    return urls


def get_urls():
    lessons = Lesson.objects.filter(published=True).values_list("slug", flat=True)
    quizzes = Quiz.objects.filter(published=True).values_list("slug", flat=True)
    urls = [
        reverse("home"),
        reverse("about"),
        reverse("glossary"),
        reverse("glossary") + "?category=receptor",
        reverse("glossary-search") + "?q=noradrenaline",
        reverse("home-progress"),
        reverse("progress"),
        reverse("review"),
        reverse("flashcards"),
        reverse("login"),
        reverse("signup"),
        reverse("password_reset"),
        reverse("account"),
        reverse("account-export"),
        reverse("account-delete"),
        reverse("account-deleted"),
    ]
    urls += [reverse("term", args=[slug]) for slug in Term.objects.values_list("slug", flat=True)]
    for slug in lessons:
        urls += [reverse("lesson", args=[slug]), reverse("lesson-progress", args=[slug])]
    for slug in quizzes:
        urls += [reverse("quiz", args=[slug]), reverse("quiz-take", args=[slug])]
    return urls


def personal_bits(response, client):
    """What in this response belongs to one visitor."""
    text = response.content.decode(errors="replace")
    found = []
    if response.cookies:
        found.append(f"Set-Cookie {sorted(response.cookies)}")
    if "csrfmiddlewaretoken" in text:
        found.append("a CSRF token field")
    csrf_cookie = client.cookies.get("csrftoken")
    if csrf_cookie is not None and csrf_cookie.value and csrf_cookie.value in text:
        found.append("the CSRF cookie's value")
    if USERNAME in text:
        found.append("the username")
    found += [f"a message ({marker})" for marker in MESSAGE_MARKERS if marker in text]
    return found


def with_session(quiz_slug, lesson_slug):
    client = Client()
    assert client.post(reverse("lesson-complete", args=[lesson_slug])).status_code == 302
    assert client.post(reverse("quiz-start", args=[quiz_slug])).status_code == 302
    return client


def logged_in(make_user, quiz_slug, lesson_slug):
    client = Client()
    make_user(USERNAME)
    assert (
        client.post(reverse("login"), {"username": USERNAME, "password": PASSWORD}).status_code
        == 302
    )
    client.post(reverse("lesson-complete", args=[lesson_slug]))
    attempt = client.post(reverse("quiz-start", args=[quiz_slug]))
    client.get(attempt["Location"])
    return client


def test_nothing_personal_is_public_or_cached(curriculum, make_user, stored_pages):
    quiz = Quiz.objects.filter(published=True).select_related("lesson").first()
    lesson_slug = quiz.lesson.slug
    ways = {
        "first-time visitor": None,  # a brand-new client for every request
        "visitor with a session": with_session(quiz.slug, lesson_slug),
        "logged-in student": logged_in(make_user, quiz.slug, lesson_slug),
    }
    attempt_url = ways["logged-in student"].post(reverse("quiz-start", args=[quiz.slug]))
    attempt_id = int(re.search(r"/attempts/(\d+)/", attempt_url["Location"]).group(1))
    question_id = quiz.questions.first().pk
    named = named_urls(attempt_id, question_id, Term.objects.first().pk)
    urls = list(dict.fromkeys(get_urls() + [attempt_url["Location"]] + named))
    problems, public_bytes = [], {}
    for way, client in ways.items():
        for url in urls:
            visitor = client or Client()
            response = visitor.get(url)
            control = response.get("Cache-Control", "")
            bits = personal_bits(response, visitor)
            if bits and "public" in control:
                problems.append(f"{way} {url}: public, yet holds {', '.join(bits)}")
            if "public" in control and "private" in control:
                problems.append(f"{way} {url}: both public and private ({control})")
            if "public" in control:
                if way == "logged-in student":
                    problems.append(f"{way} {url}: a logged-in page is public")
                public_bytes.setdefault(url, {})[way] = response.content
            elif response.status_code == 200 and "private" not in control:
                problems.append(f"{way} {url}: neither public nor private ({control!r})")
    for url, pages in public_bytes.items():
        if len(set(pages.values())) != 1:
            problems.append(f"{url}: public, but not the same bytes for {sorted(pages)}")
    for content in stored_pages:
        text = content.decode()
        for marker in ("csrfmiddlewaretoken", USERNAME, *MESSAGE_MARKERS):
            if marker in text:
                problems.append(f"the page cache stored a page holding {marker!r}")
    assert not problems, "\n".join(problems)
    # The crawl reached the public pages: every lesson, term and quiz intro, and home.
    assert reverse("home") in public_bytes and reverse("about") in public_bytes
    assert len(public_bytes) > Term.objects.count() + Lesson.objects.count()
    assert stored_pages


def forget_deleted_cookies(client):
    """As a browser does: a cookie deleted by the server (Max-Age=0) is not sent again. (The
    test client keeps sending it empty, and Django then deletes it again on every response.)"""
    for name in [name for name, morsel in client.cookies.items() if not morsel.value]:
        del client.cookies[name]


def delete_account(client, make_user):
    client.force_login(make_user(USERNAME))
    response = client.post(reverse("account-delete"), {"password": PASSWORD})
    forget_deleted_cookies(client)
    return response


def test_deleted_account_message_is_private_and_never_shared(client, curriculum, make_user):
    response = delete_account(client, make_user)
    assert response.status_code == 302
    landing = client.get(response["Location"])
    forget_deleted_cookies(client)
    assert DELETED in landing.text and "private" in landing["Cache-Control"]
    # A brand-new visitor, and the same browser afterwards, get the home page without it.
    for visitor in (Client(), client):
        home = visitor.get(reverse("home"))
        assert home.status_code == 200 and DELETED not in home.text
        assert "public" in home["Cache-Control"]


@pytest.mark.parametrize("page", ["home", "lesson", "glossary", "term", "quiz", "about"])
def test_a_pending_message_makes_any_public_page_private(client, curriculum, make_user, page):
    args = {
        "lesson": lambda: [Lesson.objects.filter(published=True).first().slug],
        "term": lambda: [Term.objects.first().slug],
        "quiz": lambda: [Quiz.objects.filter(published=True).first().slug],
    }
    url = reverse(page, args=args[page]() if page in args else None)
    Client().get(url)  # the public copy is already cached
    delete_account(client, make_user)  # the message waits; the redirect is not followed
    shown = client.get(url)
    assert DELETED in shown.text and "public" not in shown["Cache-Control"]
    assert DELETED not in Client().get(url).text
    forget_deleted_cookies(client)
    # Shown once, then the page is the shared one again.
    again = client.get(url)
    assert DELETED not in again.text and "public" in again["Cache-Control"]


def test_public_page_carries_no_csrf_cookie_or_token(client, curriculum):
    lesson = Lesson.objects.filter(published=True).first()
    for url in (reverse("home"), lesson.get_absolute_url(), reverse("glossary")):
        response = client.get(url)
        assert not response.cookies and not re.search(r"csrf", response.text, re.I)


def test_session_flag_cookie_follows_the_session(client, curriculum):
    lesson = Lesson.objects.filter(published=True).first()
    marked = client.post(reverse("lesson-complete", args=[lesson.slug]))
    flag = marked.cookies[caching.FLAG_COOKIE]
    assert flag.value == "1" and not flag["httponly"]
    assert "sessionid" in marked.cookies
    client.cookies.pop("sessionid")  # the session cookie is gone: so goes the flag
    cleared = client.get(reverse("about"))
    assert cleared.cookies[caching.FLAG_COOKIE].value == ""
    assert "public" not in cleared["Cache-Control"]


def test_the_session_hint_says_logged_in_and_such_visitors_skip_the_copy(
    client, curriculum, make_user
):
    lesson = Lesson.objects.filter(published=True).first()
    Client().get(lesson.get_absolute_url())  # the public copy is cached
    make_user(USERNAME)
    client.post(reverse("login"), {"username": USERNAME, "password": PASSWORD})
    assert client.cookies[caching.FLAG_COOKIE].value == caching.ACCOUNT
    page = client.get(lesson.get_absolute_url())
    assert USERNAME in page.text and "private" in page["Cache-Control"]
    # A forged hint gets the public copy: the page of someone not logged in, nothing more.
    client.cookies[caching.FLAG_COOKIE] = caching.ANONYMOUS
    page = client.get(lesson.get_absolute_url())
    assert USERNAME not in page.text and "public" in page["Cache-Control"]
    # Without any hint the view checks the session, and the hint is put right.
    del client.cookies[caching.FLAG_COOKIE]
    page = client.get(lesson.get_absolute_url())
    assert USERNAME in page.text and page.cookies[caching.FLAG_COOKIE].value == caching.ACCOUNT
