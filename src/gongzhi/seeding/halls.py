"""Every center's reception hall ready to work: its services (取号 prefixes) and windows."""

from __future__ import annotations

from collections.abc import Iterable

from gongzhi.hall.models import Service, Window
from gongzhi.org.models import Center

# prefix → service name; the order is the kiosk's.
HALL_SERVICES = (
    ("A", "综合受理"),
    ("B", "矛盾纠纷调解"),
    ("C", "信访接待"),
    ("D", "法律咨询与援助"),
    ("E", "社会事务(民政、人社)"),
)
# window → the prefixes it serves.
HALL_WINDOWS = (
    ("1号窗口", ("A", "B")),
    ("2号窗口", ("A", "C", "D")),
    ("3号窗口", ("A", "E")),
)


def halls_create(centers: Iterable[Center]) -> dict[str, int]:
    """The services and windows of each center's hall (centers are new: nothing to clash)."""
    centers = list(centers)
    services = Service.objects.bulk_create(
        Service(center=center, name=name, prefix=prefix, order=i)
        for center in centers
        for i, (prefix, name) in enumerate(HALL_SERVICES)
    )
    by_center = {}
    for s in services:
        by_center.setdefault(s.center_id, {})[s.prefix] = s
    windows = Window.objects.bulk_create(
        Window(center=center, name=name) for center in centers for name, _p in HALL_WINDOWS
    )
    prefixes = dict(HALL_WINDOWS)
    links = [
        Window.services.through(window_id=w.pk, service_id=by_center[w.center_id][p].pk)
        for w in windows
        for p in prefixes[w.name]
    ]
    Window.services.through.objects.bulk_create(links)
    return {"hall_services": len(services), "hall_windows": len(windows)}
