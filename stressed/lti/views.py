"""LTI 1.3 endpoints: OIDC login, launch, deep linking, the JWKS, and the pages for admins
(what to paste into the LMS) and instructors (the launched quiz, grade posts)."""

import json
import secrets
from datetime import timedelta
from urllib.parse import urlencode, urlsplit

from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from pylti1p3.deep_link import DeepLink
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.exception import LtiException, OIDCException
from pylti1p3.lineitem import LineItem

from stressed.core.permissions import staff_permission_required
from stressed.core.views import error_page
from stressed.lessons.models import Lesson
from stressed.lti import keys, tool
from stressed.lti.frame import (
    allow_framing,
    cross_site_cookie_options,
    framing_origins,
    registered_origins,
    remember_frame,
)
from stressed.lti.grades import MAX_TRIES, SCORE_MAXIMUM
from stressed.lti.launch import (
    DEEP_LINK_SESSION_KEY,
    SESSION_KEY,
    Claims,
    LaunchRefused,
    account_for,
    record_grade_target,
    record_role,
    resource_for,
    session_launch,
)
from stressed.lti.models import ContextRole, GradePost, Platform, SpentToken, origin_of
from stressed.quizzes.grading import correct_answer_text
from stressed.quizzes.models import Quiz
from stressed.quizzes.statistics import quiz_statistics

LOGIN_PARAMS = (
    "iss",
    "login_hint",
    "target_link_uri",
    "lti_message_hint",
    "client_id",
    "lti_deployment_id",
)
COOKIE_CHECK = "stressed_lti_cookies"
COOKIE_CHECK_MAX_AGE = 365 * 24 * 3600
LOGIN_SALT = "stressed.lti.login"
TOKEN_MAX_AGE = 60  # seconds: the "open in a new window" token, and the cookie check's
LOGIN_BACKEND = "django.contrib.auth.backends.ModelBackend"


def refuse(request, status, message, origins=None):
    """A clear 4xx the LMS frame may show (the site's pages are otherwise not framable)."""
    response = error_page(request, status, "This launch did not work", message)
    return allow_framing(response, registered_origins() if origins is None else origins)


# OIDC login initiation ---------------------------------------------------------------------


def redirect_uri(request, target_link_uri):
    """Where the platform posts the id_token: our deep-linking URL when it asked for that,
    else the launch URL (never the target itself, which may be a lesson page)."""
    deep_link = reverse("lti-deep-link")
    path = deep_link if urlsplit(target_link_uri).path == deep_link else reverse("lti-launch")
    return request.build_absolute_uri(path)


def login_token(params):
    return signing.dumps({**params, "jti": secrets.token_hex(16)}, salt=LOGIN_SALT)


def read_login_token(token):
    try:
        params = signing.loads(token or "", salt=LOGIN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:  # SignatureExpired is one
        return None
    return params if isinstance(params, dict) else None


def mark_cookies_work(response, request):
    """Set the cookie whose return shows this browser keeps our cookies in the LMS frame."""
    options = cross_site_cookie_options(request)
    response.set_cookie(COOKIE_CHECK, "1", max_age=COOKIE_CHECK_MAX_AGE, **options)


def start_oidc(request, params):
    """Send the browser to the platform's authentication URL with a fresh state (in a cookie)
    and nonce (in the database)."""
    try:
        response = tool.oidc_login(request, params).redirect(
            redirect_uri(request, params["target_link_uri"])
        )
    except (OIDCException, LtiException) as error:
        return refuse(request, 400, f"The login request was refused: {error}.")
    mark_cookies_work(response, request)
    return response


# The platform sends this from its own site (a cross-site form POST or GET): it carries no
# CSRF token of ours and cannot. What protects the login instead is what starts here and is
# checked at the launch: the state in a cookie, the single-use nonce, and the platform's
# signature on the id_token.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def login(request):
    source = request.POST if request.method == "POST" else request.GET
    params = {key: source[key] for key in LOGIN_PARAMS if source.get(key)}
    missing = [key for key in ("iss", "login_hint", "target_link_uri") if key not in params]
    if missing:
        return refuse(request, 400, f"The login request lacks: {', '.join(missing)}.")
    platform = tool.find_platform(params["iss"], params.get("client_id"))
    if platform is None:
        return refuse(request, 400, "This LMS is not registered with this site.")
    if COOKIE_CHECK in request.COOKIES:
        return start_oidc(request, params)
    # Does this browser keep our cookies inside the LMS frame? Set one and look for it.
    url = reverse("lti-login-continue") + "?" + urlencode({"t": login_token(params)})
    response = redirect(url)
    mark_cookies_work(response, request)
    return response


@require_safe
def login_continue(request):
    params = read_login_token(request.GET.get("t"))
    if params is None:
        return refuse(request, 400, "This login link has expired. Open the activity again.")
    platform = tool.find_platform(params.get("iss"), params.get("client_id"))
    if platform is None:
        return refuse(request, 400, "This LMS is not registered with this site.")
    if COOKIE_CHECK in request.COOKIES:
        return start_oidc(request, params)
    # The browser blocks our cookies in the frame: offer a window of our own, where they are
    # first-party. The button re-runs the login there with a one-time, 60-second token.
    response = render(
        request,
        "lti/open_window.html",
        {"token": login_token(params), "platform": platform},
    )
    # The form's answer redirects to the platform: browsers hold redirects after a form to
    # its CSP form-action too.
    auth_origin = origin_of(platform.auth_url)
    return allow_framing(response, platform.origins(), **{"form-action": [auth_origin]})


# A form of ours posts this into a new window, but from inside the LMS frame, where the
# browser refused our cookies: there is no CSRF cookie to check against. The signed,
# one-time token, valid for 60 seconds, is what protects it.
@csrf_exempt
@require_POST
def login_new_window(request):
    params = read_login_token(request.POST.get("t"))
    if params is None or "jti" not in params:
        return refuse(request, 400, "This link has expired. Open the activity again in your LMS.")
    # Spent tokens older than a token's life can go: they no longer verify anyway.
    SpentToken.objects.filter(created_at__lt=timezone.now() - timedelta(minutes=5)).delete()
    try:
        with transaction.atomic():
            SpentToken.objects.create(jti=str(params.pop("jti"))[:64])
    except IntegrityError:
        return refuse(request, 400, "This link was already used. Open the activity again.")
    if tool.find_platform(params.get("iss"), params.get("client_id")) is None:
        return refuse(request, 400, "This LMS is not registered with this site.")
    return start_oidc(request, params)


# Launch ------------------------------------------------------------------------------------


# The platform posts the id_token from its own site (OIDC form_post), without any CSRF token
# of ours. It is protected by the state cookie set at login, the single-use nonce and the
# platform's signature, all checked before anything is written.
@csrf_exempt
@require_POST
def launch(request):
    message = tool.message_launch(request)
    try:
        message.validate()
        body = message.get_launch_data()
    except (LtiException, ValueError, KeyError, TypeError) as error:
        return refuse(request, 400, f"The launch could not be verified: {error}.")
    claims = Claims(dict(body), message.get_tool_conf().platform)
    try:
        if claims.message_type == "LtiDeepLinkingRequest":
            return deep_link_launch(request, claims)
        if claims.message_type != "LtiResourceLinkRequest":
            raise LaunchRefused(400, "This site supports resource links and deep linking only.")
        return resource_launch(request, claims)
    except LaunchRefused as refusal:
        return refuse(request, refusal.status, str(refusal), claims.frame_origins())


def sign_in(request, claims, **session):
    """The account for this LMS user, logged in, with what was launched in the session."""
    with transaction.atomic():
        user = account_for(claims)
        record_role(user, claims)
    auth_login(request, user, backend=LOGIN_BACKEND)
    request.session[SESSION_KEY] = {
        "platform": claims.platform.pk,
        "context": claims.context_id,
        "context_title": claims.context_title,
        "role": claims.role,
        **session,
    }
    return user


def resource_launch(request, claims):
    kind, resource = resource_for(claims)  # before anything is written
    quiz_id = resource.pk if kind == "quiz" else None
    user = sign_in(request, claims, kind=kind, id=resource.pk, quiz=quiz_id)
    destination = resource.get_absolute_url()
    if kind == "quiz":
        if claims.role == ContextRole.Role.LEARNER:
            record_grade_target(user, resource, claims)
        elif claims.role == ContextRole.Role.INSTRUCTOR:
            destination = reverse("lti-teach")
    response = redirect(destination)
    remember_frame(response, request, user, claims.frame_origins())
    return response


def deep_link_launch(request, claims):
    if claims.role != ContextRole.Role.INSTRUCTOR:
        raise LaunchRefused(403, "Only a course's instructors can add lessons and quizzes to it.")
    settings = claims.claim(tool.DEEP_LINKING_SETTINGS)
    user = sign_in(request, claims, kind="deep-link")
    request.session[DEEP_LINK_SESSION_KEY] = {
        "platform": claims.platform.pk,
        "deployment_id": claims.deployment_id,
        "settings": settings,
    }
    response = redirect("lti-deep-link-choose")
    remember_frame(response, request, user, claims.frame_origins())
    return response


# Deep linking ------------------------------------------------------------------------------


def deep_link_choices():
    return {
        "lesson": list(Lesson.objects.filter(published=True)),
        "quiz": list(Quiz.objects.filter(published=True).select_related("lesson")),
    }


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def deep_link_choose(request):
    data = request.session.get(DEEP_LINK_SESSION_KEY)
    if not isinstance(data, dict):
        raise PermissionDenied("Open this page from your LMS's 'add activity' dialog.")
    settings = data.get("settings") or {}
    multiple = str(settings.get("accept_multiple", True)).lower() != "false"
    choices = deep_link_choices()
    context = {"choices": choices, "multiple": multiple, "title": settings.get("title", "")}
    if request.method != "POST":
        return render(request, "lti/deep_link.html", context)
    by_value = {f"{kind}:{obj.slug}": (kind, obj) for kind, objs in choices.items() for obj in objs}
    picked = [by_value[v] for v in request.POST.getlist("item") if v in by_value]
    error = ""
    if not picked:
        error = "Choose at least one lesson or quiz."
    elif len(picked) > 1 and not multiple:
        error = "Your LMS takes one item at a time here: choose one."
    if error:
        context.update(error=error, chosen=set(request.POST.getlist("item")))
        return render(request, "lti/deep_link.html", context, status=422)
    platform = Platform.objects.filter(pk=data.get("platform"), active=True).first()
    if platform is None:
        raise PermissionDenied("This LMS is no longer registered.")
    launch_url = request.build_absolute_uri(reverse("lti-launch"))
    items = [content_item(kind, obj, launch_url) for kind, obj in picked]
    deep_link = DeepLink(tool.registration_for(platform), data["deployment_id"], settings)
    jwt = deep_link.get_response_jwt(items)
    del request.session[DEEP_LINK_SESSION_KEY]  # one response per request from the LMS
    return_url = settings.get("deep_link_return_url", "")
    response = render(
        request,
        "lti/deep_link_return.html",
        {"return_url": return_url, "jwt": jwt, "picked": [obj for _, obj in picked]},
    )
    # The form posts to the LMS: the only other place a form here may go.
    return allow_framing(
        response, framing_origins(request) or [], **{"form-action": [origin_of(return_url)]}
    )


def content_item(kind, obj, launch_url):
    item = (
        DeepLinkResource()
        .set_url(launch_url)
        .set_title(obj.title)
        .set_custom_params({"resource": f"{kind}:{obj.slug}"})
    )
    if kind == "quiz":
        item.set_lineitem(
            LineItem()
            .set_score_maximum(SCORE_MAXIMUM)
            .set_label(obj.title)
            .set_resource_id(f"quiz:{obj.slug}")
            .set_tag("stressed-quiz")
        )
    return item


# Public key set ------------------------------------------------------------------------------


@require_safe
def jwks(request):
    return JsonResponse(keys.jwks())


# Pages for admins and instructors ------------------------------------------------------------


@staff_permission_required("lti.view_lti_setup")
@require_safe
def setup(request):
    """What an LMS admin pastes into the LMS: staff with the permission (superusers have it)."""
    urls = {
        "login": request.build_absolute_uri(reverse("lti-login")),
        "launch": request.build_absolute_uri(reverse("lti-launch")),
        "deep_link": request.build_absolute_uri(reverse("lti-deep-link")),
        "jwks": request.build_absolute_uri(reverse("lti-jwks")),
    }
    domain = urlsplit(urls["launch"]).hostname
    canvas = {
        "title": "stressed",
        "description": "Lessons and quizzes on the human stress response.",
        "oidc_initiation_url": urls["login"],
        "target_link_uri": urls["launch"],
        "public_jwk_url": urls["jwks"],
        "scopes": [tool.SCORE_SCOPE, "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"],
        "extensions": [
            {
                "domain": domain,
                "platform": "canvas.instructure.com",
                "privacy_level": "public",
                "settings": {
                    "placements": [
                        {
                            "placement": "link_selection",
                            "message_type": "LtiDeepLinkingRequest",
                            "target_link_uri": urls["deep_link"],
                        },
                        {
                            "placement": "assignment_selection",
                            "message_type": "LtiDeepLinkingRequest",
                            "target_link_uri": urls["deep_link"],
                        },
                    ]
                },
            }
        ],
    }
    context = {
        "urls": urls,
        "key": keys.published_keys().filter(status="current").first(),
        "previous": keys.published_keys().filter(status="previous").first(),
        "platforms": Platform.objects.prefetch_related("deployments"),
        "canvas_json": json.dumps(canvas, indent=2),
    }
    return render(request, "lti/setup.html", context)


@login_required
@require_safe
def teach(request):
    """The launched quiz, for an instructor of the course it was launched from: its questions
    with their answers, and its statistics. Grants nothing beyond this quiz and session."""
    launched = session_launch(request)
    if launched.get("role") != ContextRole.Role.INSTRUCTOR or not launched.get("quiz"):
        raise PermissionDenied("Launch a quiz from your LMS as its instructor to see this page.")
    quiz = Quiz.objects.filter(pk=launched["quiz"]).select_related("lesson").first()
    if quiz is None:
        raise PermissionDenied("That quiz no longer exists.")
    questions = [
        (question, correct_answer_text(question, list(question.choices.all())))
        for question in quiz.questions.live().prefetch_related("choices")
    ]
    context = {
        "quiz": quiz,
        "questions": questions,
        "stats": quiz_statistics(quiz),
        "course": launched.get("context_title") or launched.get("context"),
    }
    return render(request, "lti/teach.html", context)


@login_required
@require_safe
def grade_posts(request):
    """Scores sent (or owed) to LMSs: every one for those allowed to see grade posts, else
    those of the courses where the user is an instructor."""
    posts = GradePost.objects.select_related("target__quiz", "target__user", "target__platform")
    if not request.user.has_perm("lti.view_gradepost"):
        courses = ContextRole.objects.filter(
            user=request.user, role=ContextRole.Role.INSTRUCTOR
        ).values_list("platform_id", "context_id")
        if not courses:
            raise PermissionDenied("Only a course's instructors see its grade posts.")
        mine = Q(pk__in=[])
        for platform_id, context_id in courses:
            mine |= Q(target__platform_id=platform_id, target__context_id=context_id)
        posts = posts.filter(mine)
    return render(request, "lti/grade_posts.html", {"posts": posts[:500], "max_tries": MAX_TRIES})
