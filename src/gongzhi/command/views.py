"""The command center: the leader's dashboard, the wall display, one JSON endpoint per panel,
each panel's numbers as .xlsx, and the monthly report (PDF). Thin: figures come from
command.selectors through command.panels."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from gongzhi.core.access import can
from gongzhi.core.audit import client_ip
from gongzhi.core.dbrouter import replica_reads
from gongzhi.core.models import AuditLog
from gongzhi.core.roles import EXPORT
from gongzhi.core.xlsx import content_disposition, new_streaming_workbook, workbook_response
from gongzhi.core.xlsx import write_sheet as xlsx_sheet
from gongzhi.grids.navigation import visible_ancestors

from . import selectors as s
from .panels import PANELS


def _json_error(message: str, status: int) -> JsonResponse:
    return JsonResponse(
        {"detail": message}, status=status, json_dumps_params={"ensure_ascii": False}
    )


def command_api(view):
    """JSON endpoints: 403/400/404 answered as {"detail": "..."} rather than pages."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return _json_error(_("请先登录"), 403)
        try:
            s.require_command(request.user)
            with replica_reads():  # the panels' figures may be seconds old
                return view(request, *args, **kwargs)
        except PermissionDenied as exc:
            return _json_error(str(exc) or _("无权访问"), 403)
        except s.BadParameter as exc:
            return _json_error(str(exc), 400)
        except s.NotInScope as exc:
            return _json_error(str(exc), 404)

    return wrapper


def command_page(view):
    """Pages: sign-in first; bad parameters are a 400/404 page with the reason."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        s.require_command(request.user)
        try:
            with replica_reads():
                return view(request, *args, **kwargs)
        except s.BadParameter as exc:
            return render(request, "command/error.html", {"message": str(exc)}, status=400)
        except s.NotInScope as exc:
            return render(request, "command/error.html", {"message": str(exc)}, status=404)

    return wrapper


def _context(request, grid, *, wall: bool) -> dict:
    return {
        "grid": grid,
        "crumbs": visible_ancestors(request.user, grid),
        "panels": PANELS,
        "wall": wall,
        "can_export": can(request.user, EXPORT),
        "months": s.recent_months(),
    }


@require_GET
@command_page
def dashboard(request):
    grid = s.grid_for(request.user, request.GET.get("grid"))
    return render(request, "command/dashboard.html", _context(request, grid, wall=False))


@require_GET
@command_page
def wall(request):
    grid = s.grid_for(request.user, request.GET.get("grid"))
    return render(request, "command/wall.html", _context(request, grid, wall=True))


@require_GET
@command_api
def panel_json(request, name: str):
    panel = PANELS.get(name)
    if panel is None:
        raise s.NotInScope(_("没有名为「%(name)s」的面板") % {"name": name[:40]})
    grid = s.grid_for(request.user, request.GET.get("grid"))
    data = panel.data(request.user, grid, request.GET)
    return JsonResponse(
        {"panel": name, "grid": grid.pk, "data": data}, json_dumps_params={"ensure_ascii": False}
    )


@require_GET
@command_api
def panel_xlsx(request, name: str):
    panel = PANELS.get(name)
    if panel is None:
        raise s.NotInScope(_("没有名为「%(name)s」的面板") % {"name": name[:40]})
    if not can(request.user, EXPORT):
        raise PermissionDenied(_("您无权导出数据"))
    grid = s.grid_for(request.user, request.GET.get("grid"))
    data = panel.data(request.user, grid, request.GET)
    headers, rows = panel.sheet(data)
    wb = new_streaming_workbook()
    title = f"{panel.title}-{grid.name}"
    count = xlsx_sheet(wb, title=title, headers=headers, rows=rows, synthetic=grid.is_synthetic)
    _audit(request, grid, f"指挥中心「{panel.title}」{count}行")
    return workbook_response(wb, f"{title}-{s.clock.today():%Y%m%d}.xlsx")


@require_GET
@command_api
def report_pdf(request):
    from .report import monthly_report_pdf

    if not can(request.user, EXPORT):
        raise PermissionDenied(_("您无权导出数据"))
    grid = s.grid_for(request.user, request.GET.get("grid"))
    month = s.parse_month(request.GET.get("month"))
    body = monthly_report_pdf(request.user, grid, month)
    _audit(request, grid, f"指挥中心月度报告 {month:%Y-%m}")
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(
        f"综治工作月度报告-{grid.name}-{month:%Y%m}.pdf"
    )
    return response


def _audit(request, grid, what: str) -> None:
    AuditLog.objects.create(
        actor=request.user,
        action=AuditLog.Action.EXPORT,
        target_type=grid._meta.label_lower,
        target_id=str(grid.pk),
        fields=what,
        ip=client_ip(request),
    )
