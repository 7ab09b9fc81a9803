"""Who arranges the counselling room's calendar. Notes are not here: only their author and an
explicitly granted supervisor read them (models.readable_notes_q)."""

from __future__ import annotations

from gongzhi.core.access import grid_in_scope, role_of, staff_of
from gongzhi.core.roles import Role

MANAGERS = frozenset({Role.ADMIN, Role.CENTER_STAFF})


def may_schedule(user, center) -> bool:
    """The center's counsellors, and its staff (window clerks) or a district admin."""
    staff = staff_of(user)
    if staff is not None and staff.active and staff.role == Role.COUNSELOR:
        return staff.center_id == center.pk
    return role_of(user) in MANAGERS and grid_in_scope(user, center.grid)
