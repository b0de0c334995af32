"""Grades back to the platform (AGS), with retries."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from stressed.lti import grades
from stressed.lti.models import GradePost
from stressed.quizzes.models import Attempt
from tests.lti import platform as lms
from tests.quiz_helpers import right_answer, start

CLAIM = lms.CLAIM


@pytest.fixture
def student(platform, quiz):
    """A student launched into the quiz from the platform, with a line item."""

    def link(body):
        body[CLAIM + "custom"] = {"resource": f"quiz:{quiz.slug}"}
        return body | lms.ags_claim()

    response, _ = platform.launch(link)
    assert response.status_code == 302
    return platform.client


def finish(client, quiz, capture, right=2):
    attempt_id = start(client, quiz)
    for question in list(quiz.questions.all())[:right]:
        url = reverse("answer", args=[attempt_id, question.pk])
        assert client.post(url, right_answer(attempt_id, question)).status_code == 302
    with capture(execute=True):
        assert client.post(reverse("attempt-finish", args=[attempt_id])).status_code == 302
    return Attempt.objects.get(pk=attempt_id)


def test_a_finished_attempt_posts_its_score(
    platform, student, quiz, django_capture_on_commit_callbacks
):
    attempt = finish(student, quiz, django_capture_on_commit_callbacks)
    # The token request: client credentials, a JWT assertion signed with the tool's key
    # (the platform verified it against the tool's JWKS), for the score scope only.
    (token_request,) = platform.token_requests
    assert token_request["scope"] == "https://purl.imsglobal.org/spec/lti-ags/scope/score"
    (post,) = platform.score_posts
    assert post["authorization"] == f"Bearer {platform.access_token}"
    assert post["content_type"] == "application/vnd.ims.lis.v1.score+json"
    body = post["body"]
    assert body["userId"] == "student-1"
    assert body["scoreGiven"] == pytest.approx(attempt.score * 100, abs=0.01)
    assert body["scoreMaximum"] == 100
    assert body["activityProgress"] == "Completed"
    assert body["gradingProgress"] == "FullyGraded"
    assert body["timestamp"] == attempt.finished_at.isoformat()
    stored = GradePost.objects.get()
    assert stored.status == "sent" and stored.attempts == 1 and stored.attempt == attempt


def test_a_failed_post_is_kept_retried_and_then_sent(
    platform, student, quiz, django_capture_on_commit_callbacks
):
    platform.score_status = 503
    finish(student, quiz, django_capture_on_commit_callbacks)  # the student's page still works
    post = GradePost.objects.get()
    assert post.status == "pending" and post.attempts == 1
    assert "503" in post.last_error
    assert post.next_retry_at > timezone.now() + timedelta(seconds=50)

    call_command("lti_retry_grades")  # not due yet: nothing sent
    assert len(platform.score_posts) == 1

    platform.score_status = 200
    GradePost.objects.update(next_retry_at=timezone.now() - timedelta(seconds=1))
    call_command("lti_retry_grades")
    post.refresh_from_db()
    assert post.status == "sent" and post.attempts == 2 and post.last_error == ""
    assert len(platform.score_posts) == 2
    assert platform.score_posts[0]["body"] == platform.score_posts[1]["body"]


def test_a_post_that_keeps_failing_is_marked_failed_not_lost(
    platform, student, quiz, django_capture_on_commit_callbacks
):
    platform.score_status = 500
    finish(student, quiz, django_capture_on_commit_callbacks)
    for _ in range(grades.MAX_TRIES):
        GradePost.objects.filter(status="pending").update(next_retry_at=timezone.now())
        grades.retry_due()
    post = GradePost.objects.get()
    assert post.status == "failed" and post.attempts == grades.MAX_TRIES
    platform.score_status = 200
    call_command("lti_retry_grades", "--failed")
    post.refresh_from_db()
    assert post.status == "sent"


def test_the_next_good_post_retries_earlier_failures(
    platform, student, quiz, django_capture_on_commit_callbacks
):
    platform.score_status = 503
    finish(student, quiz, django_capture_on_commit_callbacks)
    GradePost.objects.update(next_retry_at=timezone.now() - timedelta(seconds=1))
    platform.score_status = 200
    finish(student, quiz, django_capture_on_commit_callbacks, right=3)
    assert list(GradePost.objects.values_list("status", flat=True)) == ["sent", "sent"]


def test_an_attempt_not_launched_from_an_lms_posts_nothing(
    client_as, quiz, http, registered, django_capture_on_commit_callbacks
):
    client = client_as("student")
    finish(client, quiz, django_capture_on_commit_callbacks)
    assert not GradePost.objects.exists()


def test_an_unreachable_platform_never_breaks_the_students_page(
    platform, student, quiz, django_capture_on_commit_callbacks, http
):
    http.remove("POST", lms.TOKEN_URL)  # nothing answers: requests raises ConnectionError
    finish(student, quiz, django_capture_on_commit_callbacks)
    post = GradePost.objects.get()
    assert post.status == "pending" and "ConnectionError" in post.last_error


def test_grade_for_is_the_finishing_attempts_score(quiz):
    attempt = Attempt(quiz=quiz, score=0.375)
    assert grades.grade_for(attempt, None) == (37.5, 100)
