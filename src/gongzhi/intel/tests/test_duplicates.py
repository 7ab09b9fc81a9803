"""「已有人反映?」: open cases nearby that read like the new text, precision first."""

import datetime as dt

import time_machine

from gongzhi.core import clock

from ..duplicates import duplicates_for
from .conftest import act, close, report

LAMP = "3号楼前面的路灯坏了好几天了,晚上很黑"


def numbers(found) -> list[str]:
    return [d.number for d in found]


def test_an_open_case_in_a_sibling_unit_that_reads_alike_is_found(trained, district):
    d = district
    old = report(
        d,
        text="3号楼门口路灯不亮,晚上黑乎乎的",
        code="0401",
        grid=d.unit_b,
        extra={"facility": "streetlight"},
    )
    found = duplicates_for(text=LAMP, grid=d.unit_a)
    assert numbers(found) == [old.number]
    assert 0.4 <= found[0].score <= 1


def test_a_different_problem_in_the_same_building_is_not_offered(trained, district):
    d = district
    report(d, text="3号楼的电梯坏了好几天了,老人上下楼很困难", code="0404", grid=d.unit_b)
    report(d, text="3号楼楼道里贴满了小广告", code="0302")
    assert duplicates_for(text=LAMP, grid=d.unit_a) == []


def test_closed_cases_other_communities_and_old_cases_are_left_out(trained, district):
    d = district
    lamp = {"code": "0401", "extra": {"facility": "streetlight"}}
    close(d, report(d, text="3号楼门口路灯不亮,晚上黑乎乎的", **lamp))
    report(d, text="3号楼门口路灯不亮,晚上黑乎乎的", by="xifeng_center", grid=d.unit_x, **lamp)
    with time_machine.travel(clock.now() - dt.timedelta(days=40)):
        report(d, text="3号楼门口路灯不亮,晚上黑乎乎的", **lamp)
    assert duplicates_for(text=LAMP, grid=d.unit_a) == []


def test_the_readers_scope_limits_what_is_offered(trained, district):
    d = district
    report(
        d,
        text="3号楼门口路灯不亮,晚上黑乎乎的",
        code="0401",
        grid=d.unit_b,
        extra={"facility": "streetlight"},
    )
    from gongzhi.cases.selectors import case_list_for

    mine = duplicates_for(text=LAMP, grid=d.unit_a, within=case_list_for(d.users["gridworker"]))
    theirs = duplicates_for(text=LAMP, grid=d.unit_a, within=case_list_for(d.users["gridworker_b"]))
    assert (mine, len(theirs)) == ([], 1)


def test_before_any_model_only_a_close_wording_counts(district):
    d = district
    same = report(d, text="单元门禁坏了关不上,外人随便进", code="0202")
    report(d, text="单元楼道的声控灯坏了", code="0401", extra={"facility": "other"})
    found = duplicates_for(text="我们单元的门禁坏了,门一直关不上,外人随便进", grid=d.unit_a)
    assert numbers(found) == [same.number]


def test_a_point_finds_cases_nearby_without_a_grid(trained, district):
    d = district
    near = report(d, text="路面塌陷出现大坑,车辆无法通行", code="0402", lat=39.7401, lng=98.5102)
    report(d, text="路面塌陷出现大坑,车辆无法通行", code="0402", lat=39.80, lng=98.60)
    found = duplicates_for(text="路面塌陷了一个大坑,车辆无法通行", lat=39.7405, lng=98.5100)
    assert numbers(found) == [near.number]


def test_a_merged_case_is_no_longer_offered(trained, district):
    d = district
    first = report(
        d, text="3号楼门口路灯不亮,晚上黑乎乎的", code="0401", extra={"facility": "streetlight"}
    )
    second = report(
        d, text="3号楼门口路灯不亮,晚上很黑", code="0401", extra={"facility": "streetlight"}
    )
    act(d, second, "center", "merge", into=first)
    assert numbers(duplicates_for(text=LAMP, grid=d.unit_a)) == [first.number]
