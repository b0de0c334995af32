"""A quiz's item statistics over one class: the quiz statistics themselves
(stressed/quizzes/statistics.py, Moodle's definitions on first attempts), given the attempts
that count for the class's assignment of the quiz."""

from django.db.models import F, Q

from stressed.quizzes.models import Attempt
from stressed.quizzes.statistics import quiz_statistics


def class_attempts(school_class, assignment):
    """The attempts at the assignment's quiz that count for it (grading.counts_for), by the
    class's students: started once the assignment opened and once the student joined (the
    same membership row: one filter() call)."""
    return Attempt.objects.filter(
        Q(started_at__gte=assignment.starts_at),
        quiz_id=assignment.quiz_id,
        user__class_memberships__school_class=school_class,
        started_at__gte=F("user__class_memberships__joined_at"),
    )


def class_quiz_statistics(school_class, assignment):
    return quiz_statistics(assignment.quiz, class_attempts(school_class, assignment))
