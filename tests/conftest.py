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
    # Cached pages live in the local-memory cache; the content version is remembered per
    # process, and each test's database starts afresh.
    from stressed.core.cache import forget_content_version

    cache.clear()
    forget_content_version()
    yield
    cache.clear()
    forget_content_version()


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


@pytest.fixture(scope="module")
def _curriculum_for_module(django_db_setup, django_db_blocker):
    """Load the real content/ once per test module, inside a transaction rolled back at the
    end of the module; each test's own transaction nests inside it as a savepoint."""
    from django.db import transaction

    from stressed.content.loader import load_content

    with django_db_blocker.unblock(), transaction.atomic():
        report = load_content()
        yield report
        transaction.set_rollback(True)


@pytest.fixture
def curriculum(_curriculum_for_module, db):
    """The real content/ folder, loaded into the test database."""
    return _curriculum_for_module


@pytest.fixture(scope="session")
def live_site(tmp_path_factory):
    """gunicorn serving the real curriculum on 127.0.0.1 (see tests/live.py)."""
    from tests.live import start_site, stop_site

    site = start_site(tmp_path_factory.mktemp("live-site"))
    yield site
    stop_site(site)
