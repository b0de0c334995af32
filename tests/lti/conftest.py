import pytest
import responses

from stressed.lti import keys
from stressed.lti.models import Deployment, Platform
from tests.lti import platform as lms


@pytest.fixture
def http():
    """Every outgoing HTTP request of the tool goes to the simulated platform, or fails."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def registered(db):
    keys.create_key()
    registration = Platform.objects.create(
        name="Test LMS",
        issuer=lms.ISSUER,
        client_id=lms.CLIENT_ID,
        auth_url=lms.AUTH_URL,
        token_url=lms.TOKEN_URL,
        jwks_url=lms.JWKS_URL,
    )
    Deployment.objects.create(platform=registration, deployment_id=lms.DEPLOYMENT_ID)
    return registration


@pytest.fixture
def platform(client, http, registered):
    return lms.Platform(client, http)
