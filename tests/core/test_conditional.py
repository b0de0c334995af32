"""The ConditionalGetMiddleware subclass: the same answers as Django's, less work on the way."""

import pytest
from django.http import HttpResponse
from django.middleware.http import ConditionalGetMiddleware as DjangoConditionalGetMiddleware
from django.test import RequestFactory
from django.urls import reverse
from django.utils.http import http_date

from stressed.core.conditional import ConditionalGetMiddleware


def _page(**headers):
    response = HttpResponse(b"<p>the same page</p>")
    for name, value in headers.items():
        response[name] = value
    return response


CASES = [
    ({}, {}),
    ({}, {"Cache-Control": "no-store"}),
    ({"HTTP_IF_NONE_MATCH": '"abc"'}, {"ETag": '"abc"'}),
    ({"HTTP_IF_NONE_MATCH": '"old"'}, {"ETag": '"abc"'}),
    ({"HTTP_IF_MODIFIED_SINCE": http_date(2_000_000_000)}, {"Last-Modified": http_date(1e9)}),
    ({"HTTP_IF_MODIFIED_SINCE": http_date(1e9)}, {"Last-Modified": http_date(2e9)}),
    ({"HTTP_IF_MATCH": '"other"'}, {"ETag": '"abc"'}),
    ({"HTTP_IF_UNMODIFIED_SINCE": http_date(1e9)}, {"Last-Modified": http_date(2e9)}),
]


@pytest.mark.parametrize("method", ["get", "head", "post"])
@pytest.mark.parametrize(("request_headers", "response_headers"), CASES)
def test_answers_exactly_as_djangos_middleware(method, request_headers, response_headers):
    request = getattr(RequestFactory(), method)("/", **request_headers)
    ours = ConditionalGetMiddleware(lambda r: _page(**response_headers))(request)
    django = DjangoConditionalGetMiddleware(lambda r: _page(**response_headers))(request)
    assert ours.status_code == django.status_code
    assert ours.get("ETag") == django.get("ETag")
    assert ours.content == django.content


def test_pages_without_their_own_etag_still_revalidate(client, db):
    first = client.get(reverse("about"))
    assert first.status_code == 200 and first["ETag"]
    assert client.get(reverse("about"), HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_cached_pages_answer_if_modified_since(client, make_lesson):
    lesson = make_lesson()
    last_modified = client.get(lesson.get_absolute_url())["Last-Modified"]
    again = client.get(lesson.get_absolute_url(), HTTP_IF_MODIFIED_SINCE=last_modified)
    assert again.status_code == 304
