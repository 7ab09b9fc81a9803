from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from gongzhi.core.access import role_of


def healthz(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        db = {"ok": True, "vendor": connection.vendor}
    except Exception as exc:  # noqa: BLE001 - report, never raise
        db = {"ok": False, "vendor": connection.vendor, "error": exc.__class__.__name__}
    return JsonResponse({"status": "ok" if db["ok"] else "degraded", "database": db}, status=200)


def readyz(request: HttpRequest) -> HttpResponse:
    """Readiness: 503 naming every failing check (database, Redis, task workers, task lag,
    outbound backlog, pool); a read replica down or behind is only a warning. A load balancer stops sending traffic; a person is alerted."""
    from gongzhi.core.health import readiness

    ready, checks = readiness()
    failing = [name for name, result in checks.items() if not result["ok"]]
    body = {"status": "ok" if ready else "unavailable", "failing": failing, "checks": checks}
    body["warnings"] = _warnings(checks)
    response = JsonResponse(body, status=200 if ready else 503)
    response["Cache-Control"] = "no-store"
    if not ready:
        response["Retry-After"] = "5"
    return response


def _warnings(checks: dict) -> list[str]:
    """Not a reason to stop traffic, but something a person must do soon."""
    from django.db import DatabaseError

    from gongzhi.cases.calendar import holidays_next_year_missing
    from gongzhi.core.health import replica_warning

    warnings = [w for w in [replica_warning(checks.get("replica"))] if w]
    try:
        year = holidays_next_year_missing()
    except DatabaseError:
        return warnings  # the database check already names the outage
    if year is not None:
        warnings.append(f"holidays: no holidays on file for {year} (gongzhi holidays sync/import)")
    return warnings


def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus text format; allowed by METRICS_TOKEN (bearer) or METRICS_ALLOWED_IPS, and
    from the loopback address only when neither is set (README, "Monitoring")."""
    from prometheus_client import CONTENT_TYPE_LATEST

    from gongzhi.core.metrics import metrics_allowed, render

    if not metrics_allowed(request):
        return HttpResponseForbidden("forbidden", content_type="text/plain")
    return HttpResponse(render(), content_type=CONTENT_TYPE_LATEST)


@require_GET
@login_required
def landing(request: HttpRequest) -> HttpResponse:
    """After signing in: the role's own start page (core.roles.LANDING)."""
    from gongzhi.core.navigation import landing_url

    return redirect(landing_url(request.user))


@require_GET
@login_required
def nav_counts(request: HttpRequest) -> HttpResponse:
    """The bar's badges (what waits for the user), fetched by htmx after the page loaded and
    swapped in out of band; staff only."""
    from gongzhi.core.navigation import nav_badges, nav_for

    if role_of(request.user) is None:
        return HttpResponse(status=204)
    badges = nav_badges(request.user, nav_for(request.user))
    response = render(request, "includes/nav_counts.html", {"badges": list(badges.items())})
    response["Cache-Control"] = "no-store"
    return response
