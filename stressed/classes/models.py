"""A class: instructors (co-teachers) who teach a group of students, a join code, and the
lessons and quizzes assigned to it, each with its due date and quiz settings."""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse

# Unambiguous when read aloud or copied from a board: no 0/O, 1/I/L.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 7


def new_join_code():
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(text):
    """What a student typed, as stored: upper case, spaces and dashes dropped."""
    return "".join(ch for ch in (text or "").upper() if ch not in " -\t")


class ClassQuerySet(models.QuerySet):
    def taught_by(self, user):
        return self.filter(teachers=user)

    def active(self):
        return self.filter(archived_at__isnull=True)


class Class(models.Model):
    name = models.CharField(
        max_length=120, help_text="As students will see it, e.g. 'Physiology 2, autumn'."
    )
    term_starts = models.DateField(null=True, blank=True, help_text="Optional.")
    term_ends = models.DateField(null=True, blank=True, help_text="Optional.")
    join_code = models.CharField(
        max_length=8,
        unique=True,
        default=new_join_code,
        help_text="Students join with it; regenerate it to stop new joins with the old one.",
    )
    teachers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="classes_taught",
        help_text="Instructors who see this class's students and grades.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(
        null=True, blank=True, help_text="An archived class takes no new students or work."
    )

    objects = ClassQuerySet.as_manager()

    class Meta:
        verbose_name = "class"
        verbose_name_plural = "classes"
        ordering = ["archived_at", "-created_at"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("class-detail", args=[self.pk])

    @property
    def archived(self):
        return self.archived_at is not None


class Membership(models.Model):
    """A student in a class. Deleting the account deletes the membership (CASCADE)."""

    school_class = models.ForeignKey(Class, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="class_memberships"
    )
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["school_class", "user"], name="one_membership_per_class"
            )
        ]

    def __str__(self):
        return f"{self.user} in {self.school_class}"


class Assignment(models.Model):
    class Feedback(models.TextChoices):
        IMMEDIATE = "immediate", "At once, after each answer"
        AFTER_FINISH = "after_finish", "When the attempt is finished"
        AFTER_DUE = "after_due", "After the due date"

    class Policy(models.TextChoices):
        BEST = "best", "Best attempt"
        FIRST = "first", "First attempt"
        LAST = "last", "Last attempt"
        MEAN = "mean", "Mean of all attempts"

    school_class = models.ForeignKey(Class, on_delete=models.CASCADE, related_name="assignments")
    lesson = models.ForeignKey(
        "lessons.Lesson",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Done when the student has read it and marked it complete.",
    )
    quiz = models.ForeignKey(
        "quizzes.Quiz",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Done when the student finishes an attempt.",
    )
    due_at = models.DateTimeField(
        null=True, blank=True, help_text="Work finished after this is accepted and marked late."
    )
    counts_for_grade = models.BooleanField(default=True)
    feedback_mode = models.CharField(
        max_length=20, choices=Feedback.choices, default=Feedback.IMMEDIATE
    )
    attempts_allowed = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Empty for unlimited."
    )
    grade_policy = models.CharField(max_length=10, choices=Policy.choices, default=Policy.BEST)
    opens_at = models.DateTimeField(null=True, blank=True, help_text="Quizzes: no attempt before.")
    closes_at = models.DateTimeField(null=True, blank=True, help_text="Quizzes: no attempt after.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(lesson__isnull=False, quiz__isnull=True)
                    | models.Q(lesson__isnull=True, quiz__isnull=False)
                ),
                name="assignment_is_a_lesson_or_a_quiz",
            ),
            models.UniqueConstraint(
                fields=["school_class", "quiz"], name="a_quiz_is_assigned_once_per_class"
            ),
            models.UniqueConstraint(
                fields=["school_class", "lesson"], name="a_lesson_is_assigned_once_per_class"
            ),
            models.CheckConstraint(
                condition=models.Q(attempts_allowed__isnull=True)
                | models.Q(attempts_allowed__gte=1),
                name="assignment_allows_an_attempt",
            ),
        ]

    def __str__(self):
        return f"{self.work} for {self.school_class}"

    @property
    def work(self):
        return self.quiz or self.lesson

    @property
    def is_quiz(self):
        return self.quiz_id is not None

    @property
    def starts_at(self):
        """Attempts started from here on count for this assignment."""
        return self.opens_at or self.created_at
