"""Kiosk mode (自助终端) for the hall's self-service area.

Opening /kiosk/?center=<pk>&idle=<seconds> puts this browser's session in kiosk mode: the
portal pages render a large touch layout, hide the one-key call, and a JS idle timer
(seconds in body[data-kiosk-idle]) posts to /kiosk/reset/ after that long without input,
which ends any resident sign-in and returns to the start screen. A resident signed in at
the kiosk gets a browser-session cookie, and the server also drops the sign-in when no
request arrived for longer than the idle time (see auth.current_account), so a closed tab
or a dead timer never leaves someone signed in for the next person.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gongzhi.core import clock
from gongzhi.core.access import can, role_of
from gongzhi.core.ratelimit import RateLimited, rate_limit_check
from gongzhi.core.roles import HALL
from gongzhi.hall.models import Service
from gongzhi.hall.queue import ticket_issue
from gongzhi.org.models import Center

KIOSK_KEY = "portal_kiosk"  # {"center": pk or None, "idle": seconds}
SEEN_KEY = "portal_kiosk_seen"  # epoch seconds of the last request in kiosk mode
DEFAULT_IDLE = 90
MIN_IDLE, MAX_IDLE = 15, 900
# 取号 only from a registered kiosk: a signed cookie set by the center's staff on the device.
DEVICE_COOKIE, DEVICE_SALT = "gz_kiosk_device", "gongzhi.kiosk-device"
DEVICE_MAX_AGE = 366 * 24 * 3600


def idle_seconds(raw) -> int:
    default = int(getattr(settings, "KIOSK_IDLE_SECONDS", DEFAULT_IDLE))
    try:
        value = int(str(raw))
    except (TypeError, ValueError):
        return default
    return min(MAX_IDLE, max(MIN_IDLE, value))


def config(request) -> dict | None:
    value = request.session.get(KIOSK_KEY)
    return value if isinstance(value, dict) else None


def kiosk_center(request) -> Center | None:
    cfg = config(request)
    if not cfg or not cfg.get("center"):
        return None
    return Center.objects.filter(pk=cfg["center"]).first()


def _enter(request, cfg: dict) -> None:
    request.session[KIOSK_KEY] = cfg
    request.session[SEEN_KEY] = clock.now().timestamp()
    request.session.set_expiry(0)  # a browser-session cookie: nothing persists on the kiosk


def touch_expired(request) -> bool:
    """In kiosk mode: True when the last request is older than the idle time (the caller
    then signs the resident out); records this request as the latest either way."""
    cfg = config(request)
    if cfg is None:
        return False
    now = clock.now().timestamp()
    seen = request.session.get(SEEN_KEY)
    request.session[SEEN_KEY] = now
    return isinstance(seen, int | float) and now - seen > cfg.get("idle", DEFAULT_IDLE)


def services_of(center: Center | None) -> list[Service]:
    if center is None:
        return []
    return list(Service.objects.filter(center=center, active=True).order_by("order", "prefix"))


def start(request):
    """The kiosk's start screen; its query string (re)configures the kiosk."""
    cfg = config(request) or {"center": None, "idle": idle_seconds(None)}
    if "center" in request.GET:
        raw = request.GET["center"]
        center = Center.objects.filter(pk=raw).first() if raw.isdigit() and len(raw) < 10 else None
        if center is None:
            raise Http404(_("未知的综治中心"))
        cfg["center"] = center.pk
    if "idle" in request.GET:
        cfg["idle"] = idle_seconds(request.GET["idle"])
    _enter(request, cfg)
    from .auth import current_account

    center = kiosk_center(request)
    # 取号 is offered only on a device registered for this hall (see device_center).
    device = device_center(request)
    ticketing = device is not None and center is not None and device.pk == center.pk
    ctx = {
        "account": current_account(request),
        "center": center,
        "services": services_of(center) if ticketing else [],
    }
    return render(request, "portal/kiosk_home.html", ctx)


@require_POST
def reset(request):
    """Idle timeout or 结束使用: forget everything of the last visitor, keep kiosk mode."""
    cfg = config(request)
    request.session.flush()
    if cfg is None:
        return redirect("home")
    _enter(request, cfg)
    return redirect("portal_kiosk")


def ping(request):
    """The idle timer's heartbeat while someone is using the kiosk (keeps the sign-in)."""
    from .auth import current_account

    current_account(request)
    return HttpResponse(status=204)


def device_token(*, center: Center, by) -> str:
    return signing.dumps({"c": center.pk, "by": by.pk}, salt=DEVICE_SALT, compress=True)


def device_center(request) -> Center | None:
    """The center this browser is registered to as a kiosk, or None. The token stops working
    when the staff member who registered it leaves the center's hall or is deactivated."""
    raw = request.COOKIES.get(DEVICE_COOKIE, "")
    if not raw or len(raw) > 500:
        return None
    try:
        data = signing.loads(raw, salt=DEVICE_SALT, max_age=DEVICE_MAX_AGE)
        center_pk, by_pk = int(data["c"]), int(data["by"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    center = Center.objects.filter(pk=center_pk).select_related("grid").first()
    by = get_user_model().objects.filter(pk=by_pk, is_active=True).first()
    if center is None or by is None or not can(by, HALL, center.grid):
        return None
    return center


@login_required
@require_http_methods(["GET", "POST"])
def register_device(request, center_pk: int):
    """Center staff: register this browser as the hall's self-service kiosk (取号)."""
    center = Center.objects.filter(pk=center_pk).select_related("grid").first()
    if center is None or not can(request.user, HALL, center.grid):
        raise PermissionDenied(_("您无权为该综治中心登记自助终端"))
    if request.method == "GET":
        ctx = {"center": center, "registered": device_center(request)}
        return render(request, "portal/kiosk_register.html", ctx)
    response = redirect(f"{reverse('portal_kiosk')}?center={center.pk}")
    response.set_cookie(
        DEVICE_COOKIE,
        device_token(center=center, by=request.user),
        max_age=DEVICE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


def ticket(request):
    """取号: issue a hall ticket for one of the registered kiosk center's services (no sign-in)."""
    center = device_center(request)
    if center is None:
        ctx = {"error": _("本设备未登记为自助取号终端,请联系大厅工作人员登记")}
        return render(request, "portal/kiosk_ticket.html", ctx, status=403)
    services = services_of(center)
    if not services:
        raise Http404(_("本终端未开通取号服务"))
    issued, error, status = None, "", 200
    if request.method == "POST":
        chosen = next((s for s in services if str(s.pk) == request.POST.get("service")), None)
        if chosen is None:
            error, status = _("请选择服务事项"), 400
        else:
            try:
                rate_limit_check(request, "kiosk_ticket", device=center.pk)
                issued = ticket_issue(service=chosen, by=None)
            except RateLimited as exc:
                error, status = str(exc), 429
            except ValidationError as exc:
                error, status = ";".join(exc.messages), 400
    ctx = {"center": center, "services": services, "issued": issued, "error": error}
    return render(request, "portal/kiosk_ticket.html", ctx, status=status)


@require_POST
def exit_kiosk(request):
    """Staff only: turn this browser back into the ordinary portal."""
    if role_of(request.user) is None:
        raise PermissionDenied(_("只有工作人员可以退出自助终端模式"))
    request.session.pop(KIOSK_KEY, None)
    request.session.pop(SEEN_KEY, None)
    request.session.set_expiry(None)
    return redirect("home")
