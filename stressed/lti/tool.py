"""The glue between PyLTI1p3 and this site: where it finds platforms, deployments and keys,
where it keeps the login nonce, and the HTTP session it uses to reach platforms."""

from datetime import timedelta

import requests
from django.db.models import Q
from django.utils import timezone
from pylti1p3.contrib.django import DjangoMessageLaunch, DjangoOIDCLogin
from pylti1p3.deployment import Deployment as LibraryDeployment
from pylti1p3.registration import Registration
from pylti1p3.request import Request
from pylti1p3.session import SessionService
from pylti1p3.tool_config.abstract import ToolConfAbstract
from requests.adapters import HTTPAdapter

from stressed.lti.keys import current_key
from stressed.lti.models import Deployment, LoginNonce, Platform

HTTP_TIMEOUT = (5, 10)  # seconds to connect, and to wait for an answer, on any call to a platform
NONCE_LIFETIME = timedelta(minutes=10)  # from login initiation to the launch POST
USER_AGENT = "stressed-lti"

# Claims
DEPLOYMENT_ID = "https://purl.imsglobal.org/spec/lti/claim/deployment_id"
MESSAGE_TYPE = "https://purl.imsglobal.org/spec/lti/claim/message_type"
ROLES = "https://purl.imsglobal.org/spec/lti/claim/roles"
CONTEXT = "https://purl.imsglobal.org/spec/lti/claim/context"
RESOURCE_LINK = "https://purl.imsglobal.org/spec/lti/claim/resource_link"
TARGET_LINK_URI = "https://purl.imsglobal.org/spec/lti/claim/target_link_uri"
CUSTOM = "https://purl.imsglobal.org/spec/lti/claim/custom"
LAUNCH_PRESENTATION = "https://purl.imsglobal.org/spec/lti/claim/launch_presentation"
AGS_ENDPOINT = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
DEEP_LINKING_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
INSTRUCTOR_ROLES = {
    "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor",
    "Instructor",  # the short form LTI 1.3 allows for context roles
}
LEARNER_ROLES = {"http://purl.imsglobal.org/vocab/lis/v2/membership#Learner", "Learner"}


class TimeoutAdapter(HTTPAdapter):
    """requests waits forever by default; a slow platform must not hold a worker."""

    def send(self, request, timeout=None, **kwargs):
        return super().send(request, timeout=timeout or HTTP_TIMEOUT, **kwargs)


def http_session():
    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    adapter = TimeoutAdapter()
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


def registration_for(platform):
    """The library's view of a platform, signing with the tool's current key."""
    key = current_key()
    registration = (
        Registration()
        .set_issuer(platform.issuer)
        .set_client_id(platform.client_id)
        .set_auth_login_url(platform.auth_url)
        .set_auth_token_url(platform.token_url)
        .set_key_set_url(platform.jwks_url)
        .set_tool_private_key(key.private_pem)
        .set_tool_public_key(key.public_pem)
    )
    if platform.token_audience:
        registration.set_auth_audience(platform.token_audience)
    return registration


def find_platform(issuer, client_id=None):
    """The active platform for this issuer (and client id, when given). An issuer with several
    registrations must send its client id."""
    platforms = Platform.objects.filter(issuer=issuer, active=True)
    if client_id:
        platforms = platforms.filter(client_id=client_id)
    found = list(platforms[:2])
    return found[0] if len(found) == 1 else None


class ToolConfig(ToolConfAbstract):
    """Platforms and deployments from the database. Unknown deployments are refused, never
    created: an admin registers each deployment id."""

    def __init__(self):
        super().__init__()
        self.platform = None

    def check_iss_has_one_client(self, iss):
        return False

    def check_iss_has_many_clients(self, iss):
        return True

    def find_registration_by_issuer(self, iss, *args, **kwargs):
        return self.find_registration_by_params(iss, None)

    def find_registration_by_params(self, iss, client_id, *args, **kwargs):
        self.platform = find_platform(iss, client_id)
        return registration_for(self.platform) if self.platform else None

    def find_deployment(self, iss, deployment_id):
        return self.find_deployment_by_params(iss, deployment_id, None)

    def find_deployment_by_params(self, iss, deployment_id, client_id, *args, **kwargs):
        known = Deployment.objects.filter(
            Q(platform__client_id=client_id) if client_id else Q(),
            platform__issuer=iss,
            platform__active=True,
            deployment_id=deployment_id,
        )
        if not known.exists():
            return None
        return LibraryDeployment().set_deployment_id(deployment_id)


class DatabaseSessionService(SessionService):
    """Where the library keeps what it must remember between login and launch.

    Nonces live in the database (every worker and host sees them) and are deleted by the
    launch that uses them, which makes each id_token single-use. Nothing else is stored: the
    state is always checked against the cookie set at login, and the site keeps what it needs
    from a launch in its own models."""

    def __init__(self):
        # No request-bound storage: nothing here lives in the Django session.
        pass

    def save_nonce(self, nonce):
        LoginNonce.objects.filter(created_at__lt=timezone.now() - NONCE_LIFETIME).delete()
        LoginNonce.objects.create(value=nonce)

    def check_nonce(self, nonce):
        fresh = LoginNonce.objects.filter(
            value=nonce, created_at__gte=timezone.now() - NONCE_LIFETIME
        )
        deleted, _ = fresh.delete()
        return deleted == 1

    def save_launch_data(self, key, jwt_body):
        pass

    def get_launch_data(self, key):
        return None

    def save_state_params(self, state, params):
        pass

    def get_state_params(self, state):
        return {}

    def set_state_valid(self, state, id_token_hash):
        pass

    def check_state_is_valid(self, state, id_token_hash):
        return False  # always require the state cookie

    def set_data_storage(self, data_storage):
        raise NotImplementedError("state and nonce live in the database")

    def set_launch_data_lifetime(self, time_sec):
        raise NotImplementedError("state and nonce live in the database")


class LoginParams(Request):
    """The library's request for an OIDC login, reading only the parameters we give it (from
    the platform's request, or from our signed token), never anything else the browser sent."""

    def __init__(self, request, params):
        self.request = request
        self.params = params

    @property
    def session(self):
        return self.request.session

    def get_param(self, key):
        return self.params.get(key)

    def get_cookie(self, key):
        return self.request.COOKIES.get(key)

    def is_secure(self):
        return self.request.is_secure()


def oidc_login(request, params):
    return DjangoOIDCLogin(
        LoginParams(request, params), ToolConfig(), session_service=DatabaseSessionService()
    )


def message_launch(request):
    launch = DjangoMessageLaunch(
        request,
        ToolConfig(),
        session_service=DatabaseSessionService(),
        requests_session=http_session(),
    )
    # The audience is checked by the library against the registration's client id; expiry
    # and issue time must be present and valid.
    launch.set_jwt_verify_options({"verify_aud": False, "require": ["exp", "iat"]})
    return launch
