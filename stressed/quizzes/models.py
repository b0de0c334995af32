import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from markdownx.models import MarkdownxField

from stressed.core import marks
from stressed.core.models import FileBacked, PublicContent
from stressed.markdown import render, render_inline


def sees_draft_quizzes(user):
    """Instructors and admins (who may change quizzes), not every staff member: a glossary
    editor is staff but sees only published quizzes. Students are never staff, so for them
    this costs no permission query."""
    return user.is_authenticated and user.is_staff and user.has_perm("quizzes.change_quiz")


class QuizQuerySet(models.QuerySet):
    def visible_to(self, user):
        if sees_draft_quizzes(user):
            return self
        return self.filter(published=True)


class Quiz(FileBacked):
    lesson = models.ForeignKey(
        "lessons.Lesson",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="quizzes",
        help_text="The lesson this quiz checks; its sections are the review links.",
    )
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    intro = MarkdownxField(blank=True, help_text="Markdown shown above the questions.")
    intro_html = models.TextField(editable=False, blank=True)
    published = models.BooleanField(default=False, help_text="Drafts are visible to staff only.")

    objects = QuizQuerySet.as_manager()

    class Meta:
        ordering = ["lesson__order", "title"]
        verbose_name_plural = "quizzes"
        permissions = [("view_statistics", "Can view quiz statistics")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("quiz", args=[self.slug])

    def save(self, *args, **kwargs):
        self.intro_html = render(self.intro)
        super().save(*args, **kwargs)


# Moodle's combined feedback: one Markdown field per verdict, each with its rendered HTML.
COMBINED_FEEDBACK = ("correct_feedback", "partial_feedback", "incorrect_feedback")


class QuestionQuerySet(models.QuerySet):
    def live(self):
        """Questions a new attempt may use: not retired by a content edit."""
        return self.filter(retired=False)


class Question(PublicContent, models.Model):
    class Type(models.TextChoices):
        SINGLE = "single", "Single choice"
        MULTIPLE = "multiple", "Multiple select"
        TRUE_FALSE = "truefalse", "True or false"
        SHORT = "short", "Short answer"
        NUMERIC = "numeric", "Numeric"
        MATCHING = "matching", "Matching"
        ORDERING = "ordering", "Ordering"

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(
        max_length=100,
        blank=True,
        help_text="Stable identity within the quiz: reloading a file or GIFT matches questions "
        "by key, never by position. Leave empty to have one made.",
    )
    version = models.PositiveIntegerField(
        default=1,
        help_text="Bumped when the answers change after students answered; old answers keep "
        "the version they saw.",
    )
    retired = models.BooleanField(
        default=False,
        help_text="Retired questions are kept for the answers given to them but never appear "
        "in new attempts.",
    )
    order = models.PositiveIntegerField(default=0)
    type = models.CharField(max_length=20, choices=Type.choices)
    title = models.CharField(
        max_length=200, blank=True, help_text="Optional name (GIFT ::title::)."
    )
    prompt = MarkdownxField(help_text="The question, in Markdown.")
    prompt_html = models.TextField(editable=False, blank=True)
    explanation = MarkdownxField(
        blank=True, help_text="Shown after answering: why the right answer is right."
    )
    explanation_html = models.TextField(editable=False, blank=True)
    review_anchor = models.CharField(
        max_length=100,
        blank=True,
        help_text="Heading id in the quiz's lesson that this question tests (for 'review this').",
    )
    category = models.CharField(
        max_length=255,
        blank=True,
        help_text="Moodle question-bank category (a path like $course$/top/Week 1) from an "
        "imported GIFT or Moodle XML file; exports file the question there again.",
    )
    correct_feedback = MarkdownxField(
        blank=True, help_text="Shown after a fully right answer (Moodle's combined feedback)."
    )
    correct_feedback_html = models.TextField(editable=False, blank=True)
    partial_feedback = MarkdownxField(
        blank=True, help_text="Shown after a partly right answer (Moodle's combined feedback)."
    )
    partial_feedback_html = models.TextField(editable=False, blank=True)
    incorrect_feedback = MarkdownxField(
        blank=True, help_text="Shown after a wrong answer (Moodle's combined feedback)."
    )
    incorrect_feedback_html = models.TextField(editable=False, blank=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "key"],
                condition=models.Q(retired=False),
                name="one_live_question_per_key",
            ),
            models.UniqueConstraint(
                fields=["quiz", "key", "version"], name="one_question_per_key_version"
            ),
        ]

    def __str__(self):
        return self.title or self.prompt[:60]

    def save(self, *args, **kwargs):
        if not self.key:
            self.key = f"q-{secrets.token_hex(5)}"
        self.prompt_html = render(self.prompt)
        self.explanation_html = render(self.explanation)
        for name in COMBINED_FEEDBACK:
            setattr(self, f"{name}_html", render(getattr(self, name)))
        super().save(*args, **kwargs)

    @property
    def review_url(self):
        lesson = self.quiz.lesson
        if not lesson:
            return ""
        anchor = f"#{self.review_anchor}" if self.review_anchor else ""
        return lesson.get_absolute_url() + anchor


class Choice(PublicContent, models.Model):
    """One option, accepted answer, numeric answer, matching pair or ordering step, as the
    type needs."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    order = models.PositiveIntegerField(default=0)
    text = models.TextField(
        blank=True,
        help_text="Option text (Markdown); the accepted answer for short answer; the left item "
        "for matching.",
    )
    text_html = models.TextField(editable=False, blank=True)
    match_text = models.CharField(
        max_length=300, blank=True, help_text="Matching only: the right-hand item."
    )
    fraction = models.FloatField(
        default=0,
        help_text="Credit from -1 to 1. Single choice: 1 for the right option. Multiple select: "
        "weights of the right options sum to 1; wrong ones may be negative.",
    )
    value = models.FloatField(
        null=True,
        blank=True,
        help_text="Numeric: the expected value. Ordering: the step's place in the right order "
        "(1 = first).",
    )
    tolerance = models.FloatField(null=True, blank=True, help_text="Numeric: accepted ± error.")
    min_value = models.FloatField(
        null=True, blank=True, help_text="Numeric range: lowest accepted."
    )
    max_value = models.FloatField(
        null=True, blank=True, help_text="Numeric range: highest accepted."
    )
    feedback = models.TextField(blank=True, help_text="Shown to a student who picked this.")
    feedback_html = models.TextField(editable=False, blank=True)
    misconception = models.SlugField(
        max_length=80, blank=True, help_text="Wrong options: the misconception this tests."
    )

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return self.text[:60] or self.match_text[:60] or str(self.value)

    def save(self, *args, **kwargs):
        self.text_html = render_inline(self.text)
        self.feedback_html = render_inline(self.feedback)
        super().save(*args, **kwargs)

    def accepts_number(self, number: float) -> bool:
        if self.min_value is not None and self.max_value is not None:
            return self.min_value <= number <= self.max_value
        if self.value is not None:
            return abs(number - self.value) <= (self.tolerance or 0) + marks.TOLERANCE
        return False


def new_seed():
    return secrets.token_hex(16)


class Attempt(models.Model):
    """One run through a set of questions by a user or an anonymous session."""

    quiz = models.ForeignKey(
        Quiz,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attempts",
        help_text="Empty for a review attempt built from missed questions.",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attempts",
    )
    owner = models.CharField(
        max_length=32,
        blank=True,
        db_index=True,
        help_text="Anonymous attempts: an opaque id kept in the visitor's session (never the "
        "session key), so their attempts can be told apart and merged on sign-up.",
    )
    seed = models.CharField(
        max_length=32,
        default=new_seed,
        editable=False,
        help_text="Secret: orders this attempt's options and keys its option tokens.",
    )
    question_ids = models.JSONField(default=list, help_text="The questions, in order.")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True, help_text="Fraction 0–1 when finished.")

    class Meta:
        ordering = ["-started_at"]

    def __str__(self):
        return f"Attempt {self.pk} on {self.quiz or 'review'}"

    def get_absolute_url(self):
        return reverse("attempt", args=[self.pk])


class Response(models.Model):
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="responses")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="responses")
    answer = models.JSONField(help_text="What the student gave, normalized.")
    fraction = models.FloatField(help_text="Credit earned, 0–1.")
    answered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["answered_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "question"], name="one_response_per_question"
            )
        ]

    def __str__(self):
        return f"{self.attempt_id}/{self.question_id}: {self.fraction}"
