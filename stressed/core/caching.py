"""Whole-page caching for first-time anonymous visitors, with conditional GET.

Only requests with no login are served from the cache, and for pages that show a visitor's
own progress, only requests with no session. A cached page is stored with its CSRF token replaced
by a placeholder, and every visitor gets a fresh token of their own when the copy is served,
so forms on cached pages work and no two visitors share a token. The key includes the content
version (bumped by any content save), so an edit is visible on the next request.
"""

import hashlib
import re
from functools import lru_cache, wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date

from stressed.core.cache import content_version

PAGE_TIMEOUT = 60 * 60
CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
PLACEHOLDER = b"__CSRF_TOKEN_PLACEHOLDER__"


def has_session_cookie(request):
    return settings.SESSION_COOKIE_NAME in request.COOKIES


def is_logged_in(request):
    # A login lives in the session, so without a session cookie there is no user to load
    # (loading one costs more than the rest of checking the cache).
    return has_session_cookie(request) and request.user.is_authenticated


def is_cacheable(request, per_session=True):
    """Pages that show a visitor's own progress (`per_session`) are cached only for visitors
    without a session; pages that show nothing personal, for anyone not logged in."""
    return (
        request.method in ("GET", "HEAD")
        and not (per_session and has_session_cookie(request))
        and not is_logged_in(request)
    )


def is_htmx(request):
    # What django-htmx's `request.htmx` tests, read straight from the environ: building
    # `request.headers` for it costs a few percent of a cache hit.
    return request.META.get("HTTP_HX_REQUEST") == "true"


def _etag(version, key):
    return '"' + hashlib.sha256(f"{version}|{key}".encode()).hexdigest()[:32] + '"'


# Private: the page carries this visitor's CSRF token. Revalidation is a cheap 304.
CACHE_CONTROL = {"private": True, "no_cache": True}
CACHE_CONTROL_HEADER = "private, no-cache"  # what patch_cache_control makes of CACHE_CONTROL
VARY = ("Cookie", "HX-Request")
VARY_HEADER = ", ".join(VARY)


@lru_cache(maxsize=4)
def _http_date(changed_at):
    return http_date(changed_at.timestamp())


def _with_headers(response, etag, changed_at, fresh=False):
    """`fresh`: a response made here, with no headers of its own yet, so they are set outright
    (the patch_* helpers parse and merge, which costs more than the rest of a cache hit)."""
    response["ETag"] = etag
    response["Last-Modified"] = _http_date(changed_at)
    if fresh:
        response.headers["Cache-Control"] = CACHE_CONTROL_HEADER
        response.headers["Vary"] = VARY_HEADER
    else:
        patch_cache_control(response, **CACHE_CONTROL)
        patch_vary_headers(response, VARY)
    return response


def cache_for_anonymous(view=None, *, per_session=True, variant=None):
    """Decorator; `@cache_for_anonymous(per_session=False)` for pages with nothing personal.

    `variant(request, *args, **kwargs)` is for pages whose personal part is small: it is
    called for every visitor with a session who is not logged in, does the view's side
    effects on the session, and returns a short name for this visitor's version of the page
    (say "complete"), which joins the cache key. Such a page is then cached for visitors
    with a session too: one copy per variant, not one per visitor. (Visitors without a
    session share one more copy, as on any cached page.)"""
    if view is None:
        return lambda view: cache_for_anonymous(view, per_session=per_session, variant=variant)

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        name = ""
        with_variant = variant is not None and has_session_cookie(request)
        if with_variant and is_cacheable(request, per_session=False):
            name = variant(request, *args, **kwargs)
        elif not is_cacheable(request, per_session):
            response = view(request, *args, **kwargs)
            patch_vary_headers(response, VARY)
            patch_cache_control(response, **CACHE_CONTROL)
            return response
        version, changed_at = content_version()
        key = f"{'htmx' if is_htmx(request) else 'page'}:{name}:{request.get_full_path()}"
        etag = _etag(version, key)
        if etag in request.META.get("HTTP_IF_NONE_MATCH", ""):
            return _with_headers(HttpResponseNotModified(), etag, changed_at, fresh=True)
        cache_key = f"stressed:page:{version}:{hashlib.sha256(key.encode()).hexdigest()}"
        cached = cache.get(cache_key)
        if cached is not None:
            content, content_type = cached
            if PLACEHOLDER in content:
                content = content.replace(PLACEHOLDER, get_token(request).encode())
            response = HttpResponse(content, content_type=content_type)
            return _with_headers(response, etag, changed_at, fresh=True)
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not getattr(response, "streaming", False):
            if hasattr(response, "render") and callable(response.render):
                response.render()
            content = response.content
            token = CSRF_INPUT.search(content)
            if token:
                content = content.replace(token.group(1), PLACEHOLDER)
            cache.set(cache_key, (content, response["Content-Type"]), PAGE_TIMEOUT)
            _with_headers(response, etag, changed_at)
        return response

    return wrapped
