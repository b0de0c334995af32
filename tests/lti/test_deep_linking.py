"""Deep linking: an instructor picks lessons and quizzes; the platform gets signed items."""

import re

from django.urls import reverse

from stressed.lti.models import GradeTarget
from tests.lti import platform as lms

CLAIM = lms.CLAIM
DL_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"


def deep_link_request(body, multiple=True):
    body[CLAIM + "message_type"] = "LtiDeepLinkingRequest"
    body.pop(CLAIM + "resource_link")
    body[CLAIM + "target_link_uri"] = "http://testserver/lti/deep-link/"
    body[DL_SETTINGS] = {
        "deep_link_return_url": lms.DEEP_LINK_RETURN_URL,
        "accept_types": ["ltiResourceLink"],
        "accept_presentation_document_targets": ["iframe", "window"],
        "accept_multiple": multiple,
        "data": "platform-opaque-data",
    }
    return body


def open_picker(platform, roles=(lms.INSTRUCTOR,), multiple=True):
    auth = platform.start_login(target_link_uri="http://testserver/lti/deep-link/")
    body = deep_link_request(platform.claims(auth, sub="teacher-1", roles=roles), multiple)
    return platform.post_id_token(auth, platform.sign(body))


def test_an_instructor_picks_items_and_the_platform_verifies_them(platform, quiz):
    response = open_picker(platform)
    assert response.status_code == 302 and response["Location"] == reverse("lti-deep-link-choose")
    page = platform.client.get(response["Location"])
    assert page.status_code == 200
    assert f'value="quiz:{quiz.slug}"' in page.text
    assert f'value="lesson:{quiz.lesson.slug}"' in page.text
    assert 'for="item-quiz-' in page.text  # labelled checkboxes
    chosen = [f"quiz:{quiz.slug}", f"lesson:{quiz.lesson.slug}"]
    back = platform.client.post(reverse("lti-deep-link-choose"), {"item": chosen})
    assert back.status_code == 200
    # A form to the platform, sent by a static script or by its button; no inline script.
    assert f'action="{lms.DEEP_LINK_RETURN_URL}"' in back.text
    assert "lti-autosubmit.js" in back.text and "<script>" not in back.text
    assert "form-action 'self' https://platform.test" in back["Content-Security-Policy"]
    token = re.search(r'name="JWT" value="([^"]+)"', back.text).group(1)

    # The platform checks the signature with the key it fetches from the tool's JWKS URL.
    claims = platform.verify_tool_jwt(token, audience=lms.ISSUER)
    assert claims["iss"] == lms.CLIENT_ID
    assert claims[CLAIM + "message_type"] == "LtiDeepLinkingResponse"
    assert claims[CLAIM + "deployment_id"] == lms.DEPLOYMENT_ID
    assert claims["https://purl.imsglobal.org/spec/lti-dl/claim/data"] == "platform-opaque-data"
    items = {
        item["custom"]["resource"]: item
        for item in claims["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    }
    quiz_item = items[f"quiz:{quiz.slug}"]
    assert quiz_item["type"] == "ltiResourceLink"
    assert quiz_item["url"] == "http://testserver/lti/launch/"
    assert quiz_item["title"] == quiz.title
    assert quiz_item["lineItem"]["scoreMaximum"] == 100
    assert quiz_item["lineItem"]["resourceId"] == f"quiz:{quiz.slug}"
    assert "lineItem" not in items[f"lesson:{quiz.lesson.slug}"]

    # One response per request: the picker is closed now.
    assert platform.client.get(reverse("lti-deep-link-choose")).status_code == 403


def test_the_item_launches_the_quiz_for_a_student(platform, quiz):
    def from_item(body):
        body[CLAIM + "custom"] = {"resource": f"quiz:{quiz.slug}"}
        return body | lms.ags_claim()

    response, _ = platform.launch(from_item)
    assert response["Location"] == quiz.get_absolute_url()
    assert GradeTarget.objects.filter(quiz=quiz).exists()


def test_nothing_chosen_or_too_many_is_explained(platform, quiz):
    open_picker(platform, multiple=False)
    url = reverse("lti-deep-link-choose")
    empty = platform.client.post(url, {})
    assert empty.status_code == 422 and "Choose at least one" in empty.text
    both = platform.client.post(url, {"item": [f"quiz:{quiz.slug}", f"lesson:{quiz.lesson.slug}"]})
    assert both.status_code == 422 and "choose one" in both.text


def test_a_learner_cannot_deep_link(platform, quiz):
    response = open_picker(platform, roles=(lms.LEARNER,))
    assert response.status_code == 403


def test_the_picker_keeps_csrf(platform, quiz):
    from django.test import Client

    open_picker(platform)
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = platform.client.cookies
    response = strict.post(reverse("lti-deep-link-choose"), {"item": [f"quiz:{quiz.slug}"]})
    assert response.status_code == 403
