"""Issue 17, item 5: the role × endpoint matrix for every classes URL. An instructor sees only
the classes they teach (a co-teacher the same), a student only their own class and work,
admins everything. A URL added to stressed/classes/urls.py without a row here fails
`test_every_classes_url_is_in_the_matrix`."""

import pytest
from django.test import Client
from django.urls import reverse

from stressed.classes import services
from stressed.classes.models import Assignment, Class, Membership
from stressed.core.roles import ADMINS, INSTRUCTORS
from tests.core.test_head import url_names

ROLES = ["anonymous", "outsider", "member", "instructor", "teacher", "coteacher", "admin", "root"]
LOGIN = "login"  # a redirect to the log-in page

# (url name, GET status per role in ROLES order)
STAFF_PAGE = [LOGIN, 403, 403, 404, 200, 200, 200, 200]
GETS = {
    "class-list": [LOGIN, 200, 200, 200, 200, 200, 200, 200],
    "class-create": [LOGIN, 403, 403, 200, 200, 200, 200, 200],
    "class-join": [LOGIN, 200, 200, 200, 200, 200, 200, 200],
    "class-join-link": [200, 200, 200, 200, 200, 200, 200, 200],
    "assigned": [LOGIN, 200, 200, 200, 200, 200, 200, 200],
    "class-detail": [LOGIN, 404, 200, 404, 200, 200, 200, 200],
    "class-edit": STAFF_PAGE,
    "gradebook": STAFF_PAGE,
    "gradebook-csv": STAFF_PAGE,
    "class-responses-csv": STAFF_PAGE,
    "class-student": STAFF_PAGE,
    "assignment-create": STAFF_PAGE,
    "assignment-edit": STAFF_PAGE,
    "class-quiz-statistics": STAFF_PAGE,
}
# POST-only URLs: who may (302 and it happens); everyone else is refused and nothing changes.
POSTS = {
    "class-code": {"teacher", "coteacher", "admin", "root"},
    "class-archive": {"teacher", "coteacher", "admin", "root"},
    "class-teacher-add": {"teacher", "coteacher", "admin", "root"},
    "class-teacher-remove": {"teacher", "coteacher", "admin", "root"},
    "class-student-remove": {"teacher", "coteacher", "admin", "root"},
    "assignment-delete": {"teacher", "coteacher", "admin", "root"},
    "class-leave": {"member"},
}


@pytest.fixture
def world(make_user, quiz):
    teacher = make_user("teacher", role=INSTRUCTORS)
    coteacher = make_user("coteacher", role=INSTRUCTORS)
    users = {
        "outsider": make_user("outsider"),
        "member": make_user("member"),
        "instructor": make_user("instructor", role=INSTRUCTORS),
        "teacher": teacher,
        "coteacher": coteacher,
        "admin": make_user("admin", role=ADMINS),
        "root": make_user("root", role="superuser"),
    }
    school_class = services.create_class(teacher, name="Matrix class")
    school_class.teachers.add(coteacher)
    services.join(users["member"], school_class)
    assignment = Assignment.objects.create(school_class=school_class, quiz=quiz)
    return users, school_class, assignment


def kwargs_for(name, school_class, assignment, users):
    values = {
        "class_id": school_class.pk,
        "assignment_id": assignment.pk,
        "user_id": users["member"].pk,
        "code": school_class.join_code,
    }
    route = next(r for n, r, _p in url_names() if n == name)
    return {p: values[p] for p in values if f"{p}>" in route}


def client_for(role, users):
    client = Client()
    if role != "anonymous":
        client.force_login(users[role])
    return client


def test_every_classes_url_is_in_the_matrix():
    names = {n for n, route, _p in url_names() if route.startswith("classes/")}
    assert names == set(GETS) | set(POSTS)


@pytest.mark.parametrize("name", sorted(GETS))
def test_get_matrix(world, name):
    users, school_class, assignment = world
    url = reverse(name, kwargs=kwargs_for(name, school_class, assignment, users))
    for role, expected in zip(ROLES, GETS[name], strict=True):
        response = client_for(role, users).get(url)
        if expected == LOGIN:
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        else:
            assert response.status_code == expected, (name, role, response.status_code)
        if response.status_code == 200:
            assert "private" in response["Cache-Control"], (name, role)
            assert "public" not in response["Cache-Control"]
            if role != "anonymous" and not response.streaming:
                assert users[role].username in response.text or name == "class-join-link"


def snapshot(school_class):
    school_class.refresh_from_db()
    return (
        school_class.join_code,
        school_class.archived_at,
        sorted(school_class.teachers.values_list("pk", flat=True)),
        sorted(Membership.objects.values_list("pk", flat=True)),
        sorted(Assignment.objects.values_list("pk", flat=True)),
    )


POST_DATA = {"class-teacher-add": {"username": "instructor"}, "class-archive": {"archive": "1"}}


@pytest.mark.parametrize("name", sorted(POSTS))
@pytest.mark.parametrize("role", ROLES)
def test_post_matrix(world, name, role):
    users, school_class, assignment = world
    kwargs = kwargs_for(name, school_class, assignment, users)
    if name == "class-teacher-remove":
        kwargs["user_id"] = users["coteacher"].pk
    url = reverse(name, kwargs=kwargs)
    client = client_for(role, users)
    assert client.get(url).status_code in (302, 405)  # a GET never changes anything
    before = snapshot(school_class)
    response = client.post(url, POST_DATA.get(name, {}))
    if role in POSTS[name]:
        assert response.status_code == 302
        assert snapshot(school_class) != before
    else:
        assert response.status_code in (302, 403, 404), response.status_code
        if response.status_code == 302:
            assert "/accounts/login/" in response["Location"]
        assert snapshot(school_class) == before


def test_a_student_never_sees_another_students_answers(world, make_user):
    users, school_class, _assignment = world
    other = make_user("classmate")
    services.join(other, school_class)
    client = client_for("member", users)
    for name in ("class-student", "gradebook", "gradebook-csv", "class-responses-csv"):
        kwargs = {"class_id": school_class.pk}
        if name == "class-student":
            kwargs["user_id"] = other.pk
        response = client.get(reverse(name, kwargs=kwargs))
        assert response.status_code == 403
    page = client.get(reverse("class-detail", args=[school_class.pk])).text
    assert "classmate" not in page


def test_an_instructor_sees_only_their_classes(world, make_user):
    users, school_class, _assignment = world
    mine = services.create_class(users["instructor"], name="Mine only")
    client = client_for("instructor", users)
    page = client.get(reverse("class-list")).text
    assert "Mine only" in page and "Matrix class" not in page
    admin_page = client_for("admin", users).get(reverse("class-list")).text
    assert "Mine only" in admin_page and "Matrix class" in admin_page
    assert Class.objects.count() == 2 and mine.pk
