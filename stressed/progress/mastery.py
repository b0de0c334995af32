"""Per-lesson mastery levels, in the style of learning apps.

The rules (also in the README), from the student's finished attempts at the lesson's quiz:
- Not started: the lesson is not marked complete and no quiz question has been answered.
- Attempted: the lesson is complete or a question was answered, but no finished attempt
  scored 60% or more.
- Familiar: a finished attempt scored at least 60%.
- Proficient: a finished attempt scored at least 80%.
- Mastered: at least two finished attempts scored 90% or more (knowing it twice is the point).
"""

from dataclasses import dataclass
from enum import IntEnum

from stressed.core.marks import TOLERANCE
from stressed.quizzes import policy
from stressed.quizzes.models import Quiz


class Level(IntEnum):
    NOT_STARTED = 0
    ATTEMPTED = 1
    FAMILIAR = 2
    PROFICIENT = 3
    MASTERED = 4

    @property
    def label(self):
        return self.name.replace("_", " ").capitalize()

    @property
    def slug(self):
        return self.name.lower().replace("_", "-")


FAMILIAR, PROFICIENT, MASTERED = 0.6, 0.8, 0.9


def mastery_level(completed: bool, finished_scores: list, answered_any: bool) -> Level:
    if sum(1 for s in finished_scores if s >= MASTERED - TOLERANCE) >= 2:
        return Level.MASTERED
    best = max(finished_scores, default=None)
    if best is not None and best >= PROFICIENT - TOLERANCE:
        return Level.PROFICIENT
    if best is not None and best >= FAMILIAR - TOLERANCE:
        return Level.FAMILIAR
    if completed or answered_any or finished_scores:
        return Level.ATTEMPTED
    return Level.NOT_STARTED


@dataclass
class LessonProgress:
    lesson: object
    quiz: object
    completed: bool
    level: Level
    best: float | None
    latest: float | None
    attempts: int


def curriculum_progress(progress, lessons):
    """One LessonProgress per lesson, from a Progress store, in a fixed number of queries."""
    completed = progress.completed_lesson_ids()
    quizzes = {q.lesson_id: q for q in Quiz.objects.filter(lesson__in=lessons, published=True)}
    by_quiz = {}
    loaded = list(progress.attempts().filter(quiz__in=quizzes.values()).order_by("started_at"))
    # A score a class keeps until the due date is not shown here either (quizzes.policy).
    withheld = policy.withheld(loaded)
    for attempt in loaded:
        if attempt.pk not in withheld:
            by_quiz.setdefault(attempt.quiz_id, []).append(attempt)
    # Attempts with at least one answer; an empty finished attempt counts for nothing.
    answered_attempts = dict(
        progress.attempts().filter(responses__isnull=False).values_list("pk", "quiz_id")
    )
    answered = set(answered_attempts.values())
    rows = []
    for lesson in lessons:
        quiz = quizzes.get(lesson.pk)
        attempts = by_quiz.get(quiz.pk, []) if quiz else []
        scores = [
            a.score
            for a in attempts
            if a.finished_at and a.score is not None and a.pk in answered_attempts
        ]
        rows.append(
            LessonProgress(
                lesson=lesson,
                quiz=quiz,
                completed=lesson.pk in completed,
                level=mastery_level(
                    lesson.pk in completed, scores, bool(quiz and quiz.pk in answered)
                ),
                best=max(scores, default=None),
                latest=scores[-1] if scores else None,
                attempts=len(scores),
            )
        )
    return rows


def lesson_standing(progress, lesson):
    """One lesson's LessonProgress: read or not, quiz result, level (the end of a lesson)."""
    return curriculum_progress(progress, [lesson])[0]
