"""Tell people about case changes that concern them (issue 15.1).

The reporting resident hears of each change that matters to them (received, accepted, in
hand, resolved, closed with a request to rate, reopened, not accepted) through every channel
they have: the in-portal message centre (a Notification row for their user), SMS (unless
they opted out) and a WeChat subscribe message (when their account is linked to WeChat).
Center staff hear when a case waits for 核查 (verification).

Everything is written in the caller's transaction: a rolled-back change sends nothing. The
cost is fixed per state change, whatever the channels: one look-up of the reporter's
account, one insert of inbox rows, one insert of outbound rows and one delivery task.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gongzhi.core.inserts import insert_rows
from gongzhi.core.paths import ancestor_paths

from .models import Case, CaseEvent, Notification, OutboundMessage

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterable

    from gongzhi.grids.models import Grid
    from gongzhi.portal.models import ResidentAccount


MAX_ACCOUNTS = 3  # a registry resident rarely has more than one account; bound the fan-out
MAX_FOLLOWERS = 200  # residents who joined the case (intel.CaseFollower) or merged into it
# action → (inbox kind, SMS/WeChat template). Only these actions reach the resident.
REPORTER_ACTIONS: dict[str, str] = {
    "report": "case_received",
    "accept": "case_accepted",
    "reject": "case_rejected",
    "dispatch": "case_in_hand",
    "self_handle": "case_in_hand",
    "resolve": "case_resolved",
    "close": "case_closed",
    "reopen": "case_reopened",
    "terminate": "case_terminated",
}
# Short SMS texts (what a gateway's template holds); params fill the {…} fields.
SMS_TEXT: dict[str, str] = {
    "case_received": "【金泉之窗】已收到您反映的问题{case},我们会尽快受理。",
    "case_accepted": "【金泉之窗】您反映的问题{case}已受理。",
    "case_rejected": "【金泉之窗】您反映的问题{case}未予受理:{reason}",
    "case_in_hand": "【金泉之窗】您反映的问题{case}由{who}办理,{deadline}前办结。",
    "case_resolved": "【金泉之窗】您反映的问题{case}已办结,处理照片请在“我的留言”查看。",
    "case_closed": "【金泉之窗】您反映的问题{case}已结案,请在“我的留言”评价。",
    "case_reopened": "【金泉之窗】您反映的问题{case}已重新办理。",
    "case_terminated": "【金泉之窗】您反映的问题{case}已终止办理:{reason}",
}


def sms_text(template: str, params: dict) -> str:
    """The text an SMS gateway would render from the template (logged by the default backend)."""
    text = SMS_TEXT.get(template, "")
    try:
        return text.format(**params)
    except (KeyError, IndexError):
        return text


@functools.cache
def _my_posts_url() -> str:
    return reverse("portal_my_posts")  # once: reverse() costs more than the rest of a message


def _assignee_name(case: Case) -> str:
    for attr in ("assignee_staff", "assignee_room", "assignee_department"):
        if getattr(case, f"{attr}_id"):
            target = getattr(case, attr)
            return getattr(target, "name", "") or str(target)
    return _("网格员")


def _local(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%m-%d %H:%M") if value else ""


def _message(case: Case, event: CaseEvent, template: str) -> tuple[str, str, dict]:
    """(title, body, params) of one change; params are short and carry no personal data."""
    params = {"case": case.number}
    if template == "case_in_hand":
        params |= {"who": _assignee_name(case)[:20], "deadline": _local(case.handle_red_at)}
    elif template in ("case_rejected", "case_terminated"):
        params["reason"] = (event.comment or "")[:40]
    titles = {
        "case_received": _("已收到您反映的问题"),
        "case_accepted": _("您反映的问题已受理"),
        "case_rejected": _("您反映的问题未予受理"),
        "case_in_hand": _("您反映的问题正在办理"),
        "case_resolved": _("您反映的问题已办结,请查看处理照片"),
        "case_closed": _("您反映的问题已结案,请评价"),
        "case_reopened": _("您反映的问题已重新办理"),
        "case_terminated": _("您反映的问题已终止办理"),
    }
    if template == "case_in_hand":
        body = _("办理人:%(who)s;办结期限:%(deadline)s") % params
    elif template in ("case_rejected", "case_terminated"):
        body = _("理由:%(reason)s") % params
    elif template == "case_resolved":
        body = _("处理结果和照片见“我的留言”")
    elif template == "case_closed":
        body = _("请在“我的留言”中评价办理结果")
    else:
        body = case.title
    return f"{titles[template]}:{case.number}", body, params


def reporter_accounts_q(case: Case) -> Q | None:
    """Which resident accounts a case belongs to: the reporter's own account, or the account
    linked to the registry resident named as reporter (hotline, window, live room)."""
    q = Q()
    if case.reporter_user_id:
        q |= Q(user_id=case.reporter_user_id)
    if case.reporter_resident_id:
        q |= Q(resident_id=case.reporter_resident_id)
    return q or None


def case_reporter_notify(case: Case, events: Sequence[CaseEvent]) -> int:
    """Tell the case's resident, and the residents following it (gongzhi.intel: "我也遇到",
    reporters of merged duplicates), about `events` on every channel; returns messages
    written. The followers are a subquery of the same one look-up."""
    from gongzhi.intel.selectors import follower_accounts_q
    from gongzhi.portal.models import ResidentAccount

    wanted = [(e, REPORTER_ACTIONS[e.action]) for e in events if e.action in REPORTER_ACTIONS]
    if not wanted:
        return 0
    q = reporter_accounts_q(case)
    q = follower_accounts_q(case) if q is None else q | follower_accounts_q(case)
    limit = MAX_ACCOUNTS + MAX_FOLLOWERS
    accounts = list(ResidentAccount.objects.filter(q).order_by("pk")[:limit])
    with translation.override(settings.LANGUAGE_CODE):  # residents read Chinese, whoever acts
        inbox, outbound = _messages(case, wanted, accounts)
    insert_rows(inbox)
    outbound_queue_many(outbound)
    return len(inbox) + len(outbound)


def _messages(
    case: Case, wanted: Iterable[tuple[CaseEvent, str]], accounts: Iterable[ResidentAccount]
) -> tuple[list, list]:
    inbox, outbound = [], []
    for account in accounts:
        for event, template in wanted:
            title, body, params = _message(case, event, template)
            inbox.append(
                Notification(
                    user_id=account.user_id,
                    case=case,
                    kind=template,
                    title=title,
                    body=body,
                    created_at=event.at,
                )
            )
            if account.notify_sms:
                outbound.append(_outbound("sms", account.phone, template, params, event.at))
            if account.notify_wechat and account.wechat_openid:
                page = f"{_my_posts_url()}#case-{case.pk}"
                wechat = params | {"title": title, "page": page}
                outbound.append(
                    _outbound("wechat", account.wechat_openid, template, wechat, event.at)
                )
    return inbox, outbound


def _outbound(
    channel: str, to: str, template: str, params: dict, at: dt.datetime
) -> OutboundMessage:
    return OutboundMessage(channel=channel, to=to, template=template, params=params, created_at=at)


def outbound_queue_many(messages: list[OutboundMessage]) -> list[OutboundMessage]:
    """Store messages and enqueue ONE delivery task for all of them, in the caller's
    transaction (a task per message would double the writes of a state change)."""
    from .tasks import outbound_deliver_many

    if not messages:
        return []
    insert_rows(messages)
    outbound_deliver_many.enqueue([m.pk for m in messages])
    return messages


def center_staff_ids(grid: Grid) -> list[int]:
    """User ids of the staff of the nearest center above (or at) a grid, in one query."""
    from gongzhi.core.roles import CENTER_ALERTS, roles_with
    from gongzhi.grids.models import Grid
    from gongzhi.org.models import Staff

    step = Grid.steplen
    paths = ancestor_paths(grid.path, step)
    rows = Staff.objects.filter(
        center__grid__path__in=paths, active=True, role__in=roles_with(CENTER_ALERTS)
    ).values_list("user_id", "center__grid__path")
    by_path: dict[str, list[int]] = {}
    for user_id, path in rows:
        by_path.setdefault(path, []).append(user_id)
    nearest = max(by_path, key=len, default=None)
    return sorted(by_path[nearest]) if nearest else []


def staff_waiting_notify(case: Case, events: Sequence[CaseEvent]) -> int:
    """The center hears when a case waits for it: resolved → 核查."""
    from .notify import notify_users

    if not any(e.action == "resolve" for e in events):
        return 0
    return notify_users(
        center_staff_ids(case.grid),
        case=case,
        kind="waits_verify",
        title=_("事件待核查:%(number)s") % {"number": case.number},
        body=case.title,
    )


def case_changed_notify(case: Case, events: Sequence[CaseEvent]) -> int:
    """The one hook every case state change goes through (cases.services)."""
    return case_reporter_notify(case, events) + staff_waiting_notify(case, events)


def case_created_notify(case: Case) -> int:
    """A new case: its reporter hears it was received (no query when nobody reported it)."""
    if reporter_accounts_q(case) is None:
        return 0
    event = CaseEvent(case=case, action="report", at=case.created_at)
    return case_reporter_notify(case, [event])
