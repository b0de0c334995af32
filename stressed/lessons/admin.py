from django.contrib import admin
from markdownx.admin import MarkdownxModelAdmin

from stressed.core.adminforms import BoundedInlineMixin, SafeFormsMixin
from stressed.lessons.models import Lesson, Reference
from stressed.lessons.services import publish_lesson
from stressed.markdown import MAX_DOCUMENT_LENGTH


class ReferenceInline(BoundedInlineMixin, admin.TabularInline):
    model = Reference
    text_limits = {"citation": 2_000}
    extra = 0
    fields = ("order", "label", "citation", "doi")


@admin.register(Lesson)
class LessonAdmin(SafeFormsMixin, MarkdownxModelAdmin):
    text_limits = {
        "body": MAX_DOCUMENT_LENGTH,
        "summary": 1_000,
        "objectives": 3_000,
        "key_points": 3_000,
    }
    list_display = ("order", "title", "published", "last_reviewed", "edited_in_admin")
    list_display_links = ("title",)
    list_editable = ("order", "published")
    list_filter = ("published",)
    search_fields = ("title", "summary", "body")
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("key_terms",)
    inlines = [ReferenceInline]
    readonly_fields = ("edited_in_admin", "updated_at")
    fieldsets = (
        (None, {"fields": ("title", "slug", "order", "published", "last_reviewed")}),
        ("Teaching", {"fields": ("summary", "objectives", "key_points", "key_terms")}),
        ("Body", {"fields": ("body",)}),
        ("Source", {"fields": ("edited_in_admin", "updated_at"), "classes": ("collapse",)}),
    )

    def save_model(self, request, obj, form, change):
        obj.edited_in_admin = True  # the content loader will now keep this version
        publish_lesson(obj)
