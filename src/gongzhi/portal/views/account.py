"""Sign-in with an SMS code, sign-out, and binding to a unit (QR code or staff confirmation)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gongzhi.core.audit import client_ip
from gongzhi.core.forms import service_errors
from gongzhi.core.paths import subtree_q
from gongzhi.core.ratelimit import RateLimited, rate_limit_check
from gongzhi.grids.models import Grid, Level

from .. import services
from ..auth import (
    LoginError,
    clean_mobile,
    current_account,
    demo_code_for,
    login_code_send,
    login_code_verify,
    resident_login,
    resident_logout,
    resident_required,
)
from ..forms import BindForm, PhoneForm, VerifyForm
from ..selectors import communities

PHONE_KEY, NEXT_KEY = "portal_login_phone", "portal_next"


def _safe_next(request, target: str) -> str:
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return "/"


@require_http_methods(["GET", "POST"])
def login(request):
    if request.GET.get("next"):
        request.session[NEXT_KEY] = _safe_next(request, request.GET["next"])
    form = PhoneForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            rate_limit_check(request, "sms_send")
            login_code_send(phone=form.cleaned_data["phone"], client=client_ip(request) or "")
        except RateLimited as exc:
            form.add_error("phone", str(exc))
            status = 429
        except LoginError as exc:
            form.add_error("phone", str(exc))
        else:
            request.session[PHONE_KEY] = clean_mobile(form.cleaned_data["phone"])
            return redirect("portal_verify")
    return render(request, "portal/login.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def verify(request):
    phone = request.session.get(PHONE_KEY)
    if not phone:
        return redirect("portal_login")
    form = VerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = login_code_verify(
                phone=phone, code=form.cleaned_data["code"], client=client_ip(request) or ""
            )
        except LoginError as exc:
            form.add_error("code", str(exc))
        else:
            target = request.session.pop(NEXT_KEY, "/")
            resident_login(request, account)
            return redirect(_safe_next(request, target))
    ctx = {
        "form": form,
        "masked_phone": phone[:3] + "****" + phone[-4:],
        "demo_code": demo_code_for(phone),
    }
    return render(request, "portal/verify.html", ctx)


@require_POST
def logout(request):
    resident_logout(request)
    return redirect("home")


@require_http_methods(["GET", "POST"])
def bind_qr(request, token: str):
    """A connection card's QR code: confirm, then bind the signed-in resident to that unit."""
    try:
        unit = services.bind_token_unit(token)
    except ValidationError as exc:
        return render(request, "portal/bind_qr.html", {"error": exc.messages[0]}, status=400)
    account = current_account(request)
    if account is None:
        request.session[NEXT_KEY] = request.path
        messages.info(request, _("请先登录,登录后将为您绑定到该单元"))
        return redirect("portal_login")
    if request.method == "POST":
        services.account_bind_unit(account=account, unit=unit, via="qr")
        messages.success(request, _("已绑定到 %(unit)s") % {"unit": unit.full_name})
        return redirect("portal_card")
    return render(request, "portal/bind_qr.html", {"unit": unit, "account": account})


@resident_required
@require_http_methods(["GET", "POST"])
def bind_request(request):
    """Without a QR code: pick the unit, and center staff confirm the request."""
    account = request.resident_account
    community = Grid.objects.filter(pk=request.GET.get("community") or 0, level=1).first()
    query = (request.GET.get("q") or "").strip()[:50]
    units = []
    if community and query:
        units = Grid.objects.filter(
            subtree_q("path", community.path), level=Level.UNIT, full_name__contains=query
        ).order_by("path")[:20]
    form = BindForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        unit = Grid.objects.filter(pk=form.cleaned_data["unit"]).first()
        with service_errors(request=request, sep=";"):
            services.bind_request_create(
                account=account,
                unit=unit,
                house_number=form.cleaned_data["house_number"],
                note=form.cleaned_data["note"],
            )
            messages.success(request, _("已提交绑定申请,社区工作人员确认后生效"))
            return redirect("portal_me")
    ctx = {
        "account": account,
        "communities": communities(),
        "community": community,
        "q": query,
        "units": units,
        "form": form,
    }
    return render(request, "portal/bind_request.html", ctx)
