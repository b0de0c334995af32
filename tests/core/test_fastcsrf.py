"""The faster CSRF token helpers are in place and Django's own checks accept their tokens."""

import string
from collections import Counter

from django.middleware import csrf
from django.test import Client
from django.urls import reverse

from stressed.core import fastcsrf


def test_django_uses_the_fast_helpers():
    assert csrf._get_new_csrf_string is fastcsrf.new_csrf_string
    assert csrf._mask_cipher_secret is fastcsrf.mask_cipher_secret


def test_secrets_have_djangos_length_and_alphabet_and_never_repeat():
    secrets = {fastcsrf.new_csrf_string() for _ in range(2000)}
    assert len(secrets) == 2000
    for secret in secrets:
        assert len(secret) == csrf.CSRF_SECRET_LENGTH
        assert set(secret) <= set(string.ascii_letters + string.digits)


def test_every_character_is_about_equally_likely():
    counts = Counter("".join(fastcsrf.random_string(64) for _ in range(2000)))
    assert set(counts) == set(fastcsrf.ALPHABET)
    expected = 64 * 2000 / len(fastcsrf.ALPHABET)  # about 2,065 each
    assert all(abs(n - expected) < 0.15 * expected for n in counts.values()), counts


def test_masked_tokens_unmask_to_the_secret():
    secret = fastcsrf.new_csrf_string()
    tokens = {fastcsrf.mask_cipher_secret(secret) for _ in range(50)}
    assert len(tokens) == 50  # a fresh mask every time (BREACH)
    for token in tokens:
        assert len(token) == csrf.CSRF_TOKEN_LENGTH
        assert csrf._unmask_cipher_token(token) == secret


def test_token_from_a_cached_page_passes_djangos_check(make_lesson):
    lesson = make_lesson()
    url = reverse("lesson-complete", args=[lesson.slug])
    for _ in range(2):  # the second visitor is served from the cache
        visitor = Client(enforce_csrf_checks=True)
        page = visitor.get(lesson.get_absolute_url()).content.decode()
        token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
        assert visitor.post(url, {"csrfmiddlewaretoken": token}).status_code == 302
        assert (
            Client(enforce_csrf_checks=True).post(url, {"csrfmiddlewaretoken": token}).status_code
            == 403
        )
