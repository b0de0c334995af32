"""A quiz's item statistics over one class's attempts: the quiz statistics' own functions
(stressed/quizzes/statistics.py, Moodle's definitions on first attempts), fed with the
attempts that count for the class's assignment of the quiz."""

import statistics as pystats

from stressed.classes.grading import counts_for
from stressed.quizzes import types
from stressed.quizzes.models import Attempt, Response
from stressed.quizzes.statistics import (
    QuestionStats,
    QuizStats,
    discrimination,
    facility,
    first_attempts,
    histogram,
)


def class_attempts(school_class, assignment):
    """The finished attempts at the assignment's quiz that count for it, by the class's
    students (started after the assignment opened and after the student joined)."""
    joined = dict(school_class.memberships.values_list("user_id", "joined_at"))
    attempts = Attempt.objects.filter(
        quiz_id=assignment.quiz_id,
        finished_at__isnull=False,
        user__class_memberships__school_class=school_class,
    )
    return [a for a in attempts if counts_for(assignment, a.started_at, joined.get(a.user_id))]


def class_quiz_statistics(quiz, finished):
    """QuizStats for `quiz` over the finished attempts `finished` (a list)."""
    attempts = first_attempts(finished)
    counted = {a.pk for a in attempts}
    responses, totals = {}, dict.fromkeys(counted, 0.0)
    for response in Response.objects.filter(
        attempt__quiz=quiz, attempt__finished_at__isnull=False, attempt__in=list(counted)
    ):
        responses[(response.attempt_id, response.question_id)] = response
        totals[response.attempt_id] += response.fraction
    percents = [100 * (a.score or 0) for a in attempts]
    questions = []
    for question in quiz.questions.live().prefetch_related("choices"):
        taken = [a for a in attempts if question.pk in a.question_ids]
        given = [responses[(a.pk, question.pk)] for a in taken if (a.pk, question.pk) in responses]
        marks = [getattr(responses.get((a.pk, question.pk)), "fraction", 0.0) for a in taken]
        rest = [totals[a.pk] - mark for a, mark in zip(taken, marks, strict=True)]
        kind = types.of(question)
        rows = kind.statistics_rows(list(question.choices.all()), given)
        questions.append(
            QuestionStats(
                question,
                len(taken),
                len(given),
                facility(marks),
                discrimination(marks, rest),
                kind.statistics_kind,
                rows,
            )
        )
    return QuizStats(
        finished=len(finished),
        counted=len(attempts),
        mean=pystats.fmean(percents) if percents else None,
        median=pystats.median(percents) if percents else None,
        bins=histogram(percents),
        questions=questions,
    )
