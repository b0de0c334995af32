"""HEAD works wherever GET does (issue 21): crawl every URL name of the site."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.quiz_helpers import start


def url_names(patterns=None, namespace=None, prefix=""):
    """(name, route, parameter names) of every named URL of the site, leaving out Django's admin."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if entry.namespace != "admin":
                yield from url_names(entry.url_patterns, entry.namespace or namespace, route)
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield name, route, tuple(re.findall(r"<(?:\w+:)?(\w+)>", route))


@pytest.mark.parametrize("role", ["anonymous", "student", "superuser"])
def test_head_answers_as_get_on_every_url(client_as, quiz, make_term, role):
    client = client_as(role)
    lesson, term = quiz.lesson, make_term()
    attempt_id = start(client, quiz)
    question = quiz.questions.first()
    values = {
        "attempt_id": attempt_id,
        "question_id": question.pk,
        "term_id": term.pk,
        "uidb64": "MQ",
        "token": "set-password",
        # Classes: ids no one has (their own tests use real ones: tests/classes/test_roles.py).
        "class_id": 999999,
        "assignment_id": 999999,
        "user_id": 999999,
    }
    slugs = {"lessons/": lesson.slug, "glossary/": term.slug, "quizzes/": quiz.slug}
    checked = []
    for name, route, params in sorted(set(url_names())):
        slug = next((s for prefix, s in slugs.items() if route.startswith(prefix)), None)
        kwargs = {p: values.get(p, slug) for p in params}
        url = reverse(name, kwargs=kwargs)
        head = client.head(url)
        get = client.get(url)
        assert head.status_code != 405 or get.status_code == 405, (url, head.status_code)
        assert head.status_code == get.status_code, (url, head.status_code, get.status_code)
        assert b"".join(head.streaming_content if head.streaming else [head.content]) == b""
        if get.status_code != 405:
            checked.append(name)
    # The crawl reached the pages, not just refusals.
    assert {"home", "lesson", "glossary", "term", "quiz", "attempt", "about"} <= set(checked)
    if role == "superuser":
        assert {"quiz-statistics", "quiz-preview", "gift-import", "gift-export"} <= set(checked)
    if role == "student":
        assert {"account", "account-export", "account-delete", "progress"} <= set(checked)
