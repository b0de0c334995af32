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


def test_students_with_a_session_get_the_public_page_and_a_private_fragment(
    make_lesson, django_assert_max_num_queries
):
    from django.test import Client

    first, second = make_lesson("first", order=1), make_lesson("second", order=2)
    done, busy, stranger = Client(), Client(), Client()
    for student in (done, busy):  # each gets a session by marking a lesson complete
        assert student.post(reverse("lesson-complete", args=[second.slug])).status_code == 302
    done.post(reverse("lesson-complete", args=[first.slug]))
    # The lesson page is the same bytes for all three: nothing personal is in it.
    pages = [c.get(first.get_absolute_url()) for c in (stranger, done, busy)]
    assert len({page.content for page in pages}) == 1
    assert all("public" in page["Cache-Control"] for page in pages)
    assert "csrfmiddlewaretoken" not in pages[0].text
    # Their own part comes from the private fragment the page fetches.
    fragment = reverse("lesson-progress", args=[first.slug])
    mine = done.get(fragment, HTTP_HX_REQUEST="true")
    assert "You marked this lesson complete" in mine.text
    assert "private" in mine["Cache-Control"] and "csrfmiddlewaretoken" in mine.text
    assert "Mark this lesson complete" in busy.get(fragment, HTTP_HX_REQUEST="true").text
    # A visitor whose session is not logged in (the has_session cookie says so) gets the
    # cached public copy before any session or user is loaded.
    assert busy.cookies["has_session"].value == "1"
    with django_assert_max_num_queries(0):
        assert busy.get(first.get_absolute_url()).status_code == 200
    # The fragment's form posts the visit for "continue where you left off" (a GET writes
    # nothing).
    busy.get(reverse("lesson-progress", args=[first.slug]), HTTP_HX_REQUEST="true")
    assert "Continue" not in busy.get(reverse("home-progress"), HTTP_HX_REQUEST="true").text
    busy.post(reverse("lesson-position", args=[first.slug]), {"section": "first"})
    summary = busy.get(reverse("home-progress"), HTTP_HX_REQUEST="true").text
    assert f'href="{first.get_absolute_url()}#first">Continue: lesson 1, First section' in summary


def test_anonymous_pages_are_public_cached_and_revalidate(
    client, make_lesson, django_assert_num_queries
):
    lesson = make_lesson()
    first = client.get(lesson.get_absolute_url())
    etag = first["ETag"]
    assert "public" in first["Cache-Control"] and "max-age=300" in first["Cache-Control"]
    assert first["Last-Modified"] and not first.cookies
    # No query at all: the page is cached and this process remembers the content version.
    with django_assert_num_queries(0):
        again = client.get(lesson.get_absolute_url())
    assert again.status_code == 200 and again.content == first.content
    assert (again["Cache-Control"], again["Vary"]) == (first["Cache-Control"], first["Vary"])
    with django_assert_num_queries(0):
        assert client.get(lesson.get_absolute_url(), HTTP_IF_NONE_MATCH=etag).status_code == 304
    since = first["Last-Modified"]
    assert client.get(lesson.get_absolute_url(), HTTP_IF_MODIFIED_SINCE=since).status_code == 304


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
        response = client.get(page)
        assert "Log out" in response.text and "private" in response["Cache-Control"]


def test_htmx_requests_get_their_own_cached_copy(client, make_lesson):
    lesson = make_lesson()
    page = client.get(lesson.get_absolute_url())
    fragment = client.get(lesson.get_absolute_url(), HTTP_HX_REQUEST="true")
    assert page["ETag"] != fragment["ETag"]
    assert client.get(lesson.get_absolute_url(), HTTP_HX_REQUEST="true")["ETag"] == fragment["ETag"]


def test_public_page_has_no_token_and_the_fragment_mints_one_per_visitor(client, make_lesson):
    from django.test import Client

    lesson = make_lesson()
    token_pattern = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    page = client.get(lesson.get_absolute_url())
    assert not token_pattern.search(page.text) and "csrftoken" not in page.cookies
    fragment = reverse("lesson-progress", args=[lesson.slug])
    assert f'data-personal="{fragment}"' in page.text
    mine = client.get(fragment).text  # without JavaScript: the small private page
    theirs = Client().get(fragment, HTTP_HX_REQUEST="true").text
    assert token_pattern.search(mine).group(1) != token_pattern.search(theirs).group(1)


def test_editing_a_lesson_invalidates_the_cache(client, make_lesson):
    lesson = make_lesson()
    etag = client.get(lesson.get_absolute_url())["ETag"]
    lesson.title = "A brand new title"
    lesson.save()
    response = client.get(lesson.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert "A brand new title" in response.content.decode()
