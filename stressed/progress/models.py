from django.conf import settings
from django.db import models


class LessonCompletion(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_completions"
    )
    lesson = models.ForeignKey("lessons.Lesson", on_delete=models.CASCADE, related_name="+")
    completed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-completed_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="one_completion_per_lesson")
        ]

    def __str__(self):
        return f"{self.user} completed {self.lesson}"


class LessonVisit(models.Model):
    """The last lesson a signed-in student opened: powers "continue where you left off"."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="last_visit"
    )
    lesson = models.ForeignKey("lessons.Lesson", on_delete=models.CASCADE, related_name="+")
    section_id = models.CharField(
        max_length=100, blank=True, help_text="The last heading the student reached in it."
    )
    visited_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.user} last read {self.lesson}"


class CardState(models.Model):
    """A student's spaced-repetition schedule for one glossary flashcard (FSRS)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cards"
    )
    term = models.ForeignKey("glossary.Term", on_delete=models.CASCADE, related_name="+")
    card = models.JSONField(help_text="The fsrs Card, as its to_dict() gives it.")
    due = models.DateTimeField(db_index=True)
    reviews = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "term"], name="one_card_per_term")]

    def __str__(self):
        return f"{self.user}: {self.term} due {self.due:%Y-%m-%d}"
