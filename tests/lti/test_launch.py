"""Login initiation and resource-link launches against the simulated platform."""

from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from stressed.lti.models import ContextRole, Deployment, GradeTarget, LtiIdentity
from tests.lti import platform as lms

CLAIM = lms.CLAIM


def counts():
    return (
        get_user_model().objects.count(),
        LtiIdentity.objects.count(),
        ContextRole.objects.count(),
        GradeTarget.objects.count(),
        Deployment.objects.count(),
    )


def quiz_link(body, quiz):
    body[CLAIM + "custom"] = {"resource": f"quiz:{quiz.slug}"}
    return body


def test_login_redirects_to_the_platform_with_state_and_nonce(platform):
    auth = platform.start_login()
    assert auth["client_id"] == lms.CLIENT_ID
    assert auth["redirect_uri"] == "http://testserver/lti/launch/"
    assert auth["response_type"] == "id_token" and auth["response_mode"] == "form_post"
    assert auth["scope"] == "openid" and auth["prompt"] == "none"
    assert auth["login_hint"] == "user-hint-1" and auth["lti_message_hint"] == "message-hint-1"
    assert auth["state"] and len(auth["nonce"]) >= 32
    assert platform.client.cookies[f"lti1p3-{auth['state']}"].value == auth["state"]


def test_a_valid_launch_signs_the_student_in_and_opens_the_quiz(platform, quiz):
    response, _ = platform.launch(lambda body: quiz_link(body, quiz))
    assert response.status_code == 302
    assert response["Location"] == quiz.get_absolute_url()
    page = platform.client.get(response["Location"])
    assert page.status_code == 200 and quiz.title in page.text
    identity = LtiIdentity.objects.get(issuer=lms.ISSUER, sub="student-1")
    user = identity.user
    assert not user.has_usable_password() and not user.is_staff
    assert user.first_name == "Ada" and user.email == ""  # never linked or stored by email
    assert page.wsgi_request.user == user
    role = ContextRole.objects.get(user=user)
    assert role.role == "learner" and role.context_id == "course-7"
    assert role.context_title == "Physiology 101"


def test_a_lesson_url_as_the_tool_url_opens_the_lesson(platform, quiz):
    lesson = quiz.lesson

    def to_lesson(body):
        body[CLAIM + "target_link_uri"] = f"http://testserver{lesson.get_absolute_url()}"
        return body

    response, _ = platform.launch(to_lesson)
    assert response.status_code == 302 and response["Location"] == lesson.get_absolute_url()
    page = platform.client.get(response["Location"])
    assert page.status_code == 200 and lesson.title in page.text


def test_the_same_lms_user_gets_the_same_account_and_email_never_links(platform, quiz, make_user):
    make_user("ada", email="ada@example.org")  # same email, different person as far as we know
    platform.launch(lambda body: quiz_link(body, quiz))
    platform.client.logout()
    platform.launch(lambda body: quiz_link(body, quiz))
    assert LtiIdentity.objects.count() == 1
    identity = LtiIdentity.objects.get()
    assert identity.user.username.startswith("lti-")
    assert get_user_model().objects.count() == 2


def test_a_learner_launch_with_ags_remembers_the_line_item(platform, quiz):
    response, _ = platform.launch(lambda body: quiz_link(body, quiz) | lms.ags_claim())
    assert response.status_code == 302
    target = GradeTarget.objects.get()
    assert target.lineitem_url == lms.LINEITEM_URL and target.sub == "student-1"
    assert target.quiz == quiz and target.context_id == "course-7"


def test_an_instructor_gets_the_course_role_not_site_staff(platform, quiz):
    response, _ = platform.launch(
        lambda body: quiz_link(body, quiz) | lms.ags_claim(),
        sub="teacher-1",
        roles=[lms.INSTRUCTOR],
    )
    assert response.status_code == 302 and response["Location"] == reverse("lti-teach")
    user = LtiIdentity.objects.get(sub="teacher-1").user
    assert not user.is_staff and not user.is_superuser and not user.groups.exists()
    assert ContextRole.objects.get(user=user).role == "instructor"
    assert not GradeTarget.objects.exists()  # instructors are not graded
    page = platform.client.get(reverse("lti-teach"))
    assert page.status_code == 200
    assert "Right answer: α1" in page.text and "Finished attempts" in page.text
    # Nothing beyond the launched quiz: the site's own staff pages stay closed.
    assert platform.client.get(reverse("quiz-statistics", args=[quiz.slug])).status_code == 403
    assert platform.client.get(reverse("quiz-preview", args=[quiz.slug])).status_code == 403
    assert platform.client.get("/admin/").status_code == 302


def test_a_learner_cannot_open_the_instructor_page(platform, quiz):
    platform.launch(lambda body: quiz_link(body, quiz))
    assert platform.client.get(reverse("lti-teach")).status_code == 403


def test_the_launched_site_may_be_framed_by_the_platform_only_for_that_user(platform, quiz, client):
    platform.launch(lambda body: quiz_link(body, quiz))
    page = platform.client.get(quiz.get_absolute_url())
    csp = page["Content-Security-Policy"]
    assert "frame-ancestors https://platform.test https://school.platform.test" in csp
    assert "X-Frame-Options" not in page
    platform.client.logout()
    page = platform.client.get(quiz.get_absolute_url())
    assert (
        page["X-Frame-Options"] == "DENY"
        and "frame-ancestors 'none'" in page["Content-Security-Policy"]
    )


# Refused launches: a clear 4xx, and nothing created ---------------------------------------


def refused(platform, body_fn=None, sign=None):
    before = counts()
    auth = platform.start_login()
    body = platform.claims(auth)
    if body_fn:
        body = body_fn(body)
    token = sign(body) if sign else platform.sign(body)
    response = platform.post_id_token(auth, token)
    assert 400 <= response.status_code < 500, response.status_code
    assert "This launch did not work" in response.text
    assert counts() == before
    assert response.wsgi_request.user.is_anonymous
    return response


def test_a_bad_signature_is_refused(platform, quiz):
    _, other_key = lms.new_key()
    response = refused(platform, sign=lambda body: platform.sign(body, key_pem=other_key))
    assert "Signature verification failed" in response.text


def test_a_token_for_another_audience_is_refused(platform, quiz):
    response = refused(platform, lambda body: body | {"aud": "another-tool"})
    assert "Registration not found" in response.text


def test_an_expired_token_is_refused(platform, quiz):
    response = refused(platform, lambda body: body | {"exp": body["iat"] - 10})
    assert "expired" in response.text


def test_an_unknown_deployment_is_refused_and_not_created(platform, quiz):
    response = refused(platform, lambda body: body | {CLAIM + "deployment_id": "not-registered"})
    assert "Unable to find deployment" in response.text
    assert not Deployment.objects.filter(deployment_id="not-registered").exists()


def test_a_replayed_id_token_is_refused(platform, quiz):
    auth = platform.start_login()
    token = platform.sign(quiz_link(platform.claims(auth), quiz))
    assert platform.post_id_token(auth, token).status_code == 302
    before = counts()
    # The same browser (it still has the state cookie) posts the same id_token again.
    replay = platform.post_id_token(auth, token)
    assert replay.status_code == 400 and "Invalid Nonce" in replay.text
    assert counts() == before


def test_a_nonce_the_tool_never_issued_is_refused(platform, quiz):
    refused(platform, lambda body: body | {"nonce": "made-up"})


def test_a_state_without_its_cookie_is_refused(platform, quiz):
    before = counts()
    auth = platform.start_login()
    token = platform.sign(quiz_link(platform.claims(auth), quiz))
    del platform.client.cookies[f"lti1p3-{auth['state']}"]
    response = platform.post_id_token(auth, token)
    assert response.status_code == 400 and "State not found" in response.text
    assert counts() == before


def drop(*names):
    def without(body):
        for name in names:
            body.pop(name)
        return body

    return without


@pytest.mark.parametrize(
    "claim",
    [
        "sub",
        "exp",
        "iat",
        "nonce",
        CLAIM + "deployment_id",
        CLAIM + "roles",
        CLAIM + "version",
        CLAIM + "message_type",
        CLAIM + "resource_link",
    ],
)
def test_a_missing_required_claim_is_refused(platform, quiz, claim):
    refused(platform, drop(claim))


def test_an_unknown_platform_cannot_start_a_login(client, registered):
    response = client.post(
        "/lti/login/",
        {"iss": "https://evil.test", "login_hint": "x", "target_link_uri": "http://testserver/"},
    )
    assert response.status_code == 400 and "not registered" in response.text
    assert not any(name.startswith("lti1p3") for name in client.cookies)


def test_a_login_without_its_parameters_is_refused(client, registered):
    assert client.post("/lti/login/", {"iss": lms.ISSUER}).status_code == 400
    assert client.get("/lti/login/").status_code == 400


def test_a_launch_to_a_draft_quiz_is_refused_before_any_account(platform, quiz):
    quiz.published = False
    quiz.save()
    before = counts()
    response, _ = platform.launch(lambda body: quiz_link(body, quiz))
    assert response.status_code == 404 and counts() == before


def test_the_launch_endpoints_take_no_get(client, db):
    assert client.get("/lti/launch/").status_code == 405
    assert client.get("/lti/deep-link/").status_code == 405


def test_the_redirect_uri_is_the_deep_link_url_when_asked_for(platform):
    auth = platform.start_login(target_link_uri="http://testserver/lti/deep-link/")
    assert urlsplit(auth["redirect_uri"]).path == "/lti/deep-link/"
