from django import forms
from django.utils import timezone

from stressed.classes.models import CODE_LENGTH, Assignment, Class
from stressed.lessons.models import Lesson
from stressed.quizzes.models import Quiz


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class ClassForm(forms.ModelForm):
    class Meta:
        model = Class
        fields = ["name", "term_starts", "term_ends"]
        labels = {"name": "Class name", "term_starts": "Term starts", "term_ends": "Term ends"}
        widgets = {"term_starts": DateInput(), "term_ends": DateInput()}

    def clean(self):
        data = super().clean()
        starts, ends = data.get("term_starts"), data.get("term_ends")
        if starts and ends and ends < starts:
            self.add_error("term_ends", "The term cannot end before it starts.")
        return data


class JoinForm(forms.Form):
    code = forms.CharField(
        label="Join code",
        max_length=20,
        help_text=f"{CODE_LENGTH} letters and digits, from your instructor. Capitals or not, "
        "as you like.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class TeacherForm(forms.Form):
    username = forms.CharField(
        label="Co-teacher's username",
        max_length=150,
        help_text="An instructor on this site. Co-teachers see everything you see in this class.",
    )


ATTEMPT_CHOICES = [("", "Unlimited")] + [(str(n), str(n)) for n in (1, 2, 3, 4, 5, 10)]


def work_choices():
    lessons = Lesson.objects.filter(published=True).only("title", "order")
    quizzes = (
        Quiz.objects.filter(published=True).select_related("lesson").only("title", "lesson__order")
    )
    return [
        ("", "Choose a lesson or a quiz"),
        ("Quizzes", [(f"quiz:{q.pk}", q.title) for q in quizzes]),
        (
            "Lessons (done when read)",
            [(f"lesson:{x.pk}", f"{x.order}. {x.title}") for x in lessons],
        ),
    ]


class AssignmentForm(forms.ModelForm):
    work = forms.ChoiceField(
        label="What to assign",
        help_text="A quiz is done when the student finishes an attempt; a lesson when they "
        "have read it and marked it complete.",
    )
    attempts_allowed = forms.TypedChoiceField(
        label="Attempts allowed",
        choices=ATTEMPT_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
    )

    class Meta:
        model = Assignment
        fields = [
            "due_at",
            "counts_for_grade",
            "feedback_mode",
            "attempts_allowed",
            "grade_policy",
            "opens_at",
            "closes_at",
        ]
        labels = {
            "due_at": "Due",
            "counts_for_grade": "Counts for the grade",
            "feedback_mode": "Show feedback",
            "grade_policy": "Grade from",
            "opens_at": "Opens",
            "closes_at": "Closes",
        }
        help_texts = {
            "due_at": "Optional. Work finished after it is still accepted, and marked late.",
            "feedback_mode": "Quizzes: when students see whether each answer was right. "
            "Deferred, an answer shows only that it was saved.",
            "grade_policy": "Quizzes: which attempts make the grade.",
            "opens_at": "Quizzes, optional: no attempt can start before.",
            "closes_at": "Quizzes, optional: no attempt can start after.",
        }
        widgets = {
            "due_at": DateTimeInput(),
            "opens_at": DateTimeInput(),
            "closes_at": DateTimeInput(),
        }

    def __init__(self, *args, school_class=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.school_class = school_class
        self.fields["work"].choices = work_choices()
        zone = timezone.get_current_timezone_name()
        for name in ("due_at", "opens_at", "closes_at"):
            self.fields[name].help_text += f" Time zone: {zone}."
        if self.instance.pk:
            a = self.instance
            self.initial["work"] = f"quiz:{a.quiz_id}" if a.quiz_id else f"lesson:{a.lesson_id}"

    def clean_work(self):
        kind, _, pk = self.cleaned_data["work"].partition(":")
        model = {"quiz": Quiz, "lesson": Lesson}.get(kind)
        found = model.objects.filter(pk=pk, published=True).first() if pk.isdigit() else None
        if model is None or found is None:
            raise forms.ValidationError("Choose a published lesson or quiz.")
        return found

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", "A quiz must close after it opens.")
        if data.get("feedback_mode") == Assignment.Feedback.AFTER_DUE and not data.get("due_at"):
            self.add_error("due_at", "Feedback after the due date needs a due date.")
        work = data.get("work")
        if work is not None and self.school_class is not None:
            field = "quiz" if isinstance(work, Quiz) else "lesson"
            taken = self.school_class.assignments.filter(**{field: work})
            if taken.exclude(pk=self.instance.pk).exists():
                self.add_error("work", "This class already has it assigned: edit that one.")
        if isinstance(work, Quiz):
            self.instance.quiz, self.instance.lesson = work, None
        elif isinstance(work, Lesson):
            self.instance.lesson, self.instance.quiz = work, None
        return data
