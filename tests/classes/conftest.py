from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from stressed.classes import services
from stressed.classes.models import Assignment
from stressed.core.roles import ADMINS, INSTRUCTORS
from stressed.quizzes.models import Attempt


@pytest.fixture
def instructor(make_user):
    return make_user("teach", role=INSTRUCTORS, first_name="Tess", last_name="Teacher")


@pytest.fixture
def other_instructor(make_user):
    return make_user("other-teach", role=INSTRUCTORS)


@pytest.fixture
def admin_user(make_user):
    return make_user("boss", role=ADMINS)


@pytest.fixture
def student(make_user):
    return make_user("stu", first_name="Sam", last_name="Student")


@pytest.fixture
def school_class(instructor):
    return services.create_class(instructor, name="Physiology 2")


@pytest.fixture
def quiz_assignment(school_class, quiz):
    return Assignment.objects.create(
        school_class=school_class, quiz=quiz, due_at=timezone.now() + timedelta(days=2)
    )


@pytest.fixture
def enrolled(school_class, student):
    services.join(student, school_class)
    return student


def finished_attempt(user, quiz, score, started=None, finished=None, answered=True):
    """A finished attempt written directly (the attempt flow has its own tests)."""
    from stressed.quizzes.models import Response

    attempt = Attempt.objects.create(
        user=user, quiz=quiz, question_ids=list(quiz.questions.values_list("pk", flat=True))
    )
    now = timezone.now()
    Attempt.objects.filter(pk=attempt.pk).update(
        started_at=started or now, finished_at=finished or now, score=score
    )
    attempt.refresh_from_db()
    if answered:
        question = quiz.questions.first()
        Response.objects.create(
            attempt=attempt, question=question, answer={"choices": []}, fraction=score
        )
    return attempt


def login(client, user):
    client.force_login(user)
    return client


def url(name, *args):
    return reverse(name, args=args)
