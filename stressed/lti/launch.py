"""What a validated launch does on this site: the account, the course role, what was launched,
and where the student's grade goes. Called only after PyLTI1p3 has checked the id_token."""

import hashlib
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import Resolver404, resolve

from stressed.lessons.models import Lesson
from stressed.lti import tool
from stressed.lti.models import ContextRole, GradeTarget, LtiIdentity, origin_of
from stressed.quizzes.models import Quiz

SESSION_KEY = "lti"
DEEP_LINK_SESSION_KEY = "lti_deep_link"


class LaunchRefused(Exception):
    """A launch that passed the signature checks but that the site will not honour."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


@dataclass
class Claims:
    """The parts of a validated id_token the site uses."""

    body: dict
    platform: object

    @property
    def issuer(self):
        return self.body["iss"]

    @property
    def sub(self):
        return self.body["sub"]

    @property
    def deployment_id(self):
        return self.body[tool.DEPLOYMENT_ID]

    @property
    def message_type(self):
        return self.body.get(tool.MESSAGE_TYPE)

    @property
    def roles(self):
        roles = self.body.get(tool.ROLES) or []
        return {role for role in roles if isinstance(role, str)}

    @property
    def role(self):
        if self.roles & tool.INSTRUCTOR_ROLES:
            return ContextRole.Role.INSTRUCTOR
        if self.roles & tool.LEARNER_ROLES:
            return ContextRole.Role.LEARNER
        return ContextRole.Role.OTHER

    def claim(self, name):
        value = self.body.get(name)
        return value if isinstance(value, dict) else {}

    @property
    def context_id(self):
        # A launch outside a course (no context claim) gets one per deployment.
        context = self.claim(tool.CONTEXT).get("id") or f"deployment:{self.deployment_id}"
        return str(context)[:255]

    @property
    def context_title(self):
        return str(self.claim(tool.CONTEXT).get("title") or "")[:255]

    def frame_origins(self):
        """The registered origins, plus the platform's own origin as it signed it in this
        launch (Canvas frames from the school's host, not from its issuer)."""
        named = [
            self.claim(tool.LAUNCH_PRESENTATION).get("return_url"),
            self.claim(tool.DEEP_LINKING_SETTINGS).get("deep_link_return_url"),
        ]
        origins = self.platform.origins() + [origin_of(url) for url in named if url]
        return [origin for origin in dict.fromkeys(origins) if origin]


def username_for(issuer, sub):
    digest = hashlib.sha256(f"{issuer}\n{sub}".encode()).hexdigest()[:24]
    return f"lti-{digest}"


def account_for(claims):
    """The site account of this LMS user: found by (issuer, sub), never by email; made on the
    first launch, with an unusable password (they sign in through their LMS)."""
    identity = (
        LtiIdentity.objects.select_related("user")
        .filter(issuer=claims.issuer, sub=claims.sub)
        .first()
    )
    if identity is not None:
        identity.save(update_fields=["last_launch_at"])
        return identity.user
    User = get_user_model()
    try:
        with transaction.atomic():
            user = User(
                username=username_for(claims.issuer, claims.sub),
                first_name=str(claims.body.get("given_name") or "")[:150],
                last_name=str(claims.body.get("family_name") or "")[:150],
            )
            user.set_unusable_password()
            user.save()
            LtiIdentity.objects.create(issuer=claims.issuer, sub=claims.sub, user=user)
            return user
    except IntegrityError:
        # A simultaneous first launch made it.
        return LtiIdentity.objects.get(issuer=claims.issuer, sub=claims.sub).user


def record_role(user, claims):
    ContextRole.objects.update_or_create(
        user=user,
        platform=claims.platform,
        context_id=claims.context_id,
        defaults={"role": claims.role, "context_title": claims.context_title},
    )


def resource_for(claims):
    """(kind, object) the link points at: the `resource` custom parameter our deep-linking
    items carry ("quiz:slug" or "lesson:slug"), else a lesson or quiz URL of this site given
    as the tool URL. Published ones only: the LMS decides who sees them, not our drafts."""
    reference = claims.claim(tool.CUSTOM).get("resource")
    if isinstance(reference, str) and ":" in reference:
        kind, slug = reference.split(":", 1)
    else:
        try:
            match = resolve(urlsplit(str(claims.body.get(tool.TARGET_LINK_URI, ""))).path)
        except Resolver404:
            match = None
        kind = match.url_name if match else ""
        slug = match.kwargs.get("slug", "") if match else ""
    models = {"quiz": Quiz, "lesson": Lesson}
    if kind not in models:
        raise LaunchRefused(404, "This link does not point to a lesson or quiz of this site.")
    found = models[kind].objects.filter(slug=slug, published=True).first()
    if found is None:
        raise LaunchRefused(404, "The lesson or quiz this link points to is not published.")
    return kind, found


def record_grade_target(user, quiz, claims):
    """Remember where this student's score on this quiz goes, for this course."""
    endpoint = claims.claim(tool.AGS_ENDPOINT)
    scopes = endpoint.get("scope") or []
    lineitem = endpoint.get("lineitem")
    if not (isinstance(lineitem, str) and lineitem and tool.SCORE_SCOPE in scopes):
        return None  # the platform wants no grade for this link
    target, _ = GradeTarget.objects.update_or_create(
        user=user,
        quiz=quiz,
        platform=claims.platform,
        context_id=claims.context_id,
        defaults={
            "context_title": claims.context_title,
            "deployment_id": claims.deployment_id,
            "resource_link_id": str(claims.claim(tool.RESOURCE_LINK).get("id", ""))[:255],
            "sub": claims.sub,
            "lineitem_url": lineitem,
        },
    )
    return target


def session_launch(request):
    """What the current session was launched for, or {}."""
    data = request.session.get(SESSION_KEY) if request.user.is_authenticated else None
    return data if isinstance(data, dict) else {}
