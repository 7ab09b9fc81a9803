"""Thin views: residents' call button and live room, staff's alert console and room controls."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseForbidden, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gongzhi.core.access import can, role_of
from gongzhi.core.ratelimit import RateLimited, rate_limit_check
from gongzhi.core.roles import LIVE_SCHEDULE
from gongzhi.portal.auth import current_account, resident_required

from . import selectors, services
from .models import LiveEvent, LiveQuestion, LiveSession, OneKeyCall

POLL_LIMIT = 200


def _float(raw) -> float | None:
    try:
        return float(raw) if raw not in (None, "") else None
    except ValueError:
        return None


def staff_required(view):
    @login_required
    def wrapper(request, *args, **kwargs):
        if role_of(request.user) is None:
            return HttpResponseForbidden(_("只有工作人员可以访问"))
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    return wrapper


# ---- one-key call -------------------------------------------------------------------------


@resident_required
def call_page(request):
    account = request.resident_account
    error, status = "", 200
    if request.method == "POST":
        try:
            call = services.onekey_call_create(
                account=account,
                lat=_float(request.POST.get("lat")),
                lng=_float(request.POST.get("lng")),
            )
        except services.CallError as exc:
            error = str(exc)
            status = 429 if isinstance(exc, services.CallRateLimited) else 400
        else:
            return redirect("realtime:call_status", pk=call.pk)
    last = OneKeyCall.objects.filter(account=account).select_related("case").first()
    return render(
        request,
        "realtime/call.html",
        {"account": account, "error": error, "last": last},
        status=status,
    )


def _own_call(request, pk: int) -> OneKeyCall:
    call = get_object_or_404(OneKeyCall.objects.select_related("case", "unit"), pk=pk)
    if call.account_id != request.resident_account.pk:
        raise Http404
    return call


@resident_required
def call_status(request, pk: int):
    call = _own_call(request, pk)
    if request.GET.get("format") == "json":  # the polling fallback
        return JsonResponse(
            {
                "call": call.pk,
                "acked_by": call.acknowledged_name,
                "acked_at": call.acknowledged_at.isoformat() if call.acknowledged_at else None,
                "level": call.escalation_level,
                "cancelled": call.cancelled_at is not None,
            }
        )
    return render(request, "realtime/call_status.html", {"call": call})


@require_POST
@resident_required
def call_cancel(request, pk: int):
    """我已安全,取消呼叫."""
    services.onekey_cancel(call=_own_call(request, pk), account=request.resident_account)
    return redirect("realtime:call_status", pk=pk)


@staff_required
def staff_console(request):
    calls = list(selectors.onekey_call_list_for(request.user))
    for c in calls:
        c.unit_label = services._unit_label(c.unit)
    return render(request, "realtime/staff_console.html", {"calls": calls})


@require_GET
@staff_required
def staff_alerts(request):
    """The console's polling fallback: calls after ?since=<call id>, oldest first."""
    try:
        since = max(int(request.GET.get("since", 0)), 0)
    except ValueError:
        since = 0
    calls = reversed(selectors.onekey_call_list_for(request.user, since_id=since))
    return JsonResponse({"calls": [services.call_event(c) for c in calls]})


@require_POST
@staff_required
def call_ack(request, pk: int):
    call = get_object_or_404(OneKeyCall.objects.select_related("unit"), pk=pk)
    try:
        call = services.onekey_ack(call=call, by=request.user)
    except PermissionDenied as exc:
        return JsonResponse({"error": str(exc)}, status=403)
    return JsonResponse({"call": call.pk, "acked_by": call.acknowledged_name})


# ---- live room ----------------------------------------------------------------------------


def _viewer(request):
    """(account, is_staff) for a room visitor; residents and staff may both watch."""
    account = current_account(request)
    is_staff = role_of(request.user) is not None
    return account, is_staff


def embed_kind(url: str) -> str:
    """ "video" for a direct stream file, "iframe" for a player page, "" when not allowed."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return ""
    allowed = {h.lower() for h in getattr(settings, "LIVE_STREAM_ALLOWED_HOSTS", ())}
    if parts.hostname.lower() not in allowed:
        return ""
    return "video" if parts.path.lower().endswith((".mp4", ".m3u8", ".webm")) else "iframe"


def live_list(request):
    account, is_staff = _viewer(request)
    if account is None and not is_staff:
        return resident_required(live_list)(request)
    sessions = LiveSession.objects.all()[:50]
    ctx = {
        "sessions": sessions,
        "is_staff": is_staff,
        "can_schedule": can(request.user, LIVE_SCHEDULE),
    }
    return render(request, "realtime/live_list.html", ctx)


def live_room(request, pk: int):
    account, is_staff = _viewer(request)
    if account is None and not is_staff:
        return resident_required(live_room)(request, pk)
    session = get_object_or_404(LiveSession, pk=pk)
    questions = list(session.questions.select_related("case"))
    last_event = session.events.order_by("-pk").values_list("pk", flat=True).first() or 0
    return render(
        request,
        "realtime/live_room.html",
        {
            "session": session,
            "questions": questions,
            "account": account,
            "is_staff": is_staff,
            "is_host": is_staff and services._is_host(session, request.user),
            "embed": embed_kind(session.stream_url),
            "last_event": last_event,
        },
    )


@require_GET
def live_events(request, pk: int):
    """The polling fallback: events after ?since=<id>, oldest first."""
    account, is_staff = _viewer(request)
    if account is None and not is_staff:
        return JsonResponse({"error": _("请先登录")}, status=403)
    try:
        since = int(request.GET.get("since", 0))
    except ValueError:
        since = 0
    rows = LiveEvent.objects.filter(session_id=pk, pk__gt=since)[:POLL_LIMIT]
    return JsonResponse({"events": [{"type": r.kind, "id": r.pk, **r.data} for r in rows]})


def _json_error(exc) -> JsonResponse:
    message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
    return JsonResponse(
        {"error": message}, status=403 if isinstance(exc, PermissionDenied) else 400
    )


@require_POST
@resident_required
def live_ask(request, pk: int):
    session = get_object_or_404(LiveSession, pk=pk)
    try:
        rate_limit_check(request, "live_question", account=request.resident_account.pk)
    except RateLimited as exc:
        return JsonResponse({"error": str(exc)}, status=429)
    try:
        q = services.live_question_post(
            session=session, account=request.resident_account, text=request.POST.get("text", "")
        )
    except ValidationError as exc:
        return _json_error(exc)
    return JsonResponse({"question": q.as_event()})


@require_POST
@resident_required
def live_like(request, pk: int):
    q = get_object_or_404(LiveQuestion.objects.select_related("session"), pk=pk)
    q = services.live_question_like(question=q, account=request.resident_account)
    return JsonResponse({"question": q.as_event()})


@require_POST
@staff_required
def live_host(request, pk: int, action: str):
    q = get_object_or_404(LiveQuestion.objects.select_related("session", "account"), pk=pk)
    try:
        if action == "answer":
            q = services.live_question_answer(
                question=q, by=request.user, answer=request.POST.get("answer", "")
            )
        elif action == "pin":
            q = services.live_question_answer(
                question=q, by=request.user, pinned=request.POST.get("pinned") != "0"
            )
        elif action == "case":
            q = services.live_question_to_case(question=q, by=request.user)
        else:
            raise Http404
    except (ValidationError, PermissionDenied) as exc:
        return _json_error(exc)
    return JsonResponse({"question": q.as_event()})


@staff_required
def live_create(request):
    errors, data = {}, request.POST if request.method == "POST" else {}
    if request.method == "POST":
        when = parse_datetime(data.get("scheduled_at", "") or "")
        if when is None:
            errors["scheduled_at"] = [_("请填写正确的开始时间")]
        else:
            try:
                session = services.live_session_create(
                    by=request.user,
                    topic=data.get("topic", ""),
                    scheduled_at=when,
                    hosts=[request.user],
                    stream_url=data.get("stream_url", ""),
                )
            except ValidationError as exc:
                errors = exc.message_dict
            else:
                return redirect("realtime:live_room", pk=session.pk)
    return render(
        request,
        "realtime/live_create.html",
        {"errors": errors, "data": data},
        status=400 if errors else 200,
    )


@require_POST
@staff_required
def live_end(request, pk: int):
    session = get_object_or_404(LiveSession, pk=pk)
    try:
        services.live_session_end(session=session, by=request.user)
    except PermissionDenied as exc:
        return HttpResponseForbidden(str(exc))
    return redirect("realtime:live_room", pk=pk)
