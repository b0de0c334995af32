"""The tool's signing keys: created and rotated by `manage.py lti_keys`, published as a JWKS."""

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from jwcrypto.jwk import JWK
from pylti1p3.registration import Registration

from stressed.lti.models import ToolKey

KEY_SIZE = 2048


def create_key(status=ToolKey.Status.CURRENT):
    jwk = JWK.generate(kty="RSA", size=KEY_SIZE)
    public_pem = jwk.export_to_pem().decode()
    return ToolKey.objects.create(
        # The kid the library puts in the header of what it signs (the key's thumbprint).
        kid=Registration.get_jwk(public_pem)["kid"],
        public_pem=public_pem,
        private_pem=jwk.export_to_pem(private_key=True, password=None).decode(),
        status=status,
    )


def current_key():
    key = ToolKey.objects.filter(status=ToolKey.Status.CURRENT).first()
    if key is None:
        raise ImproperlyConfigured("The LTI tool has no key yet: run `manage.py lti_keys`.")
    return key


@transaction.atomic
def rotate():
    """A new current key; the old current becomes previous (still published, so platforms
    that cached it keep verifying); the one before is retired."""
    ToolKey.objects.filter(status=ToolKey.Status.PREVIOUS).update(status=ToolKey.Status.RETIRED)
    ToolKey.objects.filter(status=ToolKey.Status.CURRENT).update(status=ToolKey.Status.PREVIOUS)
    return create_key()


def retire_previous():
    return ToolKey.objects.filter(status=ToolKey.Status.PREVIOUS).update(
        status=ToolKey.Status.RETIRED
    )


def published_keys():
    return ToolKey.objects.filter(
        status__in=[ToolKey.Status.CURRENT, ToolKey.Status.PREVIOUS]
    ).order_by("-created_at")


def jwks():
    return {"keys": [Registration.get_jwk(key.public_pem) for key in published_keys()]}
