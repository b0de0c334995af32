from django.contrib import admin, messages
from django.db import models
from django.urls import reverse
from django.utils.html import format_html

from stressed.lti import grades
from stressed.lti.models import (
    ContextRole,
    Deployment,
    GradePost,
    LtiIdentity,
    Platform,
    ToolKey,
)


class DeploymentInline(admin.TabularInline):
    model = Deployment
    extra = 1


@admin.register(Platform)
class PlatformAdmin(admin.ModelAdmin):
    list_display = ["name", "issuer", "client_id", "active"]
    list_filter = ["active"]
    search_fields = ["name", "issuer", "client_id"]
    inlines = [DeploymentInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["name", "active"]}),
        (
            "What the LMS shows you",
            {
                "description": "Copy these from the LMS after adding the tool there. What to "
                "paste into the LMS is on the set-up page.",
                "fields": [
                    "issuer",
                    "client_id",
                    "auth_url",
                    "token_url",
                    "token_audience",
                    "jwks_url",
                ],
            },
        ),
        ("Framing", {"fields": ["frame_origins"]}),
    ]

    def changelist_view(self, request, extra_context=None):
        if request.user.has_perm("lti.view_lti_setup"):
            self.message_user(
                request,
                format_html(
                    'The URLs and public key to paste into an LMS: <a href="{}">LTI set-up</a>.',
                    reverse("lti-setup"),
                ),
                messages.INFO,
            )
        return super().changelist_view(request, extra_context)


@admin.register(ToolKey)
class ToolKeyAdmin(admin.ModelAdmin):
    """Read-only: keys are made and rotated by `manage.py lti_keys --rotate`."""

    list_display = ["kid", "status", "created_at"]
    list_filter = ["status"]
    fields = ["kid", "status", "created_at", "public_pem"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LtiIdentity)
class LtiIdentityAdmin(admin.ModelAdmin):
    list_display = ["sub", "issuer", "user", "last_launch_at"]
    list_filter = ["issuer"]
    search_fields = ["sub", "user__username"]
    raw_id_fields = ["user"]
    readonly_fields = ["created_at", "last_launch_at"]


@admin.register(ContextRole)
class ContextRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "context_title", "context_id", "platform", "updated_at"]
    list_filter = ["role", "platform"]
    search_fields = ["user__username", "context_title", "context_id"]
    raw_id_fields = ["user"]


@admin.action(description="Send again now")
def retry_now(modeladmin, request, queryset):
    queued = grades.requeue(queryset)
    sent, not_sent = grades.retry_due(limit=queued or None)
    modeladmin.message_user(request, f"Queued {queued}: {sent} sent, {not_sent} not sent.")


@admin.register(GradePost)
class GradePostAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "student",
        "quiz",
        "course",
        "score",
        "status",
        "attempts",
        "next_retry_at",
    ]
    list_filter = ["status", "target__platform", "target__quiz"]
    search_fields = ["target__user__username", "target__context_title", "target__sub"]
    readonly_fields = [
        "target",
        "attempt",
        "score_given",
        "score_maximum",
        "timestamp",
        "status",
        "attempts",
        "last_error",
        "next_retry_at",
        "sent_at",
        "created_at",
    ]
    actions = [retry_now]
    list_select_related = ["target__user", "target__quiz"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="student")
    def student(self, post):
        return post.target.user

    @admin.display(description="quiz")
    def quiz(self, post):
        return post.target.quiz

    @admin.display(description="course")
    def course(self, post):
        return post.target.context_title or post.target.context_id

    @admin.display(description="score")
    def score(self, post):
        return f"{post.score_given:g} / {post.score_maximum:g}"
