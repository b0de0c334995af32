"""Grades back to the LMS (LTI Assignment and Grade Services).

A finished attempt launched from an LMS becomes a `GradePost` row first, then is sent. Nothing
is lost silently: a post that fails stays `pending` with its error and a next-retry time, is
retried by `manage.py lti_retry_grades` (run it from cron) and after the next successful post
to the same platform, and after MAX_TRIES becomes `failed`, visible to instructors and in the
admin, which can queue it again."""

import logging
from datetime import timedelta

import requests
from django.db import transaction
from django.utils import timezone
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.exception import LtiException
from pylti1p3.grade import Grade
from pylti1p3.service_connector import ServiceConnector

from stressed.classes.policy import class_grade
from stressed.lti import tool
from stressed.lti.models import GradePost, GradeTarget

log = logging.getLogger(__name__)

SCORE_MAXIMUM = 100  # the line items our deep links create have scoreMaximum 100
BACKOFF = [timedelta(minutes=m) for m in (1, 5, 30, 120, 720)]
MAX_TRIES = 8
CLAIM_FOR = timedelta(minutes=2)  # a sender holds a post this long before another may retry
OPPORTUNISTIC_RETRIES = 5


def grade_for(attempt, launch):
    """(scoreGiven, scoreMaximum) to post for `attempt` to the line item of `launch` (a
    GradeTarget): the grade by the grade policy of the class that assigned the quiz to the
    student (best, first, last or mean of the attempts that count), else the finishing
    attempt's own score."""
    grade = class_grade(attempt)
    if grade is None:
        grade = attempt.score or 0
    return round(grade * SCORE_MAXIMUM, 2), SCORE_MAXIMUM


def target_for(attempt, request):
    """The line item for this attempt: the course the student launched this quiz from in this
    session, else their latest launch of it."""
    targets = GradeTarget.objects.filter(user_id=attempt.user_id, quiz_id=attempt.quiz_id)
    launched = request.session.get("lti") if request is not None else None
    if isinstance(launched, dict) and launched.get("quiz") == attempt.quiz_id:
        here = targets.filter(
            platform_id=launched.get("platform"), context_id=launched.get("context")
        ).first()
        if here is not None:
            return here
    return targets.order_by("-updated_at").first()


def on_attempt_finished(sender, attempt, request=None, **kwargs):
    """Receiver of quizzes' `attempt_finished`, sent after the scoring transaction commits.
    Never lets a platform's trouble reach the student's page: the post is stored first."""
    if not (attempt.quiz_id and attempt.user_id):
        return
    try:
        target = target_for(attempt, request)
        if target is None:
            return
        score_given, score_maximum = grade_for(attempt, target)
        post = GradePost.objects.create(
            target=target,
            attempt=attempt,
            score_given=score_given,
            score_maximum=score_maximum,
            timestamp=attempt.finished_at or timezone.now(),
            next_retry_at=timezone.now(),
        )
    except Exception:
        log.exception("Could not queue the LMS grade of attempt %s", attempt.pk)
        return
    if send(post) and OPPORTUNISTIC_RETRIES:
        # The platform answers: a good moment for posts that failed to it earlier.
        retry_due(limit=OPPORTUNISTIC_RETRIES, platform=target.platform)


def score_payload(post):
    return (
        Grade()
        .set_score_given(post.score_given)
        .set_score_maximum(post.score_maximum)
        .set_activity_progress("Completed")
        .set_grading_progress("FullyGraded")
        .set_timestamp(post.timestamp.isoformat())
        .set_user_id(post.target.sub)
    )


def claim(post):
    """Take a due pending post for this sender, so two processes never send it at once."""
    now = timezone.now()
    return (
        GradePost.objects.filter(
            pk=post.pk, status=GradePost.Status.PENDING, next_retry_at__lte=now
        ).update(next_retry_at=now + CLAIM_FOR)
        == 1
    )


def send(post):
    """Try to post one score; record the outcome. True when the platform took it."""
    if not claim(post):
        return False
    post.refresh_from_db()
    target = post.target
    try:
        connector = ServiceConnector(tool.registration_for(target.platform), tool.http_session())
        service = AssignmentsGradesService(
            connector, {"scope": [tool.SCORE_SCOPE], "lineitem": target.lineitem_url}
        )
        service.put_grade(score_payload(post))
    except (LtiException, requests.RequestException, ValueError, KeyError) as error:
        return record_failure(post, error)
    except Exception as error:  # anything else is recorded too, never lost
        log.exception("Unexpected error posting grade %s", post.pk)
        return record_failure(post, error)
    post.status = GradePost.Status.SENT
    post.attempts += 1
    post.sent_at = timezone.now()
    post.next_retry_at = None
    post.last_error = ""
    post.save(update_fields=["status", "attempts", "sent_at", "next_retry_at", "last_error"])
    return True


def record_failure(post, error):
    post.attempts += 1
    post.last_error = f"{type(error).__name__}: {error}"[:2000]
    if post.attempts >= MAX_TRIES:
        post.status = GradePost.Status.FAILED
        post.next_retry_at = None
    else:
        post.next_retry_at = timezone.now() + BACKOFF[min(post.attempts, len(BACKOFF)) - 1]
    post.save(update_fields=["status", "attempts", "last_error", "next_retry_at"])
    log.warning("Grade post %s failed (try %s): %s", post.pk, post.attempts, post.last_error)
    return False


def retry_due(limit=None, platform=None):
    """Send the pending posts whose retry time has come. Returns (sent, failed)."""
    due = GradePost.objects.filter(
        status=GradePost.Status.PENDING, next_retry_at__lte=timezone.now()
    ).select_related("target__platform")
    if platform is not None:
        due = due.filter(target__platform=platform)
    due = due.order_by("next_retry_at")
    if limit:
        due = due[:limit]
    sent = failed = 0
    for post in list(due):
        if send(post):
            sent += 1
        else:
            failed += 1
    return sent, failed


@transaction.atomic
def requeue(posts):
    """Queue failed (or pending) posts to be tried again now."""
    return posts.exclude(status=GradePost.Status.SENT).update(
        status=GradePost.Status.PENDING, next_retry_at=timezone.now()
    )
