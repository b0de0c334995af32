"""Role gaps from issue 21: user-admin escalation, and who sees drafts."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from stressed.core.roles import ADMINS
from stressed.quizzes.models import Quiz


def user_form(user, **changes):
    """The user admin's change form as the browser would post it."""
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "initial-date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "initial-date_joined_1": user.date_joined.strftime("%H:%M:%S"),
    }
    data.update(changes)
    return data


ESCALATION = {
    "is_superuser": "on",
    "is_staff": "on",
    "groups": ["ADMINS"],  # replaced by the group's id
    "user_permissions": ["PERM"],  # replaced by a permission id
}


def escalation(user):
    from django.contrib.auth.models import Permission

    data = dict(ESCALATION)
    data["groups"] = [str(Group.objects.get(name=ADMINS).pk)]
    data["user_permissions"] = [str(Permission.objects.get(codename="change_user").pk)]
    return user_form(user, **data)


def test_superuser_can_grant_power(client_as, make_user):
    # The control: the same form from a superuser does change everything.
    target = make_user("target")
    client = client_as("superuser")
    response = client.post(reverse("admin:auth_user_change", args=[target.pk]), escalation(target))
    assert response.status_code == 302, response.content.decode()[:2000]
    target.refresh_from_db()
    assert target.is_superuser and target.is_staff
    assert target.groups.filter(name=ADMINS).exists() and target.user_permissions.exists()


def test_admins_group_cannot_grant_power(client_as, make_user):
    target = make_user("target", email="old@example.org")
    client = client_as("admin")
    form = escalation(target) | {"email": "new@example.org"}
    response = client.post(reverse("admin:auth_user_change", args=[target.pk]), form)
    assert response.status_code == 302  # the rest of the form is saved...
    target.refresh_from_db()
    assert target.email == "new@example.org"
    assert not target.is_superuser and not target.is_staff  # ...but no power changes hands
    assert not target.groups.exists() and not target.user_permissions.exists()


def test_admins_group_cannot_make_themselves_superuser(client_as, django_user_model):
    client = client_as("admin")
    me = django_user_model.objects.get(username="admin")
    client.post(reverse("admin:auth_user_change", args=[me.pk]), escalation(me))
    me.refresh_from_db()
    assert not me.is_superuser and list(me.groups.values_list("name", flat=True)) == [ADMINS]


def test_admins_group_cannot_touch_a_superuser(client_as, make_user):
    boss = make_user("boss", role="superuser", email="boss@example.org")
    client = client_as("admin")
    change_url = reverse("admin:auth_user_change", args=[boss.pk])
    assert client.get(change_url).status_code == 200  # may look...
    form = user_form(boss, email="evil@example.org", is_staff="on", is_superuser="on")
    assert client.post(change_url, form).status_code == 403  # ...not change
    password_url = reverse("admin:auth_user_password_change", args=[boss.pk])
    assert client.get(password_url).status_code == 403
    response = client.post(
        password_url, {"password1": "Taken-over-99", "password2": "Taken-over-99"}
    )
    assert response.status_code == 403
    delete_url = reverse("admin:auth_user_delete", args=[boss.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    bulk = client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "delete_selected", "_selected_action": [boss.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 403)
    boss.refresh_from_db()
    assert boss.email == "boss@example.org" and boss.check_password("pw-Long-enough-1")


@pytest.fixture
def draft_quiz(quiz):
    Quiz.objects.filter(pk=quiz.pk).update(published=False)
    quiz.refresh_from_db()
    return quiz


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 404),
        ("student", 404),
        ("glossary_editor", 404),
        ("instructor", 200),
        ("admin", 200),
        ("superuser", 200),
    ],
)
def test_draft_quizzes_are_for_instructors_and_admins(client_as, draft_quiz, role, status):
    client = client_as(role)
    assert client.get(draft_quiz.get_absolute_url()).status_code == status
    started = client.post(reverse("quiz-start", args=[draft_quiz.slug]))
    assert started.status_code == (302 if status == 200 else 404)


def test_staff_without_a_quiz_role_does_not_see_draft_quizzes(client, make_user, draft_quiz):
    user = make_user("bare-staff", is_staff=True)
    client.force_login(user)
    assert client.get(draft_quiz.get_absolute_url()).status_code == 404


def test_an_attempt_on_a_quiz_made_draft_is_closed_to_a_glossary_editor(client_as, quiz):
    from tests.quiz_helpers import start

    client = client_as("glossary_editor")
    attempt_id = start(client, quiz)
    Quiz.objects.filter(pk=quiz.pk).update(published=False)
    assert client.get(reverse("attempt", args=[attempt_id])).status_code == 404


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 404),
        ("student", 404),
        ("glossary_editor", 200),  # the README's roles table: "read, drafts too"
        ("instructor", 200),
        ("admin", 200),
        ("superuser", 200),
    ],
)
def test_draft_lessons_follow_the_roles_table(client_as, make_lesson, role, status):
    lesson = make_lesson("draft", published=False)
    assert client_as(role).get(lesson.get_absolute_url()).status_code == status


def test_staff_without_a_role_does_not_see_draft_lessons(client, make_user, make_lesson):
    lesson = make_lesson("draft", published=False)
    client.force_login(make_user("bare-staff", is_staff=True))
    assert client.get(lesson.get_absolute_url()).status_code == 404
