from django.contrib import admin
from markdownx.admin import MarkdownxModelAdmin

from stressed.lessons.models import Lesson, Reference


class ReferenceInline(admin.TabularInline):
    model = Reference
    extra = 0
    fields = ("order", "label", "citation", "doi")


@admin.register(Lesson)
class LessonAdmin(MarkdownxModelAdmin):
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
        super().save_model(request, obj, form, change)
