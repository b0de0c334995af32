"""A simulated LTI 1.3 platform (an LMS): its own RSA key, a JWKS, an authorisation step that
signs id_tokens, an OAuth2 token endpoint and an AGS score service.

Its HTTP endpoints are intercepted at requests' transport boundary by the `responses` library,
so the tool's real HTTP code runs; nothing leaves the machine. When the platform needs the
tool's public keys it fetches the tool's JWKS URL, through Django's test client."""

import json
import time
import uuid
from urllib.parse import parse_qs, urlsplit

import jwt
import responses
from jwcrypto.jwk import JWK

ISSUER = "https://platform.test"
CLIENT_ID = "stressed-tool"
DEPLOYMENT_ID = "deployment-1"
AUTH_URL = f"{ISSUER}/auth"
TOKEN_URL = f"{ISSUER}/token"
JWKS_URL = f"{ISSUER}/jwks"
LINEITEMS_URL = f"{ISSUER}/courses/7/lineitems"
LINEITEM_URL = f"{LINEITEMS_URL}/42"
SCORES_URL = f"{LINEITEM_URL}/scores"
DEEP_LINK_RETURN_URL = f"{ISSUER}/deep-link-return"
COURSE = {"id": "course-7", "title": "Physiology 101", "label": "PHYS101"}
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"


def new_key():
    key = JWK.generate(kty="RSA", size=2048, kid="platform-" + uuid.uuid4().hex[:8])
    return key, key.export_to_pem(private_key=True, password=None)


class Platform:
    def __init__(self, client, mock):
        self.client = client  # Django's test client: the browser, and the platform's fetches
        self.mock = mock
        self.key, self.private_pem = new_key()
        self.kid = json.loads(self.key.export_public())["kid"]
        self.token_requests = []
        self.score_posts = []
        self.score_status = 200
        self.access_token = "platform-access-" + uuid.uuid4().hex
        mock.add(responses.GET, JWKS_URL, json=self.jwks())
        mock.add_callback(responses.POST, TOKEN_URL, callback=self.token_endpoint)
        mock.add_callback(responses.POST, SCORES_URL, callback=self.score_endpoint)

    # What the platform publishes and answers ------------------------------------------------

    def jwks(self):
        public = json.loads(self.key.export_public())
        return {"keys": [{**public, "alg": "RS256", "use": "sig"}]}

    def tool_key(self, kid):
        """The platform's view of the tool's key: fetched from the tool's JWKS URL."""
        response = self.client.get("/lti/jwks.json")
        assert response.status_code == 200
        for key in response.json()["keys"]:
            if key["kid"] == kid:
                return jwt.PyJWK(key).key
        raise AssertionError(f"kid {kid} is not in the tool's JWKS")

    def verify_tool_jwt(self, token, audience):
        kid = jwt.get_unverified_header(token)["kid"]
        return jwt.decode(token, self.tool_key(kid), algorithms=["RS256"], audience=audience)

    def token_endpoint(self, request):
        form = {k: v[0] for k, v in parse_qs(request.body).items()}
        self.token_requests.append(form)
        assert form["grant_type"] == "client_credentials"
        assert form["client_assertion_type"] == (
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
        )
        claims = self.verify_tool_jwt(form["client_assertion"], audience=TOKEN_URL)
        assert claims["iss"] == claims["sub"] == CLIENT_ID
        body = {"access_token": self.access_token, "token_type": "Bearer", "expires_in": 3600}
        return 200, {}, json.dumps(body)

    def score_endpoint(self, request):
        self.score_posts.append(
            {
                "authorization": request.headers.get("Authorization"),
                "content_type": request.headers.get("Content-Type"),
                "body": json.loads(request.body),
            }
        )
        if self.score_status != 200:
            return self.score_status, {}, "platform trouble"
        return 200, {}, ""

    # The browser's trip through the platform -------------------------------------------------

    def start_login(self, target_link_uri="http://testserver/lti/launch/", **extra):
        """The LMS's login initiation, then the browser follows the tool's redirects up to
        the platform's authorisation URL. Returns its query parameters."""
        params = {
            "iss": ISSUER,
            "login_hint": "user-hint-1",
            "target_link_uri": target_link_uri,
            "lti_message_hint": "message-hint-1",
            "client_id": CLIENT_ID,
            "lti_deployment_id": DEPLOYMENT_ID,
            **extra,
        }
        response = self.client.post("/lti/login/", params)
        while response.status_code == 302 and response["Location"].startswith("/"):
            response = self.client.get(response["Location"])
        assert response.status_code == 302, response.content[:500]
        location = urlsplit(response["Location"])
        assert f"{location.scheme}://{location.netloc}{location.path}" == AUTH_URL
        return {k: v[0] for k, v in parse_qs(location.query).items()}

    def claims(self, auth, sub="student-1", roles=(LEARNER,), **extra):
        now = int(time.time())
        body = {
            "iss": ISSUER,
            "aud": CLIENT_ID,
            "sub": sub,
            "iat": now,
            "exp": now + 300,
            "nonce": auth["nonce"],
            "given_name": "Ada",
            "family_name": "Lovelace",
            "email": "ada@example.org",
            CLAIM + "message_type": "LtiResourceLinkRequest",
            CLAIM + "version": "1.3.0",
            CLAIM + "deployment_id": DEPLOYMENT_ID,
            CLAIM + "target_link_uri": "http://testserver/lti/launch/",
            CLAIM + "resource_link": {"id": "link-1", "title": "Test quiz"},
            CLAIM + "roles": list(roles),
            CLAIM + "context": COURSE,
            CLAIM + "launch_presentation": {
                "document_target": "iframe",
                "return_url": "https://school.platform.test/course/7",
            },
        }
        body.update(extra)
        return body

    def sign(self, body, key_pem=None, kid=None):
        return jwt.encode(
            body,
            key_pem or self.private_pem,
            algorithm="RS256",
            headers={"kid": kid or self.kid},
        )

    def post_id_token(self, auth, id_token, path=None):
        path = path or urlsplit(auth["redirect_uri"]).path
        return self.client.post(path, {"id_token": id_token, "state": auth["state"]})

    def launch(self, claims_fn=None, **claim_args):
        """A whole launch: login → auth → id_token posted. Returns (response, auth)."""
        auth = self.start_login()
        body = self.claims(auth, **claim_args)
        if claims_fn:
            body = claims_fn(body)
        return self.post_id_token(auth, self.sign(body)), auth


def ags_claim(lineitem=LINEITEM_URL, scopes=(SCORE_SCOPE,)):
    return {
        "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": {
            "scope": list(scopes),
            "lineitems": LINEITEMS_URL,
            "lineitem": lineitem,
        }
    }
