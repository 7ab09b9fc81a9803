"""django-csp's middleware with the policy text built once per process.

Our policy is fixed: no nonces and no per-view CSP decorators. django-csp still rebuilds the
header from the settings (two `dataclasses.asdict` walks and two `build_policy` calls) on every
response, which was a fifth of a small JSON request's CPU (docs/benchmarks.md, issue 19). This
middleware sets the same headers from a per-process cache and falls back to django-csp whenever
a response or request could make the policy differ (a nonce was used, a decorator set an
override or exemption). The cache is cleared when a CSP setting changes (tests).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest

if TYPE_CHECKING:
    from django.http.response import HttpResponseBase

# Attributes django-csp's decorators put on a response to change or exempt its policy.
_OVERRIDES = (
    "_csp_exempt",
    "_csp_exempt_ro",
    "_csp_config",
    "_csp_config_ro",
    "_csp_update",
    "_csp_update_ro",
    "_csp_replace",
    "_csp_replace_ro",
)
_DEBUG_EXEMPT = (404, 500)  # django-csp leaves Django's debug pages alone


class CachedPolicyCSPMiddleware(CSPMiddleware):
    _headers: dict[str, str] | None = None

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if (
            getattr(request, "_csp_nonce", None) is not None
            or any(hasattr(response, name) for name in _OVERRIDES)
            or HEADER in response  # a view wrote its own policy
            or HEADER_REPORT_ONLY in response
        ):
            return super().process_response(request, response)
        if response.status_code in _DEBUG_EXEMPT and settings.DEBUG:
            return response
        headers = CachedPolicyCSPMiddleware._headers
        if headers is None:
            response = super().process_response(request, response)
            CachedPolicyCSPMiddleware._headers = {
                name: response[name] for name in (HEADER, HEADER_REPORT_ONLY) if name in response
            }
            return response
        for name, value in headers.items():
            response[name] = value
        # As django-csp does: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(  # type: ignore[attr-defined]  # as django-csp
            self._csp_nonce_post_response
        )
        return response


@receiver(setting_changed)
def _forget_policy(*, setting: str, **kwargs: Any) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY") or setting == "DEBUG":
        CachedPolicyCSPMiddleware._headers = None
