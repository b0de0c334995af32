"""Caching follows HTTP: public pages are the same bytes for everyone who is not logged in.

A view decorated with `public_page` renders, for anyone not logged in, a page with nothing
personal in it: no CSRF token, no cookie, no message, no name, no progress. That page is
marked `Cache-Control: public`, kept in Django's cache (keyed on the content version, which
any content save bumps), and answers `If-None-Match` / `If-Modified-Since` with a 304, so
nginx, a CDN, a browser or the site's own cache may hand it to anyone. Personal parts (mark
complete, progress, the quiz's Start form) come separately, from small private views that the
page loads with htmx (see static/js/site.js) or links to without JavaScript.

A visitor who is logged in, or who has a message waiting, gets the page rendered for them
alone, marked `private`; it never enters a shared cache.

`CachePolicyMiddleware` is the backstop for every other response: anything without a
Cache-Control header of its own is `private, no-cache`, and a response marked public that
carries a cookie (a session or CSRF cookie set late, say) is turned private. It also keeps the
`has_session` flag cookie in step with the session cookie: a non-secret, script-readable
"this browser has a session", which tells a public page whether to fetch its personal parts.
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
FLAG_COOKIE = "has_session"  # "1" while the browser holds a session cookie; not a secret


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


def make_private(response):
    response.headers["Cache-Control"] = PRIVATE
    patch_vary_headers(response, VARY)
    return response


def is_shareable(request, response, content):
    """Nothing personal got into this render: a last check before a page is shared."""
    session = getattr(request, "session", None)
    return not (
        response.cookies
        or (session is not None and session.modified)
        or b"csrfmiddlewaretoken" in content
        or get_messages(request).used
    )


def _public_headers(response, etag, changed_at):
    response["ETag"] = etag
    response["Last-Modified"] = http_date(changed_at.timestamp())
    age = max_age()
    patch_cache_control(
        response, public=True, max_age=age, stale_while_revalidate=max(60, age // 5)
    )
    patch_vary_headers(response, VARY)
    return response


def _not_modified(request, etag, changed_at):
    """A 304 when the request's validators match, judged as RFC 9110 says: If-None-Match
    wins over If-Modified-Since when both are sent."""
    if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
    if if_none_match is not None:
        tags = parse_etags(if_none_match)
        return "*" in tags or etag in tags
    since = request.META.get("HTTP_IF_MODIFIED_SINCE")
    return since is not None and since == http_date(changed_at.timestamp())


def public_page(view):
    """Decorator for a page that, for anyone not logged in, holds nothing personal."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or is_personal(request):
            return make_private(view(request, *args, **kwargs))
        version, changed_at = content_version()
        key = f"{'htmx' if is_htmx(request) else 'page'}:{request.get_full_path()}"
        etag = quote_etag(hashlib.sha256(f"{version}|{key}".encode()).hexdigest()[:32])
        if _not_modified(request, etag, changed_at):
            return _public_headers(HttpResponseNotModified(), etag, changed_at)
        cache_key = f"stressed:page:{version}:{hashlib.sha256(key.encode()).hexdigest()}"
        cached = cache.get(cache_key)
        if cached is not None:
            content, content_type = cached
            response = HttpResponse(content, content_type=content_type)
            return _public_headers(response, etag, changed_at)
        response = view(request, *args, **kwargs)
        if response.status_code != 200 or getattr(response, "streaming", False):
            return make_private(response)
        if callable(getattr(response, "render", None)):
            response.render()
        if not is_shareable(request, response, response.content):
            return make_private(response)
        cache.set(cache_key, (response.content, response["Content-Type"]), PAGE_TIMEOUT)
        return _public_headers(response, etag, changed_at)

    return wrapped


class CachePolicyMiddleware:
    """Private unless a view said otherwise; never public with a cookie; the session flag.

    Sits above SessionMiddleware and CsrfViewMiddleware, so it sees the cookies they set."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        self.sync_flag(request, response)
        control = response.get("Cache-Control", "")
        if not control or (response.cookies and "public" in control):
            response.headers["Cache-Control"] = PRIVATE
        return response

    def sync_flag(self, request, response):
        options = dict(
            path=settings.SESSION_COOKIE_PATH,
            domain=settings.SESSION_COOKIE_DOMAIN,
            samesite=settings.SESSION_COOKIE_SAMESITE,
        )
        session = response.cookies.get(settings.SESSION_COOKIE_NAME)
        if session is not None and not session.value:  # the session cookie is being deleted
            if request.COOKIES.get(FLAG_COOKIE):
                response.delete_cookie(FLAG_COOKIE, **options)
            return
        if session is None and not has_session_cookie(request):
            if request.COOKIES.get(FLAG_COOKIE):  # the session cookie expired before the flag
                response.delete_cookie(FLAG_COOKIE, **options)
            return
        if session is None and request.COOKIES.get(FLAG_COOKIE):
            return
        browser_session = request.session.get_expire_at_browser_close()
        response.set_cookie(
            FLAG_COOKIE,
            "1",
            max_age=None if browser_session else request.session.get_expiry_age(),
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=False,  # read by site.js: it only says "fetch the personal parts"
            **options,
        )
