"""Django's CSRF tokens, minted with one read of the OS's random source instead of 64.

Django builds each CSRF secret and each token mask with `get_random_string`, which calls
`secrets.choice` once per character, and masks with `str.index` per character: together about
90 µs for a first-time visitor's token, a fifth of serving a cached lesson page. `install()`
swaps Django's two private helpers for equivalents that draw the same 32 characters from the
same alphabet, just as uniformly (rejection sampling), from one `os.urandom` call, and mask
through a lookup table. The tokens are the same format and Django's own middleware checks them;
tests/core/test_fastcsrf.py checks the swap and that the tokens round-trip.
"""

import os

from django.middleware import csrf

ALPHABET = csrf.CSRF_ALLOWED_CHARS
POSITION = {char: index for index, char in enumerate(ALPHABET)}


def random_string(length=csrf.CSRF_SECRET_LENGTH, alphabet=ALPHABET):
    """`length` characters of `alphabet`, each chosen uniformly and independently."""
    # A byte at or above `limit` would make some characters likelier than others: skipped.
    limit = 256 - 256 % len(alphabet)
    chosen = []
    while len(chosen) < length:
        # Twice the bytes needed: with 62 characters 3% of bytes are skipped, so one read
        # almost always suffices.
        for byte in os.urandom(2 * length):
            if byte < limit:
                chosen.append(alphabet[byte % len(alphabet)])
                if len(chosen) == length:
                    break
    return "".join(chosen)


def new_csrf_string():
    return random_string(csrf.CSRF_SECRET_LENGTH, ALPHABET)


def mask_cipher_secret(secret):
    """Django's `_mask_cipher_secret`: a fresh mask, then the secret shifted by it."""
    mask = new_csrf_string()
    pairs = zip(secret, mask, strict=True)
    cipher = "".join(ALPHABET[(POSITION[s] + POSITION[m]) % len(ALPHABET)] for s, m in pairs)
    return mask + cipher


def install():
    csrf._get_new_csrf_string = new_csrf_string
    csrf._mask_cipher_secret = mask_cipher_secret
