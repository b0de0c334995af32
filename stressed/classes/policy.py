"""The classes' quiz settings, applied to the attempt flow through the quizzes' policy hook
(stressed/quizzes/policy.py; registered in ClassesConfig.ready, so the quizzes never import
this app): when feedback shows, how many attempts, when a quiz opens and closes.

The assignments that govern an attempt are those of its quiz in the student's open classes
under which the attempt counts (started after the assignment opened and the student joined).
With two classes assigning the same quiz, the strictest setting wins."""

from django.utils import formats, timezone

from stressed.classes.grading import apply_policy, counts_for
from stressed.classes.models import Assignment
from stressed.quizzes.models import Attempt
from stressed.quizzes.policy import Feedback, Refusal


def when(moment):
    local = timezone.localtime(moment)
    return f"{formats.date_format(local, 'D j M Y, H:i')} {local.tzname()}"


def governing(user_id, quiz_id):
    """[(assignment, joined_at)] for this student and quiz, in their open classes: one query."""
    return governing_many(user_id, [quiz_id]).get(quiz_id, [])


def governing_many(user_id, quiz_ids):
    """{quiz id: [(assignment, joined_at)]} for this student, in their open classes."""
    rows = Assignment.objects.filter(
        quiz_id__in=quiz_ids,
        school_class__archived_at__isnull=True,
        school_class__memberships__user_id=user_id,
    ).values_list(
        "pk",
        "quiz_id",
        "feedback_mode",
        "due_at",
        "attempts_allowed",
        "opens_at",
        "closes_at",
        "created_at",
        "grade_policy",
        "school_class__memberships__joined_at",  # the same membership row (one join)
    )
    found = {}
    for pk, quiz_id, mode, due, allowed, opens, closes, created, grade_policy, joined in rows:
        assignment = Assignment(
            pk=pk,
            quiz_id=quiz_id,
            feedback_mode=mode,
            due_at=due,
            attempts_allowed=allowed,
            opens_at=opens,
            closes_at=closes,
            created_at=created,
            grade_policy=grade_policy,
        )
        found.setdefault(quiz_id, []).append((assignment, joined))
    return found


def decide(governing_rows, attempt, now):
    """Feedback(False, note) when an assignment the attempt counts for hides it, else None."""
    hidden = None
    for assignment, joined in governing_rows:
        if not counts_for(assignment, attempt.started_at, joined):
            continue
        mode, due = assignment.feedback_mode, assignment.due_at
        if mode == Assignment.Feedback.AFTER_DUE and due and now <= due:
            return Feedback(False, f"after the due date, {when(due)}")
        if mode == Assignment.Feedback.AFTER_FINISH and attempt.finished_at is None:
            hidden = Feedback(False, "when you finish the attempt")
    return hidden


class ClassQuizPolicy:
    def feedback(self, attempt, now):
        return decide(governing(attempt.user_id, attempt.quiz_id), attempt, now)

    def withheld(self, attempts, now):
        hidden = set()
        for user_id in {a.user_id for a in attempts}:
            mine = [a for a in attempts if a.user_id == user_id]
            rules = governing_many(user_id, {a.quiz_id for a in mine})
            hidden |= {a.pk for a in mine if decide(rules.get(a.quiz_id, []), a, now)}
        return hidden

    def refuse_start(self, user, quiz, now):
        for assignment, joined in governing(user.pk, quiz.pk):
            if assignment.opens_at and now < assignment.opens_at:
                return Refusal(
                    403,
                    "Not open yet",
                    f"Your class's quiz opens on {when(assignment.opens_at)}.",
                )
            if assignment.closes_at and now > assignment.closes_at:
                return Refusal(
                    403,
                    "Closed",
                    f"Your class's quiz closed on {when(assignment.closes_at)}. Ask your "
                    "instructor if you need more time.",
                )
            allowed = assignment.attempts_allowed
            if allowed:
                started = Attempt.objects.filter(user=user, quiz=quiz).values_list(
                    "started_at", flat=True
                )
                used = sum(1 for at in started if counts_for(assignment, at, joined))
                if used >= allowed:
                    return Refusal(
                        409,
                        "No attempts left",
                        f"Your class allows {allowed} attempt{'s' if allowed != 1 else ''} at "
                        f"this quiz and you have used {used}. Your results are on your "
                        "progress page.",
                    )
        return None


def class_grade(attempt):
    """The grade (0–1) for the assignment this finished attempt counts for, by its grade
    policy (best, first, last or mean of the attempts that count), or None when no class
    assigned the quiz to the student. Used for LTI grade passback (stressed/lti/grades.py)."""
    if not (attempt.user_id and attempt.quiz_id):
        return None
    for assignment, joined in governing(attempt.user_id, attempt.quiz_id):
        if not counts_for(assignment, attempt.started_at, joined):
            continue
        finished = Attempt.objects.filter(
            user_id=attempt.user_id, quiz_id=attempt.quiz_id, finished_at__isnull=False
        ).order_by("started_at", "pk")
        scores = [a.score for a in finished if counts_for(assignment, a.started_at, joined)]
        return apply_policy(scores, assignment.grade_policy)
    return None
