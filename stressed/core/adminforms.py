"""Limits the admin's forms enforce without touching the models (no migrations).

- Text: a maximum length per field (`text_limits`), shown as `maxlength` in the browser and
  checked on the server; Markdown fields default to `stressed.markdown`'s limits.
- Ids: a related-object id must be an integer the database can hold (64-bit). Django passes
  "99999999999999999999" straight to the query, and SQLite raises OverflowError: a 500.
- Inline formsets: at most `max_num` forms; a larger TOTAL_FORMS is a form error at once
  (Django otherwise builds max_num + 1000 forms before it complains).
"""

from django import forms
from django.core.validators import MaxLengthValidator
from markdownx.models import MarkdownxField

from stressed.markdown import MAX_FRAGMENT_LENGTH

BIGINT_MIN, BIGINT_MAX = -(2**63), 2**63 - 1
INLINE_MAX_FORMS = 50


def out_of_range(value):
    """True if `value` reads as an integer no 64-bit database column can hold."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return False  # not an integer at all: Django's own check reports it
    return not BIGINT_MIN <= number <= BIGINT_MAX


class BoundedModelChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        if value not in self.empty_values and out_of_range(value):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def clean(self, value):
        if isinstance(value, list | tuple):
            for item in value:
                if out_of_range(item):
                    raise forms.ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": str(item)[:30]},
                    )
        return super().clean(value)


class SafeFormsMixin:
    """For ModelAdmin and InlineModelAdmin classes: bounded ids and text lengths.

    `text_limits` maps a field name to its maximum length in characters; every Markdown
    (MarkdownxField) field not named there gets MAX_FRAGMENT_LENGTH.
    """

    text_limits = {}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", BoundedModelChoiceField)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", BoundedModelMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        limit = self.text_limits.get(db_field.name)
        if limit is None and isinstance(db_field, MarkdownxField):
            limit = MAX_FRAGMENT_LENGTH
        if field is not None and limit is not None:
            limit_length(field, limit)
        return field


def limit_length(field, limit):
    field.max_length = limit
    field.validators.append(MaxLengthValidator(limit))
    field.widget.attrs["maxlength"] = str(limit)


class BoundedInlineMixin(SafeFormsMixin):
    """For inlines: at most INLINE_MAX_FORMS forms (or the inline's own `max_num`)."""

    max_num = INLINE_MAX_FORMS

    def get_formset(self, request, obj=None, **kwargs):
        kwargs.setdefault("absolute_max", self.max_num)
        return super().get_formset(request, obj, **kwargs)
