"""The panels of the command center: what each JSON endpoint answers and how its numbers
become a spreadsheet. One table, so the page, the wall, the .xlsx files and the monthly
report cannot disagree about what a panel holds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.cases.kpis import period_for

from . import selectors as s

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Panel:
    name: str
    title: StrOrPromise
    data: Callable  # (user, grid, params) -> JSON-able
    sheet: Callable  # (data) -> (headers, rows)


def _params_end(params) -> dt.date:
    return s.parse_day(params.get("end"), name="end")


def _period(params):
    kind = (params.get("period") or "month").strip()
    if kind not in ("month", "last_month", "quarter", "last_quarter"):
        raise s.BadParameter(_("参数 period 应为 month、last_month、quarter 或 last_quarter"))
    return period_for(kind)


def _after(params) -> int:
    raw = params.get("after") or "0"
    try:
        after = int(raw)
    except ValueError:
        raise s.BadParameter(_("参数 after 应为事件编号(整数)")) from None
    if not 0 <= after < 2**63:
        raise s.BadParameter(_("参数 after 应为事件编号(整数)"))
    return after


def _live(user, grid, params):
    counts = s.live_counts(user, grid)
    return {"counts": counts, "labels": {k: str(v) for k, v in s.LIVE_LABELS.items()}}


def _live_sheet(data):
    return [_("指标"), _("数值")], [(data["labels"][k], v) for k, v in data["counts"].items()]


def _trend_data(fn):
    def data(user, grid, params):
        return {
            "points": fn(user, grid, end=_params_end(params)),
            "labels": {k: str(v) for k, v in s.TREND_LABELS.items()},
        }

    return data


def _trend_sheet(data):
    keys = list(data["labels"])
    headers = [_("日期"), *(data["labels"][k] for k in keys)]
    return headers, [(p["label"], *(p[k] for k in keys)) for p in data["points"]]


def _categories(user, grid, params):
    end = _params_end(params)
    return {
        "days": s.CATEGORY_DAYS,
        "end": end.isoformat(),
        "rows": s.categories(user, grid, end=end),
    }


def _categories_sheet(data):
    return [_("事件类别"), _("件数")], [(r["name"], r["count"]) for r in data["rows"]]


def _rates(user, grid, params):
    return s.rates_per_child(user, grid, period=_period(params))


def _rates_sheet(data):
    headers = [_("网格")]
    for name in s.RATES:
        label = data["labels"][name]
        headers += [
            f"{label}(%)",
            _("%(rate)s分子") % {"rate": label},
            _("%(rate)s分母") % {"rate": label},
        ]
    rows = []
    for r in data["rows"]:
        row = [r["name"]]
        for name in s.RATES:
            row += [r[name]["percent"], r[name]["numerator"], r[name]["denominator"]]
        rows.append(row)
    return headers, rows


def _grids(user, grid, params):
    table = s.grid_table(user, grid)
    children = table.pop("children")
    return table | {"map": s.grid_map(grid, children, table["rows"])}


def _grids_sheet(data):
    headers = [_("网格"), _("编码"), _("办理中"), _("超时"), _("超时率(%)"), _("今日新增")]
    rows = [
        (r["name"], r["code"], r["open"], r["overdue"], r["overdue_rate"], r["today"])
        for r in data["rows"]
    ]
    t = data["total"]
    rows.append(
        (_("合计"), data["grid"]["code"], t["open"], t["overdue"], t["overdue_rate"], t["today"])
    )
    return headers, rows


def _top(user, grid, params):
    return {"rows": s.top_grids(user, grid)}


def _top_sheet(data):
    return [_("网格"), _("办理中"), _("超时")], [
        (r["name"], r["open"], r["overdue"]) for r in data["rows"]
    ]


def _rooms(user, grid, params):
    data = s.rooms(user, grid)
    labels = {room: {k: str(v) for k, v in ls.items()} for room, ls in s.ROOM_LABELS.items()}
    return data | {"labels": labels}


def _rooms_sheet(data):
    rows = []
    for room, title in (("mediation", _("矛盾纠纷调解室")), ("care", _("关爱工作室"))):
        rows += [(title, data["labels"][room][k], v) for k, v in data[room].items()]
    return [_("科室"), _("指标"), _("数值")], rows


def _events(user, grid, params):
    return {"events": s.recent_events(user, grid, after=_after(params))}


def _events_sheet(data):
    headers = [_("时间"), _("事件编号"), _("标题"), _("动作"), _("来源渠道"), _("网格")]
    return headers, [
        (e["at"][:16].replace("T", " "), e["case"], e["title"], e["label"], e["channel"], e["grid"])
        for e in data["events"]
    ]


PANELS = {
    p.name: p
    for p in (
        Panel("live", gettext_lazy("实时态势"), _live, _live_sheet),
        Panel("trend30", gettext_lazy("近30天趋势"), _trend_data(s.trend_days), _trend_sheet),
        Panel("trend12", gettext_lazy("近12个月趋势"), _trend_data(s.trend_months), _trend_sheet),
        Panel("categories", gettext_lazy("近30天事件类别"), _categories, _categories_sheet),
        Panel("rates", gettext_lazy("三率与化解率"), _rates, _rates_sheet),
        Panel("grids", gettext_lazy("各网格办理情况"), _grids, _grids_sheet),
        Panel("top", gettext_lazy("问题较多的网格"), _top, _top_sheet),
        Panel("rooms", gettext_lazy("调解室与关爱工作室"), _rooms, _rooms_sheet),
        Panel("events", gettext_lazy("最新动态"), _events, _events_sheet),
    )
}
