"""LTI 1.3: the platforms (LMSs) we trust, the tool's own keys, who launched what, and the
grades owed to each platform."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models


def origin_of(url):
    """scheme://host[:port] of a URL, or "" when it has none."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc}"


def validate_origins(value):
    for line in value.split():
        if origin_of(line) != line.rstrip("/"):
            raise ValidationError(f"{line!r} is not an origin such as https://school.example.org")


class Platform(models.Model):
    """One registration of this tool in one LMS (issuer + client id)."""

    name = models.CharField(max_length=200, help_text="For people, e.g. 'Moodle of our school'.")
    issuer = models.CharField(
        max_length=255,
        help_text="The platform's issuer (iss), exactly as it sends it, e.g. "
        "https://moodle.example.org or https://canvas.instructure.com.",
    )
    client_id = models.CharField(
        max_length=255, help_text="The client id the platform gave this tool."
    )
    auth_url = models.URLField(
        "OIDC authentication URL",
        max_length=500,
        help_text="Where the login is sent: Moodle …/mod/lti/auth.php, Canvas "
        "https://sso.canvaslms.com/api/lti/authorize_redirect.",
    )
    token_url = models.URLField(
        "access-token URL",
        max_length=500,
        help_text="Moodle …/mod/lti/token.php, Canvas https://sso.canvaslms.com/login/oauth2/token.",
    )
    token_audience = models.CharField(
        max_length=500,
        blank=True,
        help_text="Only if the platform asks for one: the audience of the token request. "
        "Empty means the access-token URL.",
    )
    jwks_url = models.URLField(
        "JWKS URL",
        max_length=500,
        help_text="The platform's public keys: Moodle …/mod/lti/certs.php, Canvas "
        "https://sso.canvaslms.com/api/lti/security/jwks.",
    )
    frame_origins = models.TextField(
        blank=True,
        validators=[validate_origins],
        help_text="Origins allowed to show this site in a frame, one per line, e.g. "
        "https://school.instructure.com. The issuer's origin and the origin the platform names "
        "in each launch are always allowed.",
    )
    active = models.BooleanField(default=True, help_text="Inactive platforms cannot launch.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "client_id"], name="one_platform_per_client")
        ]
        permissions = [("view_lti_setup", "Can see the LTI set-up page (URLs and public key)")]

    def __str__(self):
        return self.name

    def origins(self):
        found = [origin_of(self.issuer)] + [line.rstrip("/") for line in self.frame_origins.split()]
        return [origin for origin in dict.fromkeys(found) if origin]


class Deployment(models.Model):
    """A deployment id the platform uses for this tool; launches from others are refused."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="deployments")
    deployment_id = models.CharField(
        max_length=255,
        help_text="Moodle shows it in the tool's details; Canvas under the key's Deployment Id.",
    )

    class Meta:
        ordering = ["deployment_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "deployment_id"], name="one_deployment_per_platform"
            )
        ]

    def __str__(self):
        return self.deployment_id


class ToolKey(models.Model):
    """The tool's RSA key pair. The current key signs; the previous one stays in the JWKS
    during a rotation so platforms that cached it keep working."""

    class Status(models.TextChoices):
        CURRENT = "current", "Current (signs, in the JWKS)"
        PREVIOUS = "previous", "Previous (in the JWKS only)"
        RETIRED = "retired", "Retired"

    kid = models.CharField(max_length=100, unique=True, editable=False)
    public_pem = models.TextField(editable=False)
    private_pem = models.TextField(editable=False, help_text="Secret. Never shown.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CURRENT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["status"],
                condition=models.Q(status="current"),
                name="one_current_tool_key",
            )
        ]

    def __str__(self):
        return f"{self.kid} ({self.status})"


class LtiIdentity(models.Model):
    """An LMS user, (issuer, sub), linked to one site account. Never matched by email."""

    issuer = models.CharField(max_length=255)
    sub = models.CharField("subject", max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lti_identities"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_launch_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "LTI identity"
        verbose_name_plural = "LTI identities"
        constraints = [
            models.UniqueConstraint(fields=["issuer", "sub"], name="one_identity_per_subject")
        ]

    def __str__(self):
        return f"{self.sub} @ {self.issuer}"


class ContextRole(models.Model):
    """A user's role in one LMS course (context), from their latest launch there. It grants
    nothing site-wide: an instructor here is not staff."""

    class Role(models.TextChoices):
        INSTRUCTOR = "instructor", "Instructor"
        LEARNER = "learner", "Learner"
        OTHER = "other", "Other"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lti_roles"
    )
    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="roles")
    context_id = models.CharField(max_length=255)
    context_title = models.CharField(max_length=255, blank=True)
    role = models.CharField(max_length=12, choices=Role.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "platform", "context_id"], name="one_role_per_context"
            )
        ]

    def __str__(self):
        return f"{self.user} is {self.role} in {self.context_title or self.context_id}"


class GradeTarget(models.Model):
    """Where a student's score on a quiz goes: the line item of the launch, per course."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lti_grade_targets"
    )
    quiz = models.ForeignKey("quizzes.Quiz", on_delete=models.CASCADE, related_name="+")
    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="+")
    context_id = models.CharField(max_length=255)
    context_title = models.CharField(max_length=255, blank=True)
    deployment_id = models.CharField(max_length=255)
    resource_link_id = models.CharField(max_length=255, blank=True)
    sub = models.CharField("LMS user id (sub)", max_length=255)
    lineitem_url = models.URLField(max_length=1000)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "quiz", "platform", "context_id"], name="one_target_per_course"
            )
        ]

    def __str__(self):
        return f"{self.quiz} for {self.user} in {self.context_title or self.context_id}"


class GradePost(models.Model):
    """One score owed to a platform. Kept until sent; a failure is retried with back-off
    (`manage.py lti_retry_grades`, and after the next successful post to that platform)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed (gave up; retry from the admin)"

    target = models.ForeignKey(GradeTarget, on_delete=models.CASCADE, related_name="posts")
    attempt = models.ForeignKey(
        "quizzes.Attempt", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    score_given = models.FloatField()
    score_maximum = models.FloatField()
    timestamp = models.DateTimeField(help_text="When the attempt finished (the score's time).")
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveIntegerField(default=0, help_text="Tries so far.")
    last_error = models.TextField(blank=True)
    next_retry_at = models.DateTimeField(null=True, blank=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.score_given:g}/{self.score_maximum:g} → {self.target} ({self.status})"


class LoginNonce(models.Model):
    """A nonce sent with an OIDC login; deleted by the launch that uses it, so a replayed
    id_token is refused (the library only checks that a nonce was issued)."""

    value = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self):
        return self.value


class SpentToken(models.Model):
    """Ids of used one-time tokens ("open in a new window"), so each works once."""

    jti = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self):
        return self.jti
