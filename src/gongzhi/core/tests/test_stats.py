import io
import re

from django.core.management import call_command

from gongzhi.core.roles import Role
from gongzhi.grids.selectors import grid_level_counts
from gongzhi.org.models import Staff
from gongzhi.people.models import Household, Resident


def _stats() -> str:
    out = io.StringIO()
    call_command("stats", stdout=out)
    return out.getvalue()


def _number(text: str, label: str) -> int:
    match = re.search(rf"{re.escape(label)}: ([\d,]+)", text)
    assert match, f"{label} missing from:\n{text}"
    return int(match.group(1).replace(",", ""))


def _level_counts(text: str) -> dict[int, int]:
    return {
        int(level): int(n.replace(",", ""))
        for level, n in re.findall(r"^\s+(\d)\s+\S+: ([\d,]+)$", text, re.M)
    }


def test_it_prints_the_grids_on_each_level_as_in_the_database(db):
    call_command("seed", "--scale", "demo", "--no-history", stdout=io.StringIO())
    assert _level_counts(_stats()) == grid_level_counts()


def test_it_prints_workers_households_and_residents_as_in_the_database(db):
    call_command("seed", "--scale", "demo", "--no-history", stdout=io.StringIO())
    text = _stats()
    assert (
        _number(text, "网格员 (grid workers)")
        == Staff.objects.filter(role=Role.GRID_WORKER).count()
    )
    assert _number(text, "户 (households)") == Household.objects.count()
    assert _number(text, "实有人口 (residents)") == Resident.objects.count()
    assert "(100.0%)" in text


def test_it_counts_hand_entered_people_as_not_synthetic(district):
    text = _stats()
    assert _number(text, "实有人口 (residents)") == Resident.objects.count() == 4
    assert _number(text, "其中演示数据 (synthetic)") == 0
    assert "(0.0%)" in text
    assert _level_counts(text)[5] == 3
