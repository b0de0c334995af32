"""Quiz and question statistics for instructors, calculated as Moodle's quiz statistics report
calculates them.

Reference: Moodle Docs, "Quiz statistics calculations"
(https://docs.moodle.org/dev/Quiz_statistics_calculations), as implemented in Moodle's
question/classes/statistics/questions/calculator.php.

Attempts counted: the finished attempts on the quiz, and of those only the first (earliest
started) of each user, or of each anonymous session: Moodle's default, "first attempt", so
practice runs do not inflate the numbers. Attempts at review sets (quiz=None) never count.

For attempt a and question i (among the questions of that attempt):
    x_ai = the fraction earned on question i, 0 to 1 (0 if it was left unanswered),
    T_a  = sum of x_ai over the attempt's questions (its total mark),
    X_ai = T_a - x_ai, the mark on the rest of the quiz.

Quiz score of an attempt = its stored score (T_a / number of questions) x 100; we report the
mean, the median and ten 10-point bins (the last includes 100).

Facility index      F_i = 100 x mean over attempts of x_ai   (max mark is 1 for every question)
Discrimination index D_i = 100 x C(x_i, X_i) / sqrt(V(x_i) x V(X_i))
    with C the sample covariance and V the sample variances (n - 1 in each denominator, as
    in Moodle; they cancel, so D_i is Pearson's r between the question's mark and the mark on
    the rest of the quiz, times 100). D_i is undefined (None) with fewer than two attempts or
    when either variance is 0 (everyone scored the same).

Flags, as Moodle's docs advise: D_i < 0 "negative" (students who did well on the rest of the
quiz did worse here: check the key) and D_i < 20 "low" (the question hardly tells stronger
students from weaker ones). With fewer than MIN_ATTEMPTS first attempts at a question, a
correlation swings too much to mean anything (with 5 attempts one student can turn it from
+0.4 to -0.8), so the page says "too few attempts to judge this item" instead of a flag.

Distractor analysis uses the same first attempts: how often each option was chosen
(Response.answer["choices"]), the commonest typed answers for short-answer and numeric
questions, per matching pair how often it was matched right and the commonest wrong match, and
per ordering step how often it was put in its place and the commonest wrong place. Each
question type builds its own rows (`statistics_rows` in stressed/quizzes/types/).
"""

import math
import statistics as pystats
from dataclasses import dataclass, field

from stressed.quizzes import types
from stressed.quizzes.models import Attempt, Response
from stressed.quizzes.types.base import TOP_ANSWERS, Row

__all__ = ["TOP_ANSWERS", "Row", "quiz_statistics"]

LOW_DISCRIMINATION = 20
MIN_ATTEMPTS = 20  # first attempts a question needs before the page flags it
BINS = 10


def first_attempts(attempts):
    """The first attempt of each user, or of each anonymous session, by start time."""
    seen, first = set(), []
    for attempt in sorted(attempts, key=lambda a: (a.started_at, a.pk)):
        if attempt.user_id:
            key = ("user", attempt.user_id)
        else:
            key = ("owner", attempt.owner or attempt.pk)
        if key not in seen:
            seen.add(key)
            first.append(attempt)
    return first


def facility(marks):
    return 100 * sum(marks) / len(marks) if marks else None


def discrimination(marks, rest):
    """100 x Pearson correlation of `marks` with `rest` (see the module docstring)."""
    n = len(marks)
    if n < 2:
        return None
    mean_x, mean_y = sum(marks) / n, sum(rest) / n
    covariance = sum((x - mean_x) * (y - mean_y) for x, y in zip(marks, rest, strict=True)) / (
        n - 1
    )
    var_x = sum((x - mean_x) ** 2 for x in marks) / (n - 1)
    var_y = sum((y - mean_y) ** 2 for y in rest) / (n - 1)
    if var_x * var_y <= 1e-12:
        return None
    return 100 * covariance / math.sqrt(var_x * var_y)


def histogram(percents, bins=BINS):
    """Counts of scores in `bins` equal bins over 0–100; the last bin includes 100."""
    counts = [0] * bins
    width = 100 / bins
    for score in percents:
        index = int(round(score, 9) // width)  # round: 0.7 * 100 is 70.00000000000001
        counts[min(max(index, 0), bins - 1)] += 1
    return counts


def flag(value):
    if value is None:
        return ""
    if value < 0:
        return "negative"
    return "low" if value < LOW_DISCRIMINATION else ""


@dataclass
class QuestionStats:
    question: object
    attempts: int  # first attempts that included the question
    answered: int
    facility: float | None
    discrimination: float | None
    kind: str  # "options", "answers", "pairs" or "steps": what the rows describe
    rows: list = field(default_factory=list)

    @property
    def flag(self):
        return flag(self.discrimination)

    @property
    def too_few(self):
        """Too few first attempts to judge the item: the page shows no flag."""
        return self.attempts < MIN_ATTEMPTS


@dataclass
class QuizStats:
    finished: int  # all finished attempts
    counted: int  # first attempts, the ones the statistics use
    mean: float | None
    median: float | None
    bins: list
    questions: list
    min_attempts: int = MIN_ATTEMPTS  # below this a question is not flagged


def _rows(question, responses):
    kind = types.of(question)
    return kind.statistics_kind, kind.statistics_rows(list(question.choices.all()), responses)


def quiz_statistics(quiz, attempts=None):
    """The statistics over every finished attempt at the quiz, or over `attempts` (a
    queryset of them: one class's, say; stressed/classes/stats.py)."""
    if attempts is None:
        attempts = Attempt.objects.filter(quiz=quiz)
    finished = list(attempts.filter(quiz=quiz, finished_at__isnull=False))
    attempts = first_attempts(finished)
    counted = {a.pk for a in attempts}
    responses, totals = {}, dict.fromkeys(counted, 0.0)
    # Filtered by quiz in SQL and by attempt here: an IN list of every attempt id could
    # exceed the database's limit on query parameters.
    for response in Response.objects.filter(attempt__quiz=quiz, attempt__finished_at__isnull=False):
        if response.attempt_id in counted:
            responses[(response.attempt_id, response.question_id)] = response
            totals[response.attempt_id] += response.fraction
    percents = [100 * (a.score or 0) for a in attempts]
    questions = []
    for question in quiz.questions.live().prefetch_related("choices"):
        taken = [a for a in attempts if question.pk in a.question_ids]
        given = [responses[(a.pk, question.pk)] for a in taken if (a.pk, question.pk) in responses]
        marks = [getattr(responses.get((a.pk, question.pk)), "fraction", 0.0) for a in taken]
        rest = [totals[a.pk] - mark for a, mark in zip(taken, marks, strict=True)]
        kind, rows = _rows(question, given)
        questions.append(
            QuestionStats(
                question,
                len(taken),
                len(given),
                facility(marks),
                discrimination(marks, rest),
                kind,
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
