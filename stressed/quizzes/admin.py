from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.urls import reverse
from django.utils.html import format_html
from markdownx.admin import MarkdownxModelAdmin

from stressed.content.lint import anchor_problem, lint_question, lint_quiz, question_data
from stressed.content.questions import ChoiceData, QuestionData
from stressed.core.adminforms import BoundedInlineMixin, SafeFormsMixin
from stressed.markdown import MAX_FRAGMENT_LENGTH
from stressed.quizzes.models import Attempt, Choice, Question, Quiz
from stressed.quizzes.types import check_question
from stressed.quizzes.writer import ANSWER_FIELDS


class QuestionForm(forms.ModelForm):
    """Refuses a review anchor that is not a heading id of the quiz's lesson."""

    def clean(self):
        cleaned = super().clean()
        quiz = cleaned.get("quiz") or (self.instance.quiz if self.instance.quiz_id else None)
        anchor = cleaned.get("review_anchor")
        if quiz is not None and quiz.lesson is not None and anchor:
            sections = set(quiz.lesson.section_ids())
            if message := anchor_problem(anchor, sections, quiz.lesson.slug):
                known = ", ".join(sorted(sections)) or "none"
                self.add_error(
                    "review_anchor",
                    f"{message[0].upper()}{message[1:]}. Its heading ids are: {known}.",
                )
        return cleaned


class QuestionInline(BoundedInlineMixin, admin.TabularInline):
    model = Question
    max_num = 100  # questions in one quiz; more is refused, not built
    form = QuestionForm
    extra = 0
    fields = ("order", "key", "type", "title", "prompt", "review_anchor", "edit_link")
    readonly_fields = ("edit_link",)
    show_change_link = True
    formfield_overrides = {
        # A compact prompt box in the list; the full Markdown editor is on the question page.
        Question._meta.get_field("prompt").__class__: {
            "widget": forms.Textarea(attrs={"rows": 2, "cols": 50})
        },
    }

    def get_queryset(self, request):
        # Retired versions are kept for their answers; the quiz page lists the live ones.
        return super().get_queryset(request).live()

    @admin.display(description="Options")
    def edit_link(self, question):
        if not question.pk:
            return "Save first, then add options."
        url = reverse("admin:quizzes_question_change", args=[question.pk])
        return format_html(
            '<a href="{}">Edit question and its {} options</a>', url, question.choices.count()
        )


@admin.register(Quiz)
class QuizAdmin(SafeFormsMixin, MarkdownxModelAdmin):
    list_display = ("title", "lesson", "published", "question_count", "links")
    list_filter = ("published", "lesson")
    search_fields = ("title", "intro")
    prepopulated_fields = {"slug": ("title",)}
    inlines = [QuestionInline]
    readonly_fields = ("edited_in_admin", "updated_at")
    change_list_template = "admin/quizzes/quiz/change_list.html"  # adds "Import GIFT"

    @admin.display(description="Questions")
    def question_count(self, quiz):
        return quiz.questions.live().count()

    @admin.display(description="Links")
    def links(self, quiz):
        return format_html(
            '<a href="{}">Preview as a student</a> · <a href="{}">Statistics</a> · '
            '<a href="{}">Export GIFT</a> · <a href="{}">Export Moodle XML</a>',
            reverse("quiz-preview", args=[quiz.slug]),
            reverse("quiz-statistics", args=[quiz.slug]),
            reverse("gift-export", args=[quiz.slug]),
            reverse("moodle-xml-export", args=[quiz.slug]),
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

            def value(name, data=data, form=form):
                # Answer fields are read-only once students answered: keep the stored value.
                return data[name] if name in data else getattr(form.instance, name)

            choices.append(
                ChoiceData(
                    text=value("text") or "",
                    fraction=value("fraction") or 0.0,
                    misconception=value("misconception") or "",
                    match_text=value("match_text") or "",
                    value=value("value"),
                    tolerance=value("tolerance"),
                    min_value=value("min_value"),
                    max_value=value("max_value"),
                )
            )
        question = QuestionData(
            type=question_type, prompt=self.instance.prompt or "-", choices=choices
        )
        problems = check_question(question)
        # Item-writing errors block saving too; warnings are shown above the saved form. (The
        # review anchor is checked on the question's own form, next to its field.)
        problems += [f.message for f in lint_question(question) if f.is_error]
        if problems:
            raise forms.ValidationError([p[0].upper() + p[1:] + "." for p in problems])


ANSWER_LOCKED = ANSWER_FIELDS  # what grading reads (see writer.py)


class ChoiceInline(BoundedInlineMixin, admin.StackedInline):
    model = Choice
    text_limits = {"text": MAX_FRAGMENT_LENGTH, "feedback": MAX_FRAGMENT_LENGTH}
    formset = ChoiceFormSet
    extra = 0

    def get_readonly_fields(self, request, obj=None):
        """Once students answered, the answers are read-only: changing them would re-mark
        stored answers. Feedback and misconception tags stay editable."""
        return ANSWER_LOCKED if has_answers(obj) else ()

    def has_add_permission(self, request, obj=None):
        return not has_answers(obj) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not has_answers(obj) and super().has_delete_permission(request, obj)

    fieldsets = (
        (None, {"fields": (("order", "fraction"), "text", "feedback", "misconception")}),
        (
            "Numeric, matching and ordering",
            {"fields": ("match_text", ("value", "tolerance"), ("min_value", "max_value"))},
        ),
    )


def has_answers(question):
    return question is not None and question.pk and question.responses.exists()


@admin.register(Question)
class QuestionAdmin(SafeFormsMixin, MarkdownxModelAdmin):
    list_display = ("__str__", "quiz", "key", "version", "type", "order", "retired")
    list_filter = ("retired", "type", "quiz")
    search_fields = ("prompt", "title", "key")
    inlines = [ChoiceInline]
    form = QuestionForm
    fields = (
        "quiz",
        "key",
        "version",
        "retired",
        "order",
        "type",
        "title",
        "prompt",
        "explanation",
        "review_anchor",
        "correct_feedback",
        "partial_feedback",
        "incorrect_feedback",
        "category",
    )

    def get_readonly_fields(self, request, obj=None):
        # What grading reads stays as the students saw it; a new version comes from the
        # question's file or GIFT (see docs/content-format.md).
        if has_answers(obj):
            return ("quiz", "key", "version", "retired", "type")
        return ("version", "retired")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        Quiz.objects.filter(pk=form.instance.quiz_id).update(edited_in_admin=True)
        self.warn_item_writing(request, form.instance)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            question = self.get_object(request, unquote(object_id))
            if question is not None:
                self.warn_item_writing(request, question)
        return super().change_view(request, object_id, form_url, extra_context)

    def warn_item_writing(self, request, question):
        """Item-writing warnings for `question` as messages, shown above the form; quiz-wide
        rules (cue words in false true/false items) look at the quiz's live questions."""
        others = question.quiz.questions.live().exclude(pk=question.pk)
        siblings = [*others.prefetch_related("choices"), question]
        _, findings = lint_quiz([question_data(q) for q in siblings])[-1]
        for finding in findings:
            if not finding.is_error:
                self.message_user(
                    request, f"Item-writing warning: {finding.message}.", messages.WARNING
                )


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ("pk", "quiz", "user", "started_at", "finished_at", "score")
    list_filter = ("quiz",)
    readonly_fields = (
        "quiz",
        "user",
        "question_ids",
        "started_at",
        "finished_at",
        "score",
    )

    def has_add_permission(self, request):
        return False
