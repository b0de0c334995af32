import re

import pytest
from django.urls import reverse

from tests.hostile import HOSTILE_TEXT, executable_bits


def test_home_lists_published_lessons_in_order(client, make_lesson):
    make_lesson("second", order=2)
    make_lesson("first", order=1)
    make_lesson("draft", order=3, published=False)
    html = client.get(reverse("home")).content.decode()
    assert html.index("/lessons/first/") < html.index("/lessons/second/")
    assert "/lessons/draft/" not in html


def test_lesson_page_has_toc_objectives_references_and_pager(client, make_lesson):
    make_lesson("first", order=1)
    lesson = make_lesson("second", order=2)
    lesson.references.create(
        order=0, label="R1", citation="Cryer PE. A paper. NEJM. 1980.", doi="10.1/x"
    )
    make_lesson("third", order=3)
    response = client.get(lesson.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert '<a href="#first">First section</a>' in html
    assert "<li>Describe one thing.</li>" in html
    assert 'href="https://doi.org/10.1/x"' in html
    assert 'rel="prev"' in html and "/lessons/first/" in html
    assert 'rel="next"' in html and "/lessons/third/" in html
    assert "Education, not medical advice." in html


@pytest.mark.parametrize("role", ["anonymous", "student"])
def test_drafts_are_404_for_non_staff(client_as, make_lesson, role):
    lesson = make_lesson("draft", published=False)
    assert client_as(role).get(lesson.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("role", ["instructor", "admin", "superuser"])
def test_drafts_are_visible_to_staff(client_as, make_lesson, role):
    lesson = make_lesson("draft", published=False)
    response = client_as(role).get(lesson.get_absolute_url())
    assert response.status_code == 200
    assert "Draft" in response.content.decode()


def test_unknown_lesson_is_404_with_site_page(client, db):
    response = client.get("/lessons/no-such-lesson/")
    assert response.status_code == 404


def test_hostile_lesson_body_renders_nothing_executable(client, make_lesson):
    lesson = make_lesson("evil", body="## Section {#s}\n\n" + HOSTILE_TEXT)
    html = client.get(lesson.get_absolute_url()).content.decode()
    body = html.split('<div class="prose lesson-body">')[1].split("</div>")[0]
    assert executable_bits(body) == []


def test_only_get_is_allowed(client, make_lesson):
    lesson = make_lesson()
    assert client.post(lesson.get_absolute_url()).status_code in (403, 405)


def test_index_query_count_is_pinned(client, make_lesson, django_assert_num_queries):
    for order in range(1, 8):
        make_lesson(f"lesson-{order}", order=order)
    # content version, lessons
    with django_assert_num_queries(2):
        assert client.get(reverse("home")).status_code == 200


def test_lesson_query_count_is_pinned(client, make_lesson, django_assert_num_queries):
    for order in range(1, 8):
        lesson = make_lesson(f"lesson-{order}", order=order)
        lesson.references.create(citation=f"Ref {order}")
    # content version, lesson, its references, the lesson list for the pager, its quiz
    with django_assert_num_queries(5):
        assert client.get(lesson.get_absolute_url()).status_code == 200


def test_students_with_a_session_share_cached_copies(make_lesson, django_assert_num_queries):
    from django.test import Client

    first, second = make_lesson("first", order=1), make_lesson("second", order=2)
    done, busy = Client(), Client()
    for student in (done, busy):  # each gets a session by marking a lesson complete
        assert student.post(reverse("lesson-complete", args=[second.slug])).status_code == 302
    done.post(reverse("lesson-complete", args=[first.slug]))
    assert "You marked this lesson complete" in done.get(first.get_absolute_url()).text
    assert "Mark this lesson complete" in busy.get(first.get_absolute_url()).text
    assert "You marked this lesson complete" in done.get(second.get_absolute_url()).text
    # Both completed the second lesson: busy gets the copy built for done.
    # The session; saving its last-visited lesson (savepoint, update, release).
    with django_assert_num_queries(4):
        page = busy.get(second.get_absolute_url())
    assert "You marked this lesson complete" in page.text
    with django_assert_num_queries(1):  # the session alone: nothing changed
        assert busy.get(second.get_absolute_url()).status_code == 200
    # The visit served from the cache still counts for "continue where you left off".
    assert (
        f'href="{second.get_absolute_url()}"' in busy.get(reverse("home")).text.split("Continue")[1]
    )


def test_anonymous_pages_are_cached_and_revalidate(client, make_lesson, django_assert_num_queries):
    lesson = make_lesson()
    first = client.get(lesson.get_absolute_url())
    etag = first["ETag"]
    assert "private" in first["Cache-Control"] and first["Last-Modified"]
    # No query at all: the page is cached and this process remembers the content version.
    with django_assert_num_queries(0):
        again = client.get(lesson.get_absolute_url())
    assert again.status_code == 200
    # A cached copy sets its headers outright; they must match what the first response got.
    assert (again["Cache-Control"], again["Vary"]) == (first["Cache-Control"], first["Vary"])
    with django_assert_num_queries(0):
        assert client.get(lesson.get_absolute_url(), HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_cache_hit_for_a_visitor_without_session_never_loads_the_user(client, make_lesson):
    from unittest import mock

    lesson = make_lesson()
    for page in (lesson.get_absolute_url(), reverse("glossary")):
        client.get(page)  # builds the cached copy
    # A login lives in the session, so with no session cookie there is no user to look up.
    with mock.patch(
        "django.contrib.auth.middleware.get_user", side_effect=AssertionError("user loaded")
    ):
        for page in (lesson.get_absolute_url(), reverse("glossary")):
            assert client.get(page).status_code == 200


def test_logged_in_students_never_get_the_anonymous_copy(client, make_lesson, make_user):
    lesson = make_lesson()
    pages = (lesson.get_absolute_url(), reverse("glossary"), reverse("home"))
    for page in pages:
        assert "Log in" in client.get(page).text  # the anonymous copies, now cached
    client.force_login(make_user(username="ada"))
    for page in pages:
        assert "Log out" in client.get(page).text


def test_htmx_requests_get_their_own_cached_copy(client, make_lesson):
    lesson = make_lesson()
    page = client.get(lesson.get_absolute_url())
    fragment = client.get(lesson.get_absolute_url(), HTTP_HX_REQUEST="true")
    assert page["ETag"] != fragment["ETag"]
    assert client.get(lesson.get_absolute_url(), HTTP_HX_REQUEST="true")["ETag"] == fragment["ETag"]


def test_cached_page_gets_a_fresh_csrf_token_per_visitor(client, make_lesson):
    from django.test import Client

    lesson = make_lesson()
    token_pattern = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    first = client.get(lesson.get_absolute_url()).content.decode()
    second_client = Client()
    second = second_client.get(lesson.get_absolute_url()).content.decode()
    assert token_pattern.search(first) and token_pattern.search(second)
    assert token_pattern.search(first).group(1) != token_pattern.search(second).group(1)
    assert "__CSRF_TOKEN_PLACEHOLDER__" not in second


def test_editing_a_lesson_invalidates_the_cache(client, make_lesson):
    lesson = make_lesson()
    etag = client.get(lesson.get_absolute_url())["ETag"]
    lesson.title = "A brand new title"
    lesson.save()
    response = client.get(lesson.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert "A brand new title" in response.content.decode()
