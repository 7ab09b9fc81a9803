"""Each staff role's navigation and landing page, read from the capability table.

An entry names the capability it needs (None: any active staff member may use the page), so a
role sees exactly the pages its capabilities open (core.roles), and lands on core.roles.LANDING.
`group` places an entry: in the bar, or in one of the bar's menus (审核, 一厅五室, 更多); a menu
holding a single entry for a role is shown as a plain link instead. The bar fits one line at
1366 px for every role (core/tests/test_browser_nav.py).

Counts of what waits for the user (posts to moderate, cases to verify, overdue cases …) are
fetched after the page has loaded (`nav_counts`, the /nav/counts/ endpoint), one COUNT query
per counted entry the user sees, each through restrict(): pages pay nothing for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.core.access import can, role_of
from gongzhi.core.roles import (
    ADMIN_SITE,
    ALERTS,
    BIND_APPROVE,
    CARE,
    CHANGE_REVIEW,
    COMMAND,
    COUNSELING_SCHEDULE,
    DIARY_REVIEW,
    FIELDWORK,
    HALL,
    HAZARD,
    HOTLINE,
    KEEP_DEPARTMENTS,
    LANDING,
    MEDIATE,
    MODERATE,
    PRINT_CARDS,
    PUBLICITY,
    SOCIAL_MANAGE,
)

if TYPE_CHECKING:
    from django.urls import ResolverMatch
    from django_stubs_ext import StrOrPromise

    from gongzhi.core.types import AnyUser


BAR, REVIEW, ROOMS, MORE = "bar", "review", "rooms", "more"
MENUS = {REVIEW: _("审核"), ROOMS: _("一厅五室"), MORE: _("更多")}


@dataclass(frozen=True)
class NavEntry:
    key: str
    label: StrOrPromise
    url_name: str
    capability: str | None  # None: any active staff member
    group: str = BAR
    apps: tuple[str, ...] = ()  # URL namespaces whose pages mark the entry as current
    count: str | None = None  # dotted path of f(user) -> int | dict[str, int]


# Order is display order. Counts: "waiting" unless the function names its own kinds.
NAV: tuple[NavEntry, ...] = (
    NavEntry("workbench", _("工作台"), "workbench:index", FIELDWORK, apps=("workbench",)),
    NavEntry("cases", _("事件"), "cases:inbox", None, apps=("cases",),
             count="gongzhi.cases.selectors.case_waiting_counts"),
    NavEntry("calls", _("呼叫响应"), "realtime:staff_console", None,
             count="gongzhi.realtime.selectors.onekey_waiting_count"),
    NavEntry("hotline", _("民情热线"), "portal_staff_hotline", HOTLINE,
             count="gongzhi.hotline.services.hotline_waiting_count"),
    NavEntry("kpis", _("考核指标"), "kpis:home", None, apps=("kpis",)),
    NavEntry("command", _("指挥中心"), "command:dashboard", COMMAND, apps=("command",)),
    NavEntry("moderation", _("留言审核"), "portal_staff_moderation", MODERATE, REVIEW,
             count="gongzhi.portal.selectors.moderation_waiting_count"),
    NavEntry("binds", _("绑定审核"), "portal_staff_binds", BIND_APPROVE, REVIEW,
             count="gongzhi.portal.selectors.bind_request_waiting_count"),
    NavEntry("alerts", _("预警"), "intel:alert_list", ALERTS, REVIEW, apps=("intel",),
             count="gongzhi.intel.selectors.open_alert_count_for"),
    NavEntry("reviews", _("信息变更审核"), "workbench:change_requests", CHANGE_REVIEW, REVIEW,
             count="gongzhi.workbench.selectors.change_request_waiting_count"),
    NavEntry("hall", _("群众接待大厅"), "hall:index", HALL, ROOMS, apps=("hall",)),
    NavEntry("mediation", _("矛盾纠纷调解室"), "mediation:dispute_list", MEDIATE, ROOMS,
             apps=("mediation",)),
    NavEntry("counseling", _("心理咨询室"), "counseling:calendar", COUNSELING_SCHEDULE, ROOMS,
             apps=("counseling",),
             count="gongzhi.counseling.selectors.appointment_request_waiting_count"),
    NavEntry("liaison", _("警民联络室"), "liaison:index", HAZARD, ROOMS, apps=("liaison",)),
    NavEntry("care", _("关爱工作室"), "care:target_list", CARE, ROOMS, apps=("care",),
             count="gongzhi.care.selectors.overdue_plan_count"),
    NavEntry("social", _("社会组织工作室"), "social:organisation_list", SOCIAL_MANAGE, ROOMS,
             apps=("social",)),
    NavEntry("departments", _("入驻部门"), "org:department_list", KEEP_DEPARTMENTS, ROOMS),
    NavEntry("case_map", _("事件地图"), "cases:map", None, MORE),
    NavEntry("grids", _("网格"), "grids:tree", None, MORE, apps=("grids",)),
    NavEntry("people", _("实有人口"), "people:resident_list", None, MORE,
             apps=("people", "people_io", "dashboards")),
    NavEntry("workers", pgettext_lazy("plural", "网格员"), "org:worker_list", None, MORE, apps=("org",)),
    NavEntry("consultations", _("会诊研判"), "consultations:calendar", None, MORE,
             apps=("consultations",)),
    NavEntry("deliberation", _("议事会"), "deliberation:list", None, MORE,
             apps=("deliberation",)),
    NavEntry("live", _("网上民情直播间"), "realtime:live_list", None, MORE),
    NavEntry("diaries", _("民情日记"), "workbench:diary_list", DIARY_REVIEW, MORE),
    NavEntry("publicity", _("政策宣传"), "hall:publicity_manage", PUBLICITY, MORE),
    NavEntry("cards", _("连心卡打印"), "cards:print", PRINT_CARDS, MORE, apps=("cards",)),
    NavEntry("admin_site", _("管理后台"), "admin:index", ADMIN_SITE, MORE),
)  # fmt: skip
BY_KEY = {e.key: e for e in NAV}


def entries_for(user: AnyUser) -> list[NavEntry]:
    """The entries this user's role may use, in display order; none for non-staff."""
    if role_of(user) is None:
        return []
    return [e for e in NAV if e.capability is None or can(user, e.capability)]


def landing_url(user: AnyUser) -> str:
    """Where the user starts after signing in: the role's page, or the portal for residents."""
    role = role_of(user)
    if role is None:
        return reverse("home")
    return reverse(BY_KEY[LANDING[role]].url_name)


@dataclass
class NavItem:
    entry: NavEntry
    url: str
    active: bool

    @property
    def key(self) -> str:
        return self.entry.key

    @property
    def label(self) -> StrOrPromise:
        return self.entry.label


@dataclass
class NavMenu:
    key: str
    label: StrOrPromise
    items: list[NavItem]

    @property
    def active(self) -> bool:
        return any(i.active for i in self.items)


def _is_current(entry: NavEntry, match: ResolverMatch | None) -> bool:
    if match is None:
        return False
    return match.view_name == entry.url_name or match.namespace in entry.apps


def nav_for(user: AnyUser, match: ResolverMatch | None = None) -> list[NavItem | NavMenu]:
    """The bar: plain items and menus, in order of each group's first entry. A menu with one
    item for this user is shown as that item."""
    out: list[NavItem | NavMenu] = []
    menus: dict[str, NavMenu] = {}
    for entry in entries_for(user):
        item = NavItem(entry, reverse(entry.url_name), _is_current(entry, match))
        if entry.group == BAR:
            out.append(item)
        elif entry.group in menus:
            menus[entry.group].items.append(item)
        else:
            menus[entry.group] = NavMenu(entry.group, MENUS[entry.group], [item])
            out.append(menus[entry.group])
    return [m.items[0] if isinstance(m, NavMenu) and len(m.items) == 1 else m for m in out]


# What each count kind is called on the badge (screen readers and the tooltip) and its colour.
BADGES = {
    "waiting": (_("待处理"), "warning"),
    "todo": (_("待办"), "warning"),
    "verify": (_("待核查"), "info"),
    "overdue": (_("超时"), "danger"),
}


def nav_counts(user: AnyUser) -> dict[str, dict[str, int]]:
    """{entry key: {kind: n}} for every counted entry the user sees, zeros left out (an entry
    with nothing waiting maps to {})."""
    out: dict[str, dict[str, int]] = {}
    for entry in entries_for(user):
        if entry.count is not None:
            value = import_string(entry.count)(user)
            kinds = value if isinstance(value, dict) else {"waiting": value}
            out[entry.key] = {k: n for k, n in kinds.items() if n}
    return out


@dataclass
class Badge:
    kind: str
    n: int

    @property
    def label(self) -> StrOrPromise:
        return BADGES[self.kind][0]

    @property
    def colour(self) -> str:
        return BADGES[self.kind][1]


def nav_badges(user: AnyUser, nav: list[NavItem | NavMenu]) -> dict[str, list[Badge]]:
    """The badges of each counted item ("item key") and menu ("menu-<key>": its items' total
    waiting, overdue shown apart) of the bar `nav_for(user)` built."""
    counts = nav_counts(user)
    out: dict[str, list[Badge]] = {}
    for node in nav:
        items = node.items if isinstance(node, NavMenu) else [node]
        for item in items:
            if item.key in counts:
                out[item.key] = [Badge(k, n) for k, n in counts[item.key].items()]
        if isinstance(node, NavMenu) and any(i.key in counts for i in items):
            waiting = sum(
                n
                for i in items
                for k, n in counts.get(i.key, {}).items()
                if k not in ("overdue", "verify")
            )
            overdue = sum(counts.get(i.key, {}).get("overdue", 0) for i in items)
            total = [Badge("waiting", waiting), Badge("overdue", overdue)]
            out[f"menu-{node.key}"] = [b for b in total if b.n]
    return out
