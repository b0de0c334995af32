from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from markdownx.admin import MarkdownxModelAdmin

from stressed.content.quizzes import ChoiceData, QuestionData, check_question
from stressed.quizzes.models import Attempt, Choice, Question, Quiz


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = ("order", "type", "title", "prompt", "review_anchor", "edit_link")
    readonly_fields = ("edit_link",)
    show_change_link = True
    formfield_overrides = {
        # A compact prompt box in the list; the full Markdown editor is on the question page.
        Question._meta.get_field("prompt").__class__: {
            "widget": forms.Textarea(attrs={"rows": 2, "cols": 50})
        },
    }

    @admin.display(description="Options")
    def edit_link(self, question):
        if not question.pk:
            return "Save first, then add options."
        url = reverse("admin:quizzes_question_change", args=[question.pk])
        return format_html(
            '<a href="{}">Edit question and its {} options</a>', url, question.choices.count()
        )


@admin.register(Quiz)
class QuizAdmin(MarkdownxModelAdmin):
    list_display = ("title", "lesson", "published", "question_count", "links")
    list_filter = ("published", "lesson")
    search_fields = ("title", "intro")
    prepopulated_fields = {"slug": ("title",)}
    inlines = [QuestionInline]
    readonly_fields = ("edited_in_admin", "updated_at")
    change_list_template = "admin/quizzes/quiz/change_list.html"  # adds "Import GIFT"

    @admin.display(description="Questions")
    def question_count(self, quiz):
        return quiz.questions.count()

    @admin.display(description="Links")
    def links(self, quiz):
        return format_html(
            '<a href="{}">Preview as a student</a> · <a href="{}">Statistics</a> · '
            '<a href="{}">Export GIFT</a>',
            reverse("quiz-preview", args=[quiz.slug]),
            reverse("quiz-statistics", args=[quiz.slug]),
            reverse("gift-export", args=[quiz.slug]),
        )

    def save_model(self, request, obj, form, change):
        obj.edited_in_admin = True
        super().save_model(request, obj, form, change)


class ChoiceFormSet(forms.BaseInlineFormSet):
    """Validates the question and its options together, with the same rules as the loader."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        # The admin builds this formset on the question as just validated, type included.
        question_type = self.instance.type
        choices = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE"):
                continue
            choices.append(
                ChoiceData(
                    text=data.get("text") or "",
                    fraction=data.get("fraction") or 0.0,
                    match_text=data.get("match_text") or "",
                    value=data.get("value"),
                    tolerance=data.get("tolerance"),
                    min_value=data.get("min_value"),
                    max_value=data.get("max_value"),
                )
            )
        problems = check_question(QuestionData(type=question_type, prompt="-", choices=choices))
        if problems:
            raise forms.ValidationError([p[0].upper() + p[1:] + "." for p in problems])


class ChoiceInline(admin.StackedInline):
    model = Choice
    formset = ChoiceFormSet
    extra = 0
    fieldsets = (
        (None, {"fields": (("order", "fraction"), "text", "feedback", "misconception")}),
        (
            "Numeric and matching",
            {"fields": ("match_text", ("value", "tolerance"), ("min_value", "max_value"))},
        ),
    )


@admin.register(Question)
class QuestionAdmin(MarkdownxModelAdmin):
    list_display = ("__str__", "quiz", "type", "order")
    list_filter = ("type", "quiz")
    search_fields = ("prompt", "title")
    inlines = [ChoiceInline]
    fields = ("quiz", "order", "type", "title", "prompt", "explanation", "review_anchor")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        Quiz.objects.filter(pk=form.instance.quiz_id).update(edited_in_admin=True)


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ("pk", "quiz", "user", "started_at", "finished_at", "score")
    list_filter = ("quiz",)
    readonly_fields = (
        "quiz",
        "user",
        "session_key",
        "question_ids",
        "started_at",
        "finished_at",
        "score",
    )

    def has_add_permission(self, request):
        return False
