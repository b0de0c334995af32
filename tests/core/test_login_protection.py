"""Log-in lockouts (django-axes) and the password-reset mail limit (issue 21)."""

import functools
import json
import re

from django.test import Client
from django.urls import reverse

from stressed.accounts.reset_views import RESET_MAILS_PER_ADDRESS, RESET_MAILS_PER_IP
from tests.core.test_security import manage

PASSWORD = "pw-Long-enough-1"


def fail_logins(client, username, settings, **headers):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(
            reverse("login"), {"username": username, "password": "wrong"}, **headers
        )
        assert response.status_code in (200, 429)  # the last failure locks
    assert response.status_code == 429


def log_in(client, username, password=PASSWORD, **headers):
    return client.post(reverse("login"), {"username": username, "password": password}, **headers)


def test_wrong_passwords_from_one_address_do_not_lock_the_user_out_elsewhere(make_user, settings):
    make_user("victim")
    attacker = Client(REMOTE_ADDR="198.51.100.66")
    fail_logins(attacker, "victim", settings)
    assert log_in(attacker, "victim").status_code == 429  # that pair is locked...
    victim = Client(REMOTE_ADDR="192.0.2.10")
    response = log_in(victim, "victim")  # ...the user, from their own address, is not
    assert response.status_code == 302 and "_auth_user_id" in victim.session


def reset_password(client, mailoutbox, email, new_password):
    assert client.post(reverse("password_reset"), {"email": email}).status_code == 302
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mailoutbox[-1].body).group(1)
    form_url = client.get(link)["Location"]
    response = client.post(form_url, {"new_password1": new_password, "new_password2": new_password})
    assert response.status_code == 302 and response["Location"] == reverse(
        "password_reset_complete"
    )


def test_a_completed_password_reset_unlocks_the_account(make_user, settings, mailoutbox):
    make_user("forgetful", email="f@example.org")
    client = Client(REMOTE_ADDR="192.0.2.20")
    fail_logins(client, "forgetful", settings)
    assert log_in(client, "forgetful").status_code == 429
    reset_password(client, mailoutbox, "f@example.org", "New-passphrase-77")
    response = log_in(client, "forgetful", "New-passphrase-77")
    assert response.status_code == 302 and "_auth_user_id" in client.session


@functools.cache
def proxy_settings():
    """What settings.py sets with BEHIND_PROXY=true, read from a fresh process."""
    code = (
        "import json; from django.conf import settings as s; print(json.dumps({n: getattr(s, n)"
        " for n in ['AXES_IPWARE_META_PRECEDENCE_ORDER', 'AXES_IPWARE_PROXY_COUNT',"
        " 'IPWARE_STRICT']}))"
    )
    result = manage("shell", "-c", code, env={"BEHIND_PROXY": "true"})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_behind_a_proxy_lockouts_key_on_the_forwarded_client_address(make_user, settings):
    for name, value in proxy_settings().items():
        setattr(settings, name, value)
    make_user("victim")
    # Every request comes from the load balancer (the test client's 127.0.0.1), which
    # appends the address it saw to X-Forwarded-For.
    attacker = Client(HTTP_X_FORWARDED_FOR="198.51.100.66")
    fail_logins(attacker, "victim", settings)
    assert log_in(attacker, "victim").status_code == 429
    victim = Client(HTTP_X_FORWARDED_FOR="192.0.2.10")
    assert log_in(victim, "victim").status_code == 302


def test_behind_a_proxy_a_forged_forwarded_address_is_not_trusted(make_user, settings):
    for name, value in proxy_settings().items():
        setattr(settings, name, value)
    make_user("victim")
    # The attacker pre-fills the header with the victim's address; the proxy appends theirs.
    attacker = Client(HTTP_X_FORWARDED_FOR="192.0.2.10, 198.51.100.66")
    fail_logins(attacker, "victim", settings)
    victim = Client(HTTP_X_FORWARDED_FOR="192.0.2.10")
    assert log_in(victim, "victim").status_code == 302
    assert log_in(Client(HTTP_X_FORWARDED_FOR="198.51.100.66"), "victim").status_code == 429


def test_without_a_proxy_the_forwarded_header_is_ignored(make_user, settings):
    make_user("victim")
    fail_logins(Client(REMOTE_ADDR="198.51.100.66", HTTP_X_FORWARDED_FOR="192.0.2.10"), "victim",
                settings)  # fmt: skip
    assert log_in(Client(REMOTE_ADDR="192.0.2.10"), "victim").status_code == 302


def test_reset_mail_is_limited_per_address(make_user, mailoutbox):
    make_user("target", email="t@example.org")
    client = Client()
    for _ in range(30):
        response = client.post(reverse("password_reset"), {"email": "t@example.org"})
        # Over the limit the answer is the same "check your inbox", so it reveals nothing.
        assert response.status_code == 302
        assert response["Location"] == reverse("password_reset_done")
    assert len(mailoutbox) == RESET_MAILS_PER_ADDRESS
    # Different capitalisation is the same address.
    client.post(reverse("password_reset"), {"email": "T@Example.org"})
    assert len(mailoutbox) == RESET_MAILS_PER_ADDRESS


def test_reset_mail_is_limited_per_ip(make_user, mailoutbox):
    for n in range(30):
        make_user(f"user{n}", email=f"u{n}@example.org")
    client = Client(REMOTE_ADDR="198.51.100.66")
    for n in range(30):
        response = client.post(reverse("password_reset"), {"email": f"u{n}@example.org"})
        assert response.status_code == 302
    assert len(mailoutbox) == RESET_MAILS_PER_IP
    # Someone else, from another address, still gets their mail.
    other = Client(REMOTE_ADDR="192.0.2.10")
    other.post(reverse("password_reset"), {"email": "u29@example.org"})
    assert len(mailoutbox) == RESET_MAILS_PER_IP + 1


def test_behind_a_proxy_the_reset_limit_is_per_client_not_site_wide(
    make_user, settings, mailoutbox
):
    for name, value in proxy_settings().items():
        setattr(settings, name, value)
    for n in range(RESET_MAILS_PER_IP + 1):
        make_user(f"user{n}", email=f"u{n}@example.org")
    flooder = Client(HTTP_X_FORWARDED_FOR="198.51.100.66")
    for n in range(RESET_MAILS_PER_IP + 1):
        flooder.post(reverse("password_reset"), {"email": f"u{n}@example.org"})
    assert len(mailoutbox) == RESET_MAILS_PER_IP
    # Through the same load balancer, someone else still gets their mail.
    Client(HTTP_X_FORWARDED_FOR="192.0.2.10").post(
        reverse("password_reset"), {"email": "u0@example.org"}
    )
    assert len(mailoutbox) == RESET_MAILS_PER_IP + 1
