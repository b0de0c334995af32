"""Showing the site inside an LMS frame.

Everywhere else the site refuses to be framed (X-Frame-Options: DENY, CSP frame-ancestors
'none'). After a launch, the browser carries a signed cookie naming the user and the platform
origins that may frame the site for them; for that user only, responses may be framed by those
origins and no other."""

import json

from csp.utils import build_policy
from django.core import signing

from stressed.lti.models import Platform

FRAME_COOKIE = "stressed_lti_frame"
FRAME_SALT = "stressed.lti.frame"
FRAME_MAX_AGE = 12 * 60 * 60  # an LMS session's length; a new launch renews it
CSP_HEADER = "Content-Security-Policy"


def cross_site_cookie_options(request):
    """Cookies a platform's frame or cross-site POST must carry: SameSite=None needs Secure,
    which needs HTTPS; over plain HTTP (development) they are Lax and work top-level only."""
    secure = request.is_secure()
    return {"secure": secure, "httponly": True, "samesite": "None" if secure else "Lax"}


def remember_frame(response, request, user, origins):
    value = json.dumps({"u": user.pk, "o": sorted(origins)})
    response.set_signed_cookie(
        FRAME_COOKIE,
        value,
        salt=FRAME_SALT,
        max_age=FRAME_MAX_AGE,
        **cross_site_cookie_options(request),
    )


def framing_origins(request):
    """The origins that may frame this response for this user, or None."""
    if FRAME_COOKIE not in request.COOKIES:
        return None
    try:
        raw = request.get_signed_cookie(FRAME_COOKIE, salt=FRAME_SALT, max_age=FRAME_MAX_AGE)
        data = json.loads(raw)
    except (signing.BadSignature, ValueError):
        return None
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated and user.pk == data.get("u")):
        return None  # logged out, or someone else: the site is not framed for them
    return [origin for origin in data.get("o", []) if isinstance(origin, str)]


def allow_framing(response, origins, **update):
    """Let `origins` frame this response (and apply any other CSP `update`)."""
    response.xframe_options_exempt = True
    if "X-Frame-Options" in response:
        del response["X-Frame-Options"]
    response[CSP_HEADER] = build_policy(
        replace={"frame-ancestors": list(origins) or ["'none'"]}, update=update or None
    )
    return response


def registered_origins():
    """Every active platform's origins: for pages shown before we know who launched (the
    login's "open in a new window" page, launch errors)."""
    origins = []
    for platform in Platform.objects.filter(active=True):
        origins += platform.origins()
    return list(dict.fromkeys(origins))


class LtiFrameMiddleware:
    """Sits above XFrameOptionsMiddleware and the CSP middleware, so it sees their headers."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.default_policy = None

    def __call__(self, request):
        response = self.get_response(request)
        origins = framing_origins(request)
        if origins:
            if self.default_policy is None:
                self.default_policy = build_policy()
            # A view that wrote its own policy (the deep-linking return) already framed itself.
            if response.get(CSP_HEADER, self.default_policy) == self.default_policy:
                allow_framing(response, origins)
        return response
