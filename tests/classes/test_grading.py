"""Grade policies, which attempts count, and due/overdue/late, as pure functions."""

from datetime import UTC, datetime, timedelta

import pytest

from stressed.classes.grading import AttemptRow, apply_policy, counts_for, standing
from stressed.classes.models import Assignment
from stressed.progress.mastery import Level

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("policy", "grade"), [("best", 0.9), ("first", 0.5), ("last", 0.7), ("mean", 0.7)]
)
def test_policies(policy, grade):
    assert apply_policy([0.5, 0.9, 0.7], policy) == pytest.approx(grade)


def test_no_attempt_no_grade():
    assert apply_policy([], "best") is None


def quiz_assignment(**fields):
    a = Assignment(quiz_id=1, created_at=T0, **fields)
    return a


def row(pk, start_hours, finish_hours, score, answered=True):
    return AttemptRow(
        pk, T0 + timedelta(hours=start_hours), T0 + timedelta(hours=finish_hours), score, answered
    )


def test_attempts_before_the_assignment_or_joining_do_not_count():
    a = quiz_assignment()
    assert not counts_for(a, T0 - timedelta(seconds=1))
    assert counts_for(a, T0)
    assert not counts_for(a, T0 + timedelta(hours=1), joined_at=T0 + timedelta(hours=2))
    opens = quiz_assignment(opens_at=T0 + timedelta(days=1))
    assert not counts_for(opens, T0 + timedelta(hours=1))


def test_late_work_is_recorded_and_marked_late():
    a = quiz_assignment(due_at=T0 + timedelta(hours=10), grade_policy="best")
    s = standing(a, T0 + timedelta(hours=30), attempts=[row(1, 20, 21, 0.8)])
    assert s.done and s.late and s.state == "late" and s.grade == 0.8 and s.attempts == 1


def test_overdue_and_due():
    a = quiz_assignment(due_at=T0 + timedelta(hours=10))
    assert standing(a, T0 + timedelta(hours=11)).state == "overdue"
    assert standing(a, T0 + timedelta(hours=9)).state == "due"
    assert standing(quiz_assignment(), T0).state == "todo"


def test_grade_policy_applies_in_start_order():
    a = quiz_assignment(grade_policy="first")
    s = standing(a, T0 + timedelta(days=1), attempts=[row(2, 5, 6, 0.9), row(1, 1, 2, 0.4)])
    assert s.grade == 0.4 and s.done_at == T0 + timedelta(hours=2)


def test_mastery_from_counted_answered_attempts():
    a = quiz_assignment()
    s = standing(a, T0 + timedelta(days=1), attempts=[row(1, 1, 2, 0.95), row(2, 3, 4, 0.92)])
    assert s.level == Level.MASTERED
    empty = standing(a, T0 + timedelta(days=1), attempts=[row(3, 1, 2, 0.0, answered=False)])
    assert empty.level == Level.NOT_STARTED and empty.done


def test_lesson_assignment():
    a = Assignment(lesson_id=1, created_at=T0, due_at=T0 + timedelta(hours=1))
    assert standing(a, T0, completed_at=T0 + timedelta(minutes=5)).state == "done"
    assert standing(a, T0, completed_at=T0 + timedelta(hours=2)).state == "late"
    assert standing(a, T0 + timedelta(hours=3)).state == "overdue"


def test_grade_hidden_from_the_student_until_due_when_feedback_waits_for_it():
    a = quiz_assignment(due_at=T0 + timedelta(hours=10), feedback_mode="after_due")
    before = standing(a, T0 + timedelta(hours=5), attempts=[row(1, 1, 2, 0.8)])
    after = standing(a, T0 + timedelta(hours=11), attempts=[row(1, 1, 2, 0.8)])
    assert not before.grade_visible and after.grade_visible
