import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache

from stressed.core.roles import ADMINS, GLOSSARY_EDITORS, INSTRUCTORS


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The real hasher is slow on purpose; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _clear_cache():
    # Cached pages and the content version live in the local-memory cache.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_term(db):
    from stressed.glossary.models import Term

    def make(slug="norepinephrine", name="Norepinephrine", aliases="noradrenaline\nNE", **extra):
        defaults = dict(
            category="transmitter",
            short=f"{name} short definition.",
            definition=f"{name} **full** definition.",
        )
        defaults.update(extra)
        return Term.objects.create(slug=slug, name=name, aliases=aliases, **defaults)

    return make


@pytest.fixture
def make_lesson(db):
    from stressed.lessons.models import Lesson

    def make(slug="lesson-one", order=1, published=True, body=None, **extra):
        defaults = dict(
            title=slug.replace("-", " ").title(),
            summary="A summary.",
            objectives="Describe one thing.\nExplain another.\nCompare two.",
            last_reviewed=datetime.date(2026, 11, 22),
            body=body
            or "Intro.\n\n## First section {#first}\n\nText.\n\n## Second {#second}\n\nMore.",
        )
        defaults.update(extra)
        return Lesson.objects.create(slug=slug, order=order, published=published, **defaults)

    return make


@pytest.fixture
def quiz(make_lesson):
    from tests.quiz_helpers import build_quiz

    return build_quiz(make_lesson)


@pytest.fixture
def make_user(db, django_user_model):
    def make(username="student", role=None, **extra):
        user = django_user_model.objects.create_user(
            username=username, password="pw-Long-enough-1", **extra
        )
        if role == "superuser":
            user.is_superuser = user.is_staff = True
            user.save()
        elif role:
            user.groups.add(Group.objects.get(name=role))
            user.refresh_from_db()
        return user

    return make


ROLES = {"instructor": INSTRUCTORS, "glossary_editor": GLOSSARY_EDITORS, "admin": ADMINS}


@pytest.fixture
def client_as(client, make_user):
    """A client logged in as a role: anonymous, student, instructor, glossary_editor, admin,
    superuser."""

    def login(role):
        if role == "anonymous":
            return client
        group = ROLES.get(role, "superuser" if role == "superuser" else None)
        user = make_user(username=role, role=group)
        client.force_login(user)
        return client

    return login


@pytest.fixture
def curriculum(db):
    """The real content/ folder, loaded into this test's database."""
    from stressed.content.loader import load_content

    return load_content()


@pytest.fixture(scope="session")
def live_site(tmp_path_factory):
    """gunicorn serving the real curriculum on 127.0.0.1 (see tests/live.py)."""
    from tests.live import start_site, stop_site

    site = start_site(tmp_path_factory.mktemp("live-site"))
    yield site
    stop_site(site.process)
