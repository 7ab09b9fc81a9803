"""Staff roles and what each may do. The single table every permission check reads."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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


# Capabilities. "view" is implied for every staff role inside its own subtree.
CHANGE = "change"  # create/update people, households and grids
REVEAL_PII = "reveal_pii"  # see full ID numbers, phones and names (audited)
VIEW_SPECIAL = "view_special"  # see special-population (重点人员) tags
IMPORT = "import"
EXPORT = "export"
MANAGE_GRIDS = "manage_grids"  # move or rename grids

CAPABILITIES: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset({CHANGE, REVEAL_PII, VIEW_SPECIAL, IMPORT, EXPORT, MANAGE_GRIDS}),
    Role.LEADER: frozenset({EXPORT}),
    Role.CENTER_STAFF: frozenset({CHANGE, REVEAL_PII, VIEW_SPECIAL, IMPORT, EXPORT}),
    Role.MEDIATOR: frozenset(),
    Role.COUNSELOR: frozenset(),
    Role.POLICE: frozenset({REVEAL_PII, VIEW_SPECIAL}),
    Role.CARE_WORKER: frozenset(),
    Role.SOCIAL_WORKER: frozenset(),
    Role.GRID_WORKER: frozenset({CHANGE}),
    Role.OFFICER: frozenset(),
}

# Roles whose scope is the whole district regardless of assignments.
DISTRICT_WIDE = frozenset({Role.ADMIN, Role.LEADER})

WRITE_ACTIONS = frozenset({"change", "add", "delete"})
