from django import forms
from django.contrib import admin
from django.core.validators import MaxLengthValidator
from markdownx.admin import MarkdownxModelAdmin

from stressed.core.adminforms import SafeFormsMixin
from stressed.glossary.labels import SHORT_MAX, clashes, taken_labels
from stressed.glossary.models import Term


class TermForm(forms.ModelForm):
    """Refuses a name or alias that another term already uses (after normalisation), and a
    short definition longer than a popover holds."""

    class Meta:
        model = Term
        fields = (
            "name",
            "slug",
            "category",
            "aliases",
            "short",
            "definition",
            "related",
            "references",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "short" in self.fields:
            self.fields["short"].max_length = SHORT_MAX
            self.fields["short"].widget.attrs["maxlength"] = str(SHORT_MAX)
            self.fields["short"].validators.append(MaxLengthValidator(SHORT_MAX))

    def clean(self):
        cleaned = super().clean()
        name = cleaned.get("name")
        if name:
            aliases = [a.strip() for a in cleaned.get("aliases", "").splitlines() if a.strip()]
            problems = clashes(name, aliases, taken_labels(exclude_pk=self.instance.pk))
            if problems:
                raise forms.ValidationError(problems)
        return cleaned


@admin.register(Term)
class TermAdmin(SafeFormsMixin, MarkdownxModelAdmin):
    form = TermForm
    text_limits = {"aliases": 2_000, "references": 10_000}  # definition: the Markdown limit
    list_display = ("name", "category", "short", "edited_in_admin")
    list_filter = ("category",)
    search_fields = ("name", "aliases", "short", "definition")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("related",)
    readonly_fields = ("edited_in_admin", "updated_at")
    fields = (*TermForm.Meta.fields, "edited_in_admin", "updated_at")

    def save_model(self, request, obj, form, change):
        obj.edited_in_admin = True
        super().save_model(request, obj, form, change)
