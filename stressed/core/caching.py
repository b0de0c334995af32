"""Caching follows HTTP: public pages are the same bytes for everyone who is not logged in.

A view decorated with `public_page` renders, for anyone not logged in, a page with nothing
personal in it: no CSRF token, no cookie, no message, no name, no progress. It is marked
`Cache-Control: public, max-age=…` with an ETag and Last-Modified that come from the content
version (bumped by any content save), so nginx, a CDN, a browser or the site's own cache may
hand it to anyone, and a revalidation is a 304. Personal parts (mark complete, progress, the
quiz's Start form) come separately, from small private views that the page loads with htmx
(static/js/site.js) or links to without JavaScript.

A visitor who is logged in, or who has a message waiting, gets the page rendered for them
alone, marked `private`; it never enters a shared cache.

`CachePolicyMiddleware`, just below whitenoise, does the rest:

- It keeps a copy of every public page in Django's cache, keyed on the content version, the
  path and whether htmx asked, and serves the copy before the rest of the middleware runs, to
  any visitor the copy may be shown to: one without a session, or whose `has_session` cookie
  says the session is not logged in. That cookie is a hint, not a secret: whatever it says,
  the copy is the public page, which holds nothing of anyone's; a visitor whose cookies say
  nothing reliable (a session cookie without the hint) goes through the view, which checks.
- It keeps the `has_session` cookie in step with the session cookie: "1" for a session that is
  not logged in, "account" for one that is. Not HttpOnly: site.js reads it to decide whether
  to fetch the personal parts of a public page.
- Every other response is `private, no-cache` unless its view said otherwise, and a response
  marked public that carries a cookie (a CSRF or session cookie set late, say) turns private.
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_etags, quote_etag

from stressed.core.cache import content_version

PAGE_TIMEOUT = 60 * 60  # in Django's cache; the content version in the key retires copies
VARY = ("Cookie", "HX-Request")
PRIVATE = "private, no-cache"
FLAG_COOKIE = "has_session"
ANONYMOUS, ACCOUNT = "1", "account"  # the flag's values: a session, logged in or not


def max_age():
    return getattr(settings, "PUBLIC_PAGE_MAX_AGE", 300)


def has_session_cookie(request):
    return bool(request.COOKIES.get(settings.SESSION_COOKIE_NAME))


def is_logged_in(request):
    """A login lives in the session: without a session cookie there is no user to load."""
    return has_session_cookie(request) and request.user.is_authenticated


def has_pending_messages(request):
    """A message waits in the cookie or the session (checked without consuming it)."""
    if not (has_session_cookie(request) or request.COOKIES.get(CookieStorage.cookie_name)):
        return False
    return len(get_messages(request)) > 0


def is_personal(request):
    return is_logged_in(request) or has_pending_messages(request)


def is_htmx(request):
    return request.META.get("HTTP_HX_REQUEST") == "true"


def may_get_a_copy(request):
    """Whether the cached public copy may be served without asking the view: nothing in the
    request's cookies says "logged in" or "a message waits". (Serving it to anyone else would
    not leak anything, the copy being public; it would only show them the page of someone not
    logged in. The view checks the session for the rest.)"""
    cookies = request.COOKIES
    if cookies.get(CookieStorage.cookie_name):
        return False
    return not has_session_cookie(request) or cookies.get(FLAG_COOKIE) == ANONYMOUS


def make_private(response):
    response.headers["Cache-Control"] = PRIVATE
    patch_vary_headers(response, VARY)
    return response


def is_shareable(request, response):
    """Nothing personal got into this render: a last check before a page is made public."""
    session = getattr(request, "session", None)
    return not (
        response.cookies
        or (session is not None and session.modified)
        or b"csrfmiddlewaretoken" in response.content
        or get_messages(request).used
    )


def validators(request):
    """(ETag, Last-Modified) of the public page this request asks for, from the content
    version: the same for every process, so a copy from any server revalidates anywhere."""
    version, changed_at = content_version()
    key = f"{version}|{'htmx' if is_htmx(request) else 'page'}|{request.get_full_path()}"
    etag = quote_etag(hashlib.sha256(key.encode()).hexdigest()[:32])
    return etag, http_date(changed_at.timestamp()), version


def is_not_modified(request, etag, last_modified):
    """A 304 when the request's validators match (If-None-Match wins when both are sent)."""
    if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
    if if_none_match is not None:
        tags = parse_etags(if_none_match)
        return "*" in tags or etag in tags
    return request.META.get("HTTP_IF_MODIFIED_SINCE") == last_modified


def public_headers(response, etag, last_modified):
    response["ETag"] = etag
    response["Last-Modified"] = last_modified
    age = max_age()
    patch_cache_control(
        response, public=True, max_age=age, stale_while_revalidate=max(60, age // 5)
    )
    patch_vary_headers(response, VARY)
    return response


def public_page(view):
    """Decorator for a page that, for anyone not logged in, holds nothing personal."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or is_personal(request):
            return make_private(view(request, *args, **kwargs))
        etag, last_modified, _version = validators(request)
        if is_not_modified(request, etag, last_modified):
            return public_headers(HttpResponseNotModified(), etag, last_modified)
        response = view(request, *args, **kwargs)
        if response.status_code != 200 or getattr(response, "streaming", False):
            return make_private(response)
        if callable(getattr(response, "render", None)):
            response.render()
        if not is_shareable(request, response):
            return make_private(response)
        return public_headers(response, etag, last_modified)

    return wrapped


def page_key(version, request):
    path = f"{'htmx' if is_htmx(request) else 'page'}:{request.get_full_path()}"
    return f"stressed:page:{version}:{hashlib.sha256(path.encode()).hexdigest()}"


class CachePolicyMiddleware:
    """Serves and keeps public copies; private unless a view said otherwise; never public
    with a cookie; the session hint cookie.

    Sits just below whitenoise (a cached copy skips the rest of the stack) and above the
    session and CSRF middleware (so it sees the cookies they set)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = None
        if request.method in ("GET", "HEAD") and may_get_a_copy(request):
            etag, last_modified, version = validators(request)
            key = page_key(version, request)
            copy = cache.get(key)
            if copy is not None:
                return self.serve(request, copy, is_not_modified(request, etag, last_modified))
        response = self.get_response(request)
        self.sync_flag(request, response)
        control = response.get("Cache-Control", "")
        if not control or (response.cookies and "public" in control):
            response.headers["Cache-Control"] = PRIVATE
        elif key is not None and self.keeps(response, control, etag):
            cache.set(key, (response.content, list(response.items())), PAGE_TIMEOUT)
        return response

    @staticmethod
    def keeps(response, control, etag):
        return (
            response.status_code == 200
            and "public" in control
            and not response.cookies
            and not getattr(response, "streaming", False)
            and response.get("ETag") == etag  # made by public_page for this version
        )

    @staticmethod
    def serve(request, copy, not_modified):
        content, headers = copy
        if not_modified:
            response = HttpResponseNotModified()
            for name, value in headers:
                if name in ("ETag", "Last-Modified", "Cache-Control", "Vary"):
                    response.headers[name] = value
            return response
        response = HttpResponse(content)
        for name, value in headers:
            response.headers[name] = value
        return response

    def sync_flag(self, request, response):
        options = dict(
            path=settings.SESSION_COOKIE_PATH,
            domain=settings.SESSION_COOKIE_DOMAIN,
            samesite=settings.SESSION_COOKIE_SAMESITE,
        )
        flag = request.COOKIES.get(FLAG_COOKIE)
        session = response.cookies.get(settings.SESSION_COOKIE_NAME)
        if session is not None and not session.value:  # the session cookie is being deleted
            if flag:
                response.delete_cookie(FLAG_COOKIE, **options)
            return
        if session is None and not has_session_cookie(request):
            if flag:  # the session cookie expired before the flag
                response.delete_cookie(FLAG_COOKIE, **options)
            return
        user = getattr(request, "user", None)
        value = ACCOUNT if user is not None and user.is_authenticated else ANONYMOUS
        if session is None and flag == value:
            return
        browser_session = request.session.get_expire_at_browser_close()
        response.set_cookie(
            FLAG_COOKIE,
            value,
            max_age=None if browser_session else request.session.get_expiry_age(),
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=False,  # read by site.js: it only says "fetch the personal parts"
            **options,
        )
