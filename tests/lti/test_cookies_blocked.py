"""When the browser blocks our cookies in the LMS frame: offer a window of our own."""

import re
import time
from unittest import mock
from urllib.parse import parse_qs, urlsplit

from django.urls import reverse

from stressed.lti import views
from tests.lti import platform as lms

LOGIN = {
    "iss": lms.ISSUER,
    "login_hint": "user-hint-1",
    "target_link_uri": "http://testserver/lti/launch/",
    "client_id": lms.CLIENT_ID,
}


def blocked_login(client):
    """The login, then the check, with the browser refusing the cookie it was given."""
    first = client.post("/lti/login/", LOGIN)
    assert first.status_code == 302 and first["Location"].startswith("/lti/login/continue/")
    client.cookies.clear()
    return client.get(first["Location"])


def test_the_open_window_page_is_shown_in_the_frame(platform):
    page = blocked_login(platform.client)
    assert page.status_code == 200
    assert 'target="_blank"' in page.text and "Open in a new window" in page.text
    assert 'action="/lti/login/new-window/"' in page.text
    assert "frame-ancestors https://platform.test" in page["Content-Security-Policy"]
    assert "form-action 'self' https://platform.test" in page["Content-Security-Policy"]
    assert "X-Frame-Options" not in page


def test_the_new_window_runs_the_login_once(platform, quiz):
    page = blocked_login(platform.client)
    token = re.search(r'name="t" value="([^"]+)"', page.text).group(1)
    opened = platform.client.post(reverse("lti-login-new-window"), {"t": token})
    assert opened.status_code == 302 and opened["Location"].startswith(lms.AUTH_URL)
    auth = {k: v[0] for k, v in parse_qs(urlsplit(opened["Location"]).query).items()}
    body = platform.claims(auth)
    body[lms.CLAIM + "custom"] = {"resource": f"quiz:{quiz.slug}"}
    launched = platform.post_id_token(auth, platform.sign(body))
    assert launched.status_code == 302 and launched["Location"] == quiz.get_absolute_url()
    again = platform.client.post(reverse("lti-login-new-window"), {"t": token})
    assert again.status_code == 400 and "already used" in again.text


def test_a_stale_or_forged_token_is_refused(platform):
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 120):
        stale = views.login_token(LOGIN)
    response = platform.client.post(reverse("lti-login-new-window"), {"t": stale})
    assert response.status_code == 400 and "expired" in response.text
    forged = platform.client.post(reverse("lti-login-new-window"), {"t": "x" + stale})
    assert forged.status_code == 400


def test_the_token_cannot_carry_other_parameters(platform):
    page = blocked_login(platform.client)
    token = re.search(r'name="t" value="([^"]+)"', page.text).group(1)
    opened = platform.client.post(
        reverse("lti-login-new-window") + "?iss=https://evil.test", {"t": token, "iss": "x"}
    )
    assert opened["Location"].startswith(lms.AUTH_URL)


def test_a_browser_that_keeps_cookies_goes_straight_to_the_platform(platform):
    platform.start_login()  # sets the check cookie
    second = platform.client.post("/lti/login/", LOGIN)
    assert second.status_code == 302 and second["Location"].startswith(lms.AUTH_URL)
