"""The CSP header comes from a per-process cache, equal to django-csp's own (issue 19)."""

import pytest
from csp.middleware import CSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from gongzhi.core.csp import CachedPolicyCSPMiddleware

HEADER = "Content-Security-Policy"


def _run(middleware_class, response=None):
    request = RequestFactory().get("/")
    middleware = middleware_class(lambda r: response or HttpResponse("ok"))
    return middleware(request)


@pytest.fixture(autouse=True)
def _forget():
    CachedPolicyCSPMiddleware._headers = None
    yield
    CachedPolicyCSPMiddleware._headers = None


def test_the_cached_header_is_django_csps_header_on_first_and_later_responses():
    expected = _run(CSPMiddleware)[HEADER]

    first, second = _run(CachedPolicyCSPMiddleware), _run(CachedPolicyCSPMiddleware)

    assert "script-src 'self'" in expected
    assert first[HEADER] == second[HEADER] == expected


def test_a_changed_policy_setting_is_seen_at_once():
    _run(CachedPolicyCSPMiddleware)
    policy = {"DIRECTIVES": {"default-src": ["'none'"]}}

    with override_settings(CONTENT_SECURITY_POLICY=policy):
        assert _run(CachedPolicyCSPMiddleware)[HEADER] == "default-src 'none'"
    assert "script-src 'self'" in _run(CachedPolicyCSPMiddleware)[HEADER]


def test_a_response_with_its_own_policy_keeps_it():
    _run(CachedPolicyCSPMiddleware)
    own = HttpResponse("ok")
    own[HEADER] = "default-src 'self' https://tiles.example"

    assert (
        _run(CachedPolicyCSPMiddleware, own)[HEADER] == "default-src 'self' https://tiles.example"
    )


def test_a_view_exempted_by_django_csps_decorator_gets_no_header():
    from csp.decorators import csp_exempt

    _run(CachedPolicyCSPMiddleware)
    request = RequestFactory().get("/")
    view = csp_exempt()(lambda r: HttpResponse("ok"))

    response = CachedPolicyCSPMiddleware(view)(request)

    assert HEADER not in response


def test_every_page_served_by_the_app_carries_the_policy(client):
    response = client.get("/healthz")

    assert "script-src 'self'" in response[HEADER]
