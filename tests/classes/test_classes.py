"""Classes: creating, join codes and links, leaving, removing, archiving, co-teachers."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from stressed.classes import services
from stressed.classes.models import CODE_ALPHABET, CODE_LENGTH, Class, Membership, new_join_code
from tests.classes.conftest import login, url


def test_codes_use_an_unambiguous_alphabet():
    assert not set("0O1IL") & set(CODE_ALPHABET)
    codes = {new_join_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(c) == CODE_LENGTH and set(c) <= set(CODE_ALPHABET) for c in codes)
    assert 6 <= CODE_LENGTH <= 8


def test_instructors_and_admins_may_create_classes_by_migration(db):
    from django.contrib.auth.models import Group

    add = Permission.objects.get(codename="add_class")
    assert add in Group.objects.get(name="Instructors").permissions.all()
    assert add in Group.objects.get(name="Admins").permissions.all()


def test_an_instructor_creates_a_class(client, instructor):
    login(client, instructor)
    page = client.get(url("class-create"))
    assert page.status_code == 200 and 'for="id_name"' in page.text
    response = client.post(
        url("class-create"),
        {"name": "Physiology 2", "term_starts": "2026-09-01", "term_ends": "2026-12-20"},
    )
    school_class = Class.objects.get(name="Physiology 2")
    assert response["Location"] == school_class.get_absolute_url()
    assert list(school_class.teachers.all()) == [instructor]
    page = client.get(school_class.get_absolute_url())
    assert school_class.join_code in page.text
    assert f"/classes/join/{school_class.join_code}/" in page.text
    assert "private" in page["Cache-Control"]


def test_term_cannot_end_before_it_starts(client, instructor):
    login(client, instructor)
    response = client.post(
        url("class-create"),
        {"name": "X", "term_starts": "2026-09-01", "term_ends": "2026-08-01"},
    )
    assert response.status_code == 200 and "cannot end before" in response.text
    assert not Class.objects.exists()


def test_a_student_cannot_create_a_class(client, student):
    login(client, student)
    assert client.get(url("class-create")).status_code == 403
    assert client.post(url("class-create"), {"name": "Mine"}).status_code == 403
    assert not Class.objects.exists()


def test_a_student_joins_with_the_code_in_any_case(client, school_class, student):
    login(client, student)
    code = school_class.join_code.lower()
    response = client.post(url("class-join"), {"code": f" {code[:3]}-{code[3:]} "})
    assert response.status_code == 302 and response["Location"] == school_class.get_absolute_url()
    assert Membership.objects.filter(school_class=school_class, user=student).exists()
    page = client.get(school_class.get_absolute_url())
    assert "Physiology 2" in page.text and "Leave Physiology 2" in page.text
    # Joining twice keeps one membership.
    client.post(url("class-join"), {"code": school_class.join_code})
    assert Membership.objects.filter(user=student).count() == 1


def test_a_wrong_code_says_so(client, school_class, student):
    login(client, student)
    response = client.post(url("class-join"), {"code": "ZZZZZZZ"})
    assert response.status_code == 422 and "No open class has that code" in response.text
    assert not Membership.objects.exists()


def test_the_join_link_asks_then_joins(client, school_class, student):
    login(client, student)
    link = url("class-join-link", school_class.join_code)
    page = client.get(link)
    assert page.status_code == 200 and "Join Physiology 2" in page.text
    assert not Membership.objects.exists()  # a GET never joins
    assert client.post(link).status_code == 302
    assert Membership.objects.filter(user=student).exists()


def test_a_visitor_on_the_join_link_is_sent_to_sign_up_or_log_in_and_back(client, school_class):
    link = url("class-join-link", school_class.join_code)
    page = client.get(link)
    assert page.status_code == 200
    assert "Physiology 2" not in page.text  # nothing looked up for a visitor
    assert f"/accounts/login/?next={link}" in page.text
    assert f"/accounts/signup/?next={link}" in page.text
    assert "private" in page["Cache-Control"]
    # Logging in from there comes back to the link.
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user("newbie", password="pw-Long-enough-1")
    response = client.post(
        f"/accounts/login/?next={link}",
        {"username": "newbie", "password": "pw-Long-enough-1", "next": link},
    )
    assert response["Location"] == link


def test_a_student_leaves(client, school_class, enrolled):
    login(client, enrolled)
    assert client.post(url("class-leave", school_class.pk)).status_code == 302
    assert not Membership.objects.exists()
    assert client.get(school_class.get_absolute_url()).status_code == 404


def test_an_instructor_removes_a_student(client, school_class, enrolled, instructor):
    login(client, instructor)
    page = client.get(school_class.get_absolute_url())
    assert "Sam Student" in page.text
    response = client.post(url("class-student-remove", school_class.pk, enrolled.pk))
    assert response.status_code == 302 and not Membership.objects.exists()


def test_a_regenerated_code_replaces_the_old_one(client, school_class, student, instructor):
    old = school_class.join_code
    login(client, instructor)
    client.post(url("class-code", school_class.pk))
    school_class.refresh_from_db()
    assert school_class.join_code != old
    login(client, student)
    assert client.post(url("class-join"), {"code": old}).status_code == 422
    assert client.post(url("class-join"), {"code": school_class.join_code}).status_code == 302


def test_an_archived_class_takes_no_one(client, school_class, student, instructor):
    login(client, instructor)
    client.post(url("class-archive", school_class.pk), {"archive": "1"})
    school_class.refresh_from_db()
    assert school_class.archived
    login(client, student)
    assert client.post(url("class-join"), {"code": school_class.join_code}).status_code == 422
    login(client, instructor)
    client.post(url("class-archive", school_class.pk), {"archive": "0"})
    school_class.refresh_from_db()
    assert not school_class.archived


def test_co_teachers_must_be_instructors_and_then_see_the_class(
    client, school_class, instructor, other_instructor, student
):
    login(client, instructor)
    client.post(url("class-teacher-add", school_class.pk), {"username": student.username})
    assert student not in school_class.teachers.all()
    client.post(url("class-teacher-add", school_class.pk), {"username": other_instructor.username})
    assert other_instructor in school_class.teachers.all()
    login(client, other_instructor)
    assert client.get(url("gradebook", school_class.pk)).status_code == 200
    # The last teacher cannot be removed.
    client.post(url("class-teacher-remove", school_class.pk, instructor.pk))
    assert list(school_class.teachers.all()) == [other_instructor]
    response = client.post(url("class-teacher-remove", school_class.pk, other_instructor.pk))
    assert response.status_code == 302 and list(school_class.teachers.all()) == [other_instructor]


def test_every_post_needs_a_csrf_token(school_class, student):
    client = Client(enforce_csrf_checks=True)
    client.force_login(student)
    assert client.post(url("class-join"), {"code": school_class.join_code}).status_code == 403
    assert not Membership.objects.exists()


def test_forms_label_every_field(client, school_class, instructor):
    login(client, instructor)
    for page in (
        url("class-create"),
        url("class-edit", school_class.pk),
        url("assignment-create", school_class.pk),
        url("class-join"),
        school_class.get_absolute_url(),
    ):
        html = client.get(page).text
        ids = re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', html)
        ids = [i for i in ids if i != "header-q"]
        assert ids, page
        for field_id in ids:
            assert f'for="{field_id}"' in html, (page, field_id)


@pytest.mark.parametrize("per", ["user", "ip"])
def test_join_codes_are_rate_limited(client, make_user, school_class, per):
    limit = services.JOIN_FAILURES_PER_USER if per == "user" else services.JOIN_FAILURES_PER_IP
    users = [make_user(f"guesser{n}") for n in range(limit // services.JOIN_FAILURES_PER_USER + 1)]
    tries = 0
    for user in users:
        login(client, user)
        for _ in range(services.JOIN_FAILURES_PER_USER):
            if tries == limit:
                break
            assert client.post(url("class-join"), {"code": "WRONG23"}).status_code == 422
            tries += 1
        if tries == limit:
            break
    # Over the limit, even the right code is refused (or the limit would tell it).
    response = client.post(url("class-join"), {"code": school_class.join_code})
    assert response.status_code == 429 and "Too many tries" in response.text
    assert client.get(url("class-join-link", school_class.join_code)).status_code == 429
    assert not Membership.objects.exists()
    # Someone else, from another address, still joins.
    other = Client(REMOTE_ADDR="192.0.2.99")
    other.force_login(make_user("honest"))
    assert other.post(url("class-join"), {"code": school_class.join_code}).status_code == 302


def test_account_deletion_removes_memberships(client, school_class, enrolled):
    login(client, enrolled)
    client.post(url("account-delete"), {"password": "pw-Long-enough-1"})
    assert not Membership.objects.exists()
    assert Class.objects.filter(pk=school_class.pk).exists()


def test_a_visitor_who_signs_up_from_a_join_link_ends_up_in_the_class(client, school_class):
    link = url("class-join-link", school_class.join_code)
    form = client.get(f"/accounts/signup/?next={link}")
    assert f'name="next" value="{link}"' in form.text
    response = client.post(
        "/accounts/signup/",
        {"username": "fresh", "password1": "pw-Long-enough-1", "password2": "pw-Long-enough-1",
         "next": link},
    )  # fmt: skip
    assert response.status_code == 302 and response["Location"] == link
    page = client.get(link)
    assert "Join Physiology 2" in page.text
    client.post(link)
    assert Membership.objects.filter(user__username="fresh", school_class=school_class).exists()


def test_sign_up_ignores_a_next_on_another_site(client, db):
    response = client.post(
        "/accounts/signup/?next=https://evil.example/",
        {"username": "fresh", "password1": "pw-Long-enough-1", "password2": "pw-Long-enough-1",
         "next": "https://evil.example/"},
    )  # fmt: skip
    assert response["Location"] == "/progress/"


def test_the_data_export_lists_classes(client, school_class, enrolled):
    import json

    login(client, enrolled)
    data = json.loads(client.get(url("account-export")).content)
    assert data["classes"][0]["class"] == "Physiology 2"
    assert data["classes"][0]["teachers"] == ["teach"]
