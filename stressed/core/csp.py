"""django-csp's middleware, with the policy header built once per process.

django-csp rebuilds the header on every response (a dataclass turned into dicts, then joined
into a string: ~55 µs, a tenth of serving a cached page) so that nonces and per-view
`@csp_update` decorators can change it. This site uses neither, so a response without them
gets the same string every time; we build it once. A response that does carry a nonce or an
override takes django-csp's own path, unchanged.
"""

from functools import cache

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, PolicyParts
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

NO_OVERRIDES = PolicyParts()


@cache
def default_policies():
    """{header name: (policy, URL prefixes it is not sent on)} for the configured policies."""
    policies = {}
    for header, setting, report_only in (
        (HEADER, "CONTENT_SECURITY_POLICY", False),
        (HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY", True),
    ):
        policy = build_policy(report_only=report_only)
        if policy:
            excluded = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES")
            policies[header] = (policy, tuple(excluded or ()))
    return policies


@receiver(setting_changed)
def _forget_policies(setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        default_policies.cache_clear()


class CSPMiddleware(DjangoCSPMiddleware):
    def _has_overrides(self, request, response):
        return any(
            self.get_policy_parts(request, response, report_only=report_only) != NO_OVERRIDES
            for report_only in (False, True)
        )

    def process_response(self, request, response):
        if self._has_overrides(request, response):
            return super().process_response(request, response)
        if settings.DEBUG and response.status_code in (404, 500):
            return response  # django-csp leaves Django's debug pages alone
        exempt = {
            HEADER: getattr(response, "_csp_exempt", False),
            HEADER_REPORT_ONLY: getattr(response, "_csp_exempt_ro", False),
        }
        for header, (policy, excluded) in default_policies().items():
            wanted = not exempt[header] and not request.path_info.startswith(excluded)
            if wanted and header not in response:
                response[header] = policy
        # As django-csp does: a nonce asked for after this point is an error, not a silent gap.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
