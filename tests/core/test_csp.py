"""The site's CSP middleware sends exactly the header django-csp would build."""

import pytest
from csp.decorators import csp_update
from csp.utils import build_policy
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from stressed.core.csp import CSPMiddleware


def plain(request):
    return HttpResponse("ok")


def respond(view=plain):
    request = RequestFactory().get("/somewhere/")
    middleware = CSPMiddleware(view)
    middleware.process_request(request)
    return middleware.process_response(request, view(request))


def test_default_policy_is_django_csps_own_string():
    assert respond()["Content-Security-Policy"] == build_policy()


def test_a_per_view_override_still_applies():
    @csp_update({"img-src": ["https://images.example.org"]})
    def view(request):
        return HttpResponse("ok")

    header = respond(view)["Content-Security-Policy"]
    assert "https://images.example.org" in header and header != build_policy()


def test_a_changed_setting_is_picked_up():
    policy = {"DIRECTIVES": {"default-src": ["'none'"]}}
    with override_settings(CONTENT_SECURITY_POLICY=policy):
        assert respond()["Content-Security-Policy"] == "default-src 'none'"
    assert respond()["Content-Security-Policy"] == build_policy()


def test_exempt_responses_get_no_header():
    def view(request):
        response = HttpResponse("ok")
        response._csp_exempt = True  # what @csp_exempt sets
        return response

    assert "Content-Security-Policy" not in respond(view)


def test_a_nonce_asked_for_after_the_header_is_an_error():
    request = RequestFactory().get("/")
    middleware = CSPMiddleware(plain)
    middleware.process_request(request)
    middleware.process_response(request, plain(request))
    with pytest.raises(Exception, match="not available after the CSP header"):
        str(request.csp_nonce)
