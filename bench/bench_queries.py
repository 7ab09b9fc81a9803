"""Reads at full scale: subtree counts, the registry's first page, the grid tree summary.

Targets: ≤ 50 ms (median) for counting a level-1 grid's residents and for the first page
of its resident list. Times are medians after warm-up; the level-1 grid is the one with
the most residents (the worst case).
"""

from __future__ import annotations

import os

from bench.harness import ensure_full_district, median, timed, vendor

ORDER = 20
RUNS = int(os.environ.get("BENCH_QUERY_RUNS", "50"))
SLOW_RUNS = int(os.environ.get("BENCH_SLOW_RUNS", "10"))
PAGE = 50
REGISTRY_ORDER = ("grid_id", "id")  # as people.views.registry.resident_list orders it
PATH_ORDER = ("grid__path", "id")


def main(report) -> None:
    from django.conf import settings
    from django.db import connection

    from gongzhi.grids.models import Grid, Level
    from gongzhi.grids.selectors import count_under, counts_per_child
    from gongzhi.people.models import Resident

    ensure_full_district()
    if vendor() == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")  # what autovacuum does shortly after a bulk load

    root = Grid.objects.get(depth=1, code=settings.DISTRICT_CODE)  # not bench_import's root
    per_l1 = counts_per_child(Resident.objects.all(), "grid__path", root)
    grid = Grid.objects.get(path=max(per_l1, key=per_l1.get), level=Level.TOWNSHIP)
    where = f"{grid.name}, {per_l1[grid.path]:,} residents"
    admin = _bench_admin()

    def count():
        return count_under(Resident.objects.all(), "grid__path", grid)

    ms = timed(count, runs=RUNS)
    report("count_residents_level1", median(ms), "ms", f"target ≤ 50; {where}; {_n(RUNS)}")

    ms = timed(lambda: _first_page(admin, grid), runs=RUNS)
    report("resident_list_first_page", median(ms), "ms", f"target ≤ 50; {where}; {_n(RUNS)}")
    ms = timed(lambda: _first_page(admin, root), runs=RUNS)
    report("resident_list_first_page_district", median(ms), "ms", f"whole district; {_n(RUNS)}")
    # The same pages ordered by the grid's path instead of its id: see docs/benchmarks.md.
    for label, target in (("", grid), ("_district", root)):
        ms = timed(lambda t=target: _first_page(admin, t, order=PATH_ORDER), runs=RUNS)
        report(
            f"resident_list_first_page{label}_path_order",
            median(ms),
            "ms",
            f"order_by{PATH_ORDER}; {target.name}; {_n(RUNS)}",
        )

    for label, target in (("district", root), ("level1", grid)):
        ms = timed(lambda t=target: _summary(t), runs=SLOW_RUNS, warmup=1)
        report(f"grid_summary_{label}", median(ms), "ms", f"{target.name}; {_n(SLOW_RUNS)}")

    client = _client(admin)
    for label, url in (
        ("page_resident_list_level1", f"/people/residents/?grid={grid.pk}"),
        ("page_grid_tree_district", f"/grids/{root.pk}/"),
        ("page_grid_tree_level1", f"/grids/{grid.pk}/"),
    ):
        ms = timed(lambda u=url: _get(client, u), runs=SLOW_RUNS, warmup=1)
        report(label, median(ms), "ms", f"GET {url} rendered, as admin; {_n(SLOW_RUNS)}")


def _n(runs: int) -> str:
    return f"median of {runs}"


def _bench_admin():
    from django.contrib.auth import get_user_model

    from gongzhi.core.roles import Role
    from gongzhi.org.services import staff_create

    user = get_user_model().objects.filter(username="bench_admin").first()
    if user is None:
        user = staff_create(username="bench_admin", name="基准测试", role=Role.ADMIN).user
    return user


def _first_page(user, grid, *, order=REGISTRY_ORDER) -> list:
    """What the registry does for one page: count, 50 ordered rows, tags, masked values."""
    from django.core.paginator import Paginator
    from django.db.models import Prefetch

    from gongzhi.people.models import ResidentTag
    from gongzhi.people.selectors import resident_list_for, resident_search

    user = type(user).objects.get(pk=user.pk)  # a fresh request: no cached scope
    qs = resident_search(resident_list_for(user), grid=grid, user=user)
    tags = Prefetch("tags", queryset=ResidentTag.objects.restrict(user).order_by("kind", "tag"))
    qs = qs.prefetch_related(tags).order_by(*order)
    page = Paginator(qs, PAGE).get_page(1)
    rows = [
        (
            r.masked_name,
            r.masked_id_number,
            r.masked_phone,
            r.get_kind_display(),
            r.grid.full_name,
            r.household.house_number,
            [t.tag for t in r.tags.all()],
        )
        for r in page.object_list
    ]
    assert len(rows) == PAGE and page.paginator.count > PAGE
    return rows


def _summary(grid) -> dict:
    from gongzhi.grids.selectors import grid_children, grid_subtree_summary

    return grid_subtree_summary(grid, list(grid_children(grid)))


def _client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def _get(client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
