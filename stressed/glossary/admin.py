from django.contrib import admin
from markdownx.admin import MarkdownxModelAdmin

from stressed.core.adminforms import SafeFormsMixin
from stressed.glossary.models import Term


@admin.register(Term)
class TermAdmin(SafeFormsMixin, MarkdownxModelAdmin):
    text_limits = {"aliases": 2_000, "references": 10_000}  # definition: the Markdown limit
    list_display = ("name", "category", "short", "edited_in_admin")
    list_filter = ("category",)
    search_fields = ("name", "aliases", "short", "definition")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("related",)
    readonly_fields = ("edited_in_admin", "updated_at")
    fields = (
        "name",
        "slug",
        "category",
        "aliases",
        "short",
        "definition",
        "related",
        "references",
        "edited_in_admin",
        "updated_at",
    )

    def save_model(self, request, obj, form, change):
        obj.edited_in_admin = True
        super().save_model(request, obj, form, change)
