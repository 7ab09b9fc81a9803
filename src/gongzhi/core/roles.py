"""Staff roles and what each may do: the one permission table.

Two questions decide every permission, and each has one place:
- WHAT a role may do: the capability table below, read through `core.access.can` and
  `core.access.require` (and `has` / `roles_with` when the question is about another staff
  member, e.g. "is the chosen officer a police officer?").
- WHERE: the grid subtree the user may see, `core.access.restrict()` / `grid_in_scope()`.

No other module names a role in a permission check: it names a capability. The navigation
(core.navigation) and each role's landing page read this table too. Tests hold the expected
roles x capabilities matrix written out (core/tests/test_capabilities.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Role(models.TextChoices):
    ADMIN = "admin", _("区管理员")
    LEADER = "leader", _("区领导")
    CENTER_STAFF = "center_staff", _("综治中心工作人员")
    MEDIATOR = "mediator", _("调解员")
    COUNSELOR = "counselor", _("心理咨询师")
    POLICE = "police", _("民警")
    CARE_WORKER = "care_worker", _("关爱工作人员")
    SOCIAL_WORKER = "social_worker", _("社会组织工作人员")
    GRID_WORKER = "grid_worker", _("网格员")
    # An officer of a stationed department (检察院, 法院, 司法所, 信访, 人社, 民政); police
    # officers keep the police role.
    OFFICER = "officer", _("入驻部门工作人员")


# Roles whose scope is their center's whole district regardless of assignments (or the whole
# city or province when their center is one of those); scope, not capability: see
# core.access.scope_paths.
DISTRICT_WIDE = frozenset({Role.ADMIN, Role.LEADER})

WRITE_ACTIONS = frozenset({"change", "add", "delete"})

# --- capabilities: "view" is implied for every staff role inside its own subtree -------------
# registry (people, households, grids)
CHANGE = "change"  # create/update people, households and grids
REVEAL_PII = "reveal_pii"  # see full ID numbers, phones and names (audited)
VIEW_SPECIAL = "view_special"  # see special-population (重点人员) tags
IMPORT = "import"
EXPORT = "export"
PRINT_CARDS = "print_cards"  # 连心卡: only reads, but hands out contact sheets in bulk
MANAGE_GRIDS = "manage_grids"  # import grid boundaries (and move or rename grids)
ADMIN_SITE = "admin_site"  # Django's admin pages (管理后台): a superuser account
# cases (the workflow table in cases/workflow.py names these per transition)
CASE_DISPATCH = "case_dispatch"  # accept, reject, dispatch, escalate, merge, follow up
CASE_SUPERVISE = "case_supervise"  # extensions, 核查, close, reopen, divert; consultations
CASE_SELF_HANDLE = "case_self_handle"  # 网格内自办
CENTER_ALERTS = "center_alerts"  # told what waits for the center (核查, binds, posts, risks)
# residents' portal and hotline
MODERATE = "moderate"  # hide, publish, redact board posts; board settings
BIND_APPROVE = "bind_approve"  # confirm residents' unit bindings
HOTLINE = "hotline"  # take 民情热线 calls
LIVE_SCHEDULE = "live_schedule"  # arrange a live room (直播间) for the district
# the hall and the five rooms (一厅五室)
HALL = "hall"  # work the reception hall: queue, windows, visits, referrals, kiosks
PUBLICITY = "publicity"  # edit policy articles and FAQs
MEDIATE = "mediate"
COUNSEL = "counsel"  # hold counselling sessions: own calendar, session notes, supervision
COUNSELING_MANAGE = "counseling_manage"  # arrange counsellors' calendars, grant supervision
COUNSELING_SCHEDULE = "counseling_schedule"  # see appointments, schedule requests
CARE = "care"  # record care work (plans, visits, help)
CARE_ASSIGNEE = "care_assignee"  # may be made responsible for a care target's visits
POLICE_REFER = "police_refer"  # refer cases to the police, close referrals
POLICE_RECORD = "police_record"  # record the police side: receipt, feedback, duty roster
POLICE_DUTY = "police_duty"  # be the officer on a referral or the duty roster
KEY_PERSONS = (
    "key_persons"  # 重点人员 files: 帮教/管控 records, risk levels, check-ins (with VIEW_SPECIAL)
)
KEEP_DEPARTMENTS = "keep_departments"  # a center's stationed departments and their officers
HAZARD = "hazard"  # report and follow security hazards; joint patrols
SOCIAL_MANAGE = "social_manage"  # organisations, members, activities
# the grid worker's workbench
FIELDWORK = "fieldwork"  # diary, patrol reports, inspections, information collection
DIARY_REVIEW = "diary_review"  # read every diary in scope (not only one's own), comment
CHANGE_REVIEW = "change_review"  # approve workers' sensitive registry changes
# the command center (综治指挥中心)
COMMAND = "command"  # the wall display and the leader's dashboard
# early warnings (预警, intel): who answers for each kind; readers see every kind
ALERTS = "alerts"  # open the early-warning list (some kind of alert reaches the role)
ALERTS_READ = "alerts_read"  # read every kind of alert in scope
ALERTS_HANDLE_ANY = "alerts_handle_any"  # acknowledge or close any kind
ALERTS_MEDIATION = "alerts_mediation"  # the same parties in repeated disputes
ALERTS_CENTER = "alerts_center"  # surges in a grid, cases stuck or reopened
ALERTS_POLICE = "alerts_police"  # special-population residents in new disputes or calls
ALERTS_CARE = "alerts_care"  # care targets with an overdue visit who called

_A, _L, _C = Role.ADMIN, Role.LEADER, Role.CENTER_STAFF
_M, _CO, _P = Role.MEDIATOR, Role.COUNSELOR, Role.POLICE
_CW, _SW, _G = Role.CARE_WORKER, Role.SOCIAL_WORKER, Role.GRID_WORKER

# capability -> the roles that have it
CAPABILITIES: dict[str, frozenset[str]] = {
    CHANGE:              frozenset({_A, _C, _G}),
    REVEAL_PII:          frozenset({_A, _C, _P}),
    VIEW_SPECIAL:        frozenset({_A, _C, _P}),
    IMPORT:              frozenset({_A, _C}),
    EXPORT:              frozenset({_A, _L, _C}),
    PRINT_CARDS:         frozenset({_A, _L, _C, _G}),
    MANAGE_GRIDS:        frozenset({_A}),
    ADMIN_SITE:          frozenset({_A}),
    CASE_DISPATCH:       frozenset({_A, _C, _G}),
    CASE_SUPERVISE:      frozenset({_A, _C}),
    CASE_SELF_HANDLE:    frozenset({_G}),
    CENTER_ALERTS:       frozenset({_A, _C}),
    MODERATE:            frozenset({_A, _C}),
    BIND_APPROVE:        frozenset({_A, _C}),
    HOTLINE:             frozenset({_A, _C}),
    LIVE_SCHEDULE:       frozenset({_A, _C}),
    HALL:                frozenset({_A, _C}),
    PUBLICITY:           frozenset({_A, _C}),
    MEDIATE:             frozenset({_A, _C, _M}),
    COUNSEL:             frozenset({_CO}),
    COUNSELING_MANAGE:   frozenset({_A, _C}),
    COUNSELING_SCHEDULE: frozenset({_A, _C, _CO}),
    CARE:                frozenset({_A, _C, _CW, _G}),
    CARE_ASSIGNEE:       frozenset({_C, _CW, _G}),
    POLICE_REFER:        frozenset({_A, _C}),
    POLICE_RECORD:       frozenset({_A, _C, _P}),
    POLICE_DUTY:         frozenset({_P}),
    KEY_PERSONS:         frozenset({_A, _C, _P}),
    KEEP_DEPARTMENTS:    frozenset({_A, _C}),
    HAZARD:              frozenset({_A, _C, _P, _G}),
    SOCIAL_MANAGE:       frozenset({_A, _C, _SW}),
    FIELDWORK:           frozenset({_G}),
    DIARY_REVIEW:        frozenset({_A, _L, _C, _M, _CO, _P, _CW, _SW}),
    CHANGE_REVIEW:       frozenset({_A, _C}),
    COMMAND:             frozenset({_A, _L, _C}),
    ALERTS:              frozenset({_A, _L, _C, _M, _P, _CW}),
    ALERTS_READ:         frozenset({_A, _L, _C}),
    ALERTS_HANDLE_ANY:   frozenset({_A}),
    ALERTS_MEDIATION:    frozenset({_M}),
    ALERTS_CENTER:       frozenset({_C}),
    ALERTS_POLICE:       frozenset({_P}),
    ALERTS_CARE:         frozenset({_CW}),
}  # fmt: skip

# The refusal each capability's check gives unless the caller words it for its page.
DENIED: dict[str, StrOrPromise] = {
    CARE: _("您无权为该居民登记关爱工作"),
    HALL: _("您无权办理该综治中心大厅的业务"),
    PUBLICITY: _("您无权编辑政策宣传内容"),
    MEDIATE: _("您无权办理该综治中心的矛盾纠纷调解"),
    SOCIAL_MANAGE: _("您无权管理该网格的社会组织"),
    HOTLINE: _("仅综治中心工作人员可以受理热线来电"),
    LIVE_SCHEDULE: _("只有区管理员和综治中心工作人员可以安排直播"),
    MODERATE: _("您无权管理该留言"),
    BIND_APPROVE: _("您无权确认该绑定申请"),
    COUNSEL: _("只有心理咨询师可以填写咨询记录"),
    DIARY_REVIEW: _("只有负责该网格的中心工作人员可以点评"),
    CHANGE_REVIEW: _("只有本社区综治中心工作人员可以审核"),
    COMMAND: _("只有区领导、系统管理员和综治中心工作人员可以查看指挥中心"),
    KEY_PERSONS: _("您无权管理该网格的重点人员"),
    KEEP_DEPARTMENTS: _("您无权管理该综治中心的入驻部门人员"),
}

# Where each role lands after signing in: a key of core.navigation.NAV.
LANDING: dict[str, str] = {
    _A: "cases",
    _L: "kpis",
    _C: "cases",
    _M: "mediation",
    _CO: "counseling",
    _P: "liaison",
    _CW: "care",
    _SW: "social",
    _G: "workbench",
    Role.OFFICER: "consultations",  # a stationed department's officer: opinions and tasks
}


def has(role: str | None, capability: str) -> bool:
    """Whether a role (e.g. another staff member's) has a capability."""
    return role is not None and role in CAPABILITIES[capability]


def roles_with(capability: str) -> list[str]:
    """The roles that have a capability, for queries (`Staff.objects.filter(role__in=…)`)."""
    return sorted(CAPABILITIES[capability])
