"""Which attempts count for an assignment, the grade they make, and whether work is done,
due, overdue or late. Pure functions over plain values, shared by the gradebook, the
student's "Assigned to you", the CSV downloads and LTI grade passback."""

import statistics
from dataclasses import dataclass, field

from stressed.core.marks import TOLERANCE
from stressed.progress.mastery import Level, mastery_level

POLICIES = ("best", "first", "last", "mean")


def apply_policy(scores, policy):
    """The grade (0–1) from a student's counted scores, in the order they were started."""
    scores = [s or 0.0 for s in scores]
    if not scores:
        return None
    if policy == "first":
        return scores[0]
    if policy == "last":
        return scores[-1]
    if policy == "mean":
        return statistics.fmean(scores)
    return max(scores)


@dataclass
class AttemptRow:
    """What the gradebook needs of one finished attempt."""

    pk: int
    started_at: object
    finished_at: object
    score: float | None
    answered: bool = True


def counts_for(assignment, started_at, joined_at=None):
    """An attempt counts for an assignment when it was started once the assignment opened
    (or was set) and, if given, after the student joined the class: practice from before
    belongs to the student alone."""
    start = assignment.starts_at
    if joined_at is not None and joined_at > start:
        start = joined_at
    return started_at >= start


@dataclass
class Standing:
    """One student's standing on one assignment."""

    assignment: object
    done: bool = False
    done_at: object = None
    late: bool = False
    overdue: bool = False
    grade: float | None = None  # 0–1, quizzes only
    attempts: int = 0
    level: Level = Level.NOT_STARTED
    attempt_rows: list = field(default_factory=list)
    grade_visible: bool = False  # to the student: not before the due date when deferred

    @property
    def state(self):
        """done, late, overdue, due (a due date ahead) or todo (no due date)."""
        if self.done:
            return "late" if self.late else "done"
        if self.overdue:
            return "overdue"
        return "due" if self.assignment.due_at else "todo"

    @property
    def state_label(self):
        return {
            "done": "Done",
            "late": "Done late",
            "overdue": "Overdue",
            "due": "Due",
            "todo": "To do",
        }[self.state]

    @property
    def percent(self):
        return None if self.grade is None else round(self.grade * 100 + TOLERANCE)


def standing(assignment, now, *, completed_at=None, attempts=(), joined_at=None, counted=False):
    """The Standing from a lesson completion time (lesson assignments, and a quiz's lesson
    for the mastery level) and the student's finished attempts at the quiz (AttemptRows, any
    order; or, with `counted`, only those that count, in the order they were started)."""
    due = assignment.due_at
    result = Standing(assignment)
    if assignment.quiz_id is None:
        result.done = completed_at is not None
        result.done_at = completed_at
        result.level = Level.ATTEMPTED if result.done else Level.NOT_STARTED
    else:
        if not counted:
            attempts = sorted(
                (a for a in attempts if counts_for(assignment, a.started_at, joined_at)),
                key=lambda a: (a.started_at, a.pk),
            )
        counted = list(attempts)
        result.attempt_rows = counted
        result.attempts = len(counted)
        if counted:
            result.done = True
            result.done_at = min(a.finished_at for a in counted)
            result.grade = apply_policy([a.score for a in counted], assignment.grade_policy)
        answered = [a.score or 0.0 for a in counted if a.answered]
        # As on the student's progress page: an empty finished attempt counts for nothing.
        result.level = mastery_level(completed_at is not None, answered, bool(answered))
    deferred = assignment.feedback_mode == "after_due" and due is not None and now <= due
    result.grade_visible = result.grade is not None and not deferred
    if result.done:
        result.late = due is not None and result.done_at > due
    else:
        result.overdue = due is not None and now > due
    return result
