"""Benchmark: print the 民情连心卡 of all 8,093 units of a full district in one background
job (target ≤ 5 min, with progress visible to a concurrent reader).

Standalone:  GONGZHI_MODE=test .venv/bin/python bench/bench_cards.py
It then uses var/bench/bench_cards.sqlite3 and builds the full-scale grid tree, centers,
grid workers and police with the seeding code, without residents (per-unit cards don't need
them). On PostgreSQL, point DATABASE_URL at a database named for this bench, e.g.
postgres://postgres@127.0.0.1:5432/gongzhi_cards_bench (created if missing): a name with
both "cards" and "bench" gets the same build. Under bench/run.py it reuses the full district
of the harness database.

The figure is the wall time of card_print_job_run, the function the task worker runs. A
second thread, on its own database connection, polls the job row the way the job page
does and counts the distinct progress values it saw while the job ran.
"""

from __future__ import annotations

import os
import random
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = ROOT / "var" / "bench"
UNITS = 8093
POLL_SECONDS = 1.0  # the job page polls every second


def _setup_django() -> bool:
    import django
    from django.apps import apps

    if apps.ready:
        return False
    os.environ.setdefault("GONGZHI_MODE", "test")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")
    if not os.environ.get("DATABASE_URL"):
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{BENCH_DIR / 'bench_cards.sqlite3'}"
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        from bench.harness import _postgres_create_if_missing

        _postgres_create_if_missing()
    call_command("migrate", verbosity=0, interactive=False)
    return True


def _own_database() -> bool:
    """A database of this bench's own, where building the district without residents is safe."""
    from django.conf import settings

    name = str(settings.DATABASES["default"]["NAME"])
    return "bench_cards" in name or ("cards" in name and "bench" in name)


def _district_root():
    from django.conf import settings

    from gongzhi.core.paths import subtree_q
    from gongzhi.grids.models import Grid, Level

    root = Grid.objects.filter(depth=1, code=settings.DISTRICT_CODE).first()
    if (
        root
        and Grid.objects.filter(subtree_q("path", root.path), level=Level.UNIT).count() == UNITS
    ):
        return root
    return None


def _build_without_residents() -> None:
    """The seed's grid tree, centers, workers and police at full scale; no residents."""
    from django.db import transaction

    from gongzhi.seeding.district import centers_create, tree_create, tree_plan
    from gongzhi.seeding.identity import NamePool, PhonePool
    from gongzhi.seeding.scale import FULL
    from gongzhi.seeding.services import district_is_empty
    from gongzhi.seeding.staff import StaffWriter, police_create, workers_create

    if not district_is_empty():
        raise SystemExit("bench_cards: the database holds another tree; use an empty one")
    rng = random.Random(2020)
    started = time.perf_counter()
    with transaction.atomic():
        tree = tree_plan(FULL, rng)
        tree_create(tree, batch_size=FULL.batch_size, log=lambda _: None)
        names, phones = NamePool(rng), PhonePool(rng)
        centers = centers_create(tree, rng, phones)
        writer = StaffWriter(FULL.batch_size)
        people = {"names": names, "phones": phones, "writer": writer, "log": print}
        workers_create(tree, FULL, rng, **people)
        police_create(tree, centers, rng, **people)
        writer.finish()
    print(f"  built grids and staff in {time.perf_counter() - started:.0f} s", flush=True)


def _owner():
    from gongzhi.core.roles import Role
    from gongzhi.org.models import Staff
    from gongzhi.org.services import staff_create

    staff = Staff.objects.filter(user__username="bench_cards").select_related("user").first()
    if staff is None:
        staff = staff_create(username="bench_cards", name="打印基准", role=Role.ADMIN)
    return staff.user


class Watcher(threading.Thread):
    """Polls the job row like the job page, on its own connection (autocommit)."""

    def __init__(self, job_id: int):
        super().__init__(daemon=True)
        self.job_id, self.seen, self.stop = job_id, [], threading.Event()

    def run(self) -> None:
        from django.db import connection

        from gongzhi.cards.models import CardPrintJob

        try:
            while not self.stop.is_set():
                row = CardPrintJob.objects.values_list("status", "done", "total").get(
                    pk=self.job_id
                )
                if row[0] == CardPrintJob.Status.RUNNING and (
                    not self.seen or self.seen[-1] != row
                ):
                    self.seen.append(row)
                self.stop.wait(POLL_SECONDS)
        finally:
            connection.close()


def main(report) -> None:
    from django.conf import settings

    from gongzhi.cards.models import CardPrintJob
    from gongzhi.cards.services import card_print_job_run

    root = _district_root()
    if root is None:
        if _own_database():
            _build_without_residents()
        else:
            from bench.harness import ensure_full_district

            ensure_full_district()
        root = _district_root()
    job = CardPrintJob.objects.create(owner=_owner(), root=root, base_url="https://gz.example.cn/")
    watcher = Watcher(job.pk)
    watcher.start()
    started = time.perf_counter()
    done = card_print_job_run(job.pk)
    seconds = time.perf_counter() - started
    watcher.stop.set()
    watcher.join()
    if done.status != CardPrintJob.Status.SUCCEEDED:
        raise RuntimeError(f"card print failed: {done.error}")
    path = Path(settings.MEDIA_ROOT) / done.file_path
    size_mb = path.stat().st_size / 1e6
    report("cards_print_all_units", seconds, "s", f"{done.done:,} cards, target ≤ 300 s")
    report("cards_per_second", done.done / seconds, "/s", "card_print_job_run wall time")
    report(
        "cards_progress_updates_seen",
        len(watcher.seen),
        "n",
        f"distinct running (done/total) values a 1 s poller saw; last {watcher.seen[-1:]}",
    )
    report("cards_pdf_size", size_mb, "MB", f"{-(-done.done // 8):,} A4 pages")
    path.unlink()  # ~tens of MB per run; the figure is the point, not the file


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    _setup_django()
    main(lambda name, value, unit, note="": print(f"{name}: {value:,.2f} {unit}  {note}"))
