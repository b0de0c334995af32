"""The set-up page, the JWKS and key rotation, the grade-posts page, roles, and production
cookie settings."""

import html
import os
import subprocess
import sys

import jwt
import pytest
from django.core.management import call_command
from django.urls import reverse

from stressed.lti import keys
from stressed.lti.models import ContextRole, GradePost, GradeTarget, Platform, ToolKey
from tests.lti import platform as lms


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("student", 403),
        ("instructor", 403),
        ("glossary_editor", 403),
        ("admin", 200),
        ("superuser", 200),
    ],
)
def test_setup_page_roles(client_as, registered, role, status):
    response = client_as(role).get(reverse("lti-setup"))
    assert response.status_code == status
    if status == 200:
        key = ToolKey.objects.get(status="current")
        for url in ("/lti/login/", "/lti/launch/", "/lti/deep-link/", "/lti/jwks.json"):
            assert f"http://testserver{url}" in response.text
        assert key.public_pem.splitlines()[1] in response.text
        assert "BEGIN PRIVATE KEY" not in response.text
        text = html.unescape(response.text)
        assert '"oidc_initiation_url": "http://testserver/lti/login/"' in text


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("student", 403),
        ("instructor", 403),
        ("glossary_editor", 403),
        ("admin", 200),
        ("superuser", 200),
    ],
)
def test_grade_posts_page_roles(client_as, registered, role, status):
    assert client_as(role).get(reverse("lti-grades")).status_code == status


def test_instructors_see_the_grade_posts_of_their_own_courses_only(
    client, make_user, quiz, registered
):
    teacher, student = make_user("teacher"), make_user("student")

    def post(context_id, score):
        target = GradeTarget.objects.create(
            user=student,
            quiz=quiz,
            platform=registered,
            context_id=context_id,
            context_title=context_id.title(),
            deployment_id=lms.DEPLOYMENT_ID,
            sub="student-1",
            lineitem_url=lms.LINEITEM_URL,
        )
        GradePost.objects.create(
            target=target, score_given=score, score_maximum=100, timestamp=target.updated_at
        )

    post("mine", 71)
    post("theirs", 33)
    ContextRole.objects.create(
        user=teacher, platform=registered, context_id="mine", role="instructor"
    )
    ContextRole.objects.create(
        user=teacher, platform=registered, context_id="theirs", role="learner"
    )
    client.force_login(teacher)
    page = client.get(reverse("lti-grades"))
    assert page.status_code == 200
    assert "71 / 100" in page.text and "33 / 100" not in page.text


def test_the_grade_posts_admin_filters_by_status(client_as, registered):
    page = client_as("superuser").get(
        reverse("admin:lti_gradepost_changelist") + "?status__exact=failed"
    )
    assert page.status_code == 200


def test_platforms_are_registered_in_the_admin(client_as, db):
    client = client_as("admin")
    response = client.post(
        reverse("admin:lti_platform_add"),
        {
            "name": "Moodle",
            "active": "on",
            "issuer": "https://moodle.example.org",
            "client_id": "abc123",
            "auth_url": "https://moodle.example.org/mod/lti/auth.php",
            "token_url": "https://moodle.example.org/mod/lti/token.php",
            "token_audience": "",
            "jwks_url": "https://moodle.example.org/mod/lti/certs.php",
            "frame_origins": "https://moodle.example.org",
            "deployments-TOTAL_FORMS": "1",
            "deployments-INITIAL_FORMS": "0",
            "deployments-0-deployment_id": "7",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    platform = Platform.objects.get(client_id="abc123")
    assert list(platform.deployments.values_list("deployment_id", flat=True)) == ["7"]


def test_frame_origins_must_be_origins(db):
    from django.core.exceptions import ValidationError

    from stressed.lti.models import validate_origins

    validate_origins("https://a.example.org\nhttp://localhost:8080")
    with pytest.raises(ValidationError):
        validate_origins("https://a.example.org/path")


def test_keys_are_made_rotated_and_published_with_their_kid(client, db):
    assert client.get(reverse("lti-jwks")).json() == {"keys": []}
    call_command("lti_keys")
    first = keys.current_key()
    call_command("lti_keys")  # idempotent without --rotate
    assert ToolKey.objects.count() == 1
    call_command("lti_keys", "--rotate")
    second = keys.current_key()
    published = client.get(reverse("lti-jwks")).json()["keys"]
    assert [k["kid"] for k in published] == [second.kid, first.kid]
    assert all(k["alg"] == "RS256" and k["use"] == "sig" and "d" not in k for k in published)
    # What the tool signs now verifies with the current key from the JWKS.
    token = jwt.encode({"x": 1}, second.private_pem, algorithm="RS256", headers={"kid": second.kid})
    jwk = next(k for k in published if k["kid"] == jwt.get_unverified_header(token)["kid"])
    assert jwt.decode(token, jwt.PyJWK(jwk).key, algorithms=["RS256"]) == {"x": 1}
    call_command("lti_keys", "--rotate")
    kids = [k["kid"] for k in client.get(reverse("lti-jwks")).json()["keys"]]
    assert len(kids) == 2 and first.kid not in kids
    call_command("lti_keys", "--retire-previous")
    assert len(client.get(reverse("lti-jwks")).json()["keys"]) == 1


def test_production_cookies_are_samesite_none_and_secure():
    env = {
        **os.environ,
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "stressed.example.org",
        "DJANGO_SETTINGS_MODULE": "stressed.settings",
    }
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SAMESITE, s.CSRF_COOKIE_SAMESITE, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["None", "None", "True", "True"]
