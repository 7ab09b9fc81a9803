"""Where a request is: lat/long (cases.geo), address_id (a grid code) or address_string."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F, Value

from gongzhi.cases.geo import grid_for_point
from gongzhi.core.memo import Memo
from gongzhi.grids.models import Grid

from .errors import bad_request

# Grids by code (address_id), per process for OPEN311_MEMO_SECONDS (apps.py forgets on a save).
GRIDS = Memo("open311.grids", settings.OPEN311_MEMO_SECONDS)

_SPACE = re.compile(r"\s+")


@dataclass
class Location:
    grid: Grid
    address: str
    lat: float | None = None
    lng: float | None = None
    address_id: str = ""


def _coordinate(raw: str, name: str, limit: float) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise bad_request(f"{name} 不是有效的数字:{raw[:30]}") from None
    if not math.isfinite(value) or abs(value) > limit:
        raise bad_request(f"{name} 超出范围")
    return value


def location_resolve(
    *, lat: str = "", lng: str = "", address_string: str = "", address_id: str = ""
) -> Location:
    """Empty strings mean absent. Coordinates win, then address_id, then address_string."""
    address = address_string.strip()[:200]
    if bool(lat) != bool(lng):
        raise bad_request("lat 和 long 必须同时提供")
    if lat:
        la, lo = _coordinate(lat, "lat", 90), _coordinate(lng, "long", 180)
        grid = grid_for_point(la, lo)
        if grid is None:
            raise bad_request("该位置不在本区网格范围内")
        return Location(grid, address or grid.full_name, la, lo, address_id.strip())
    if address_id:
        code = address_id.strip()
        grid = GRIDS.get(
            code, lambda: next(iter(Grid.objects.filter(code=code).order_by()[:1]), None)
        )
        if grid is None:
            raise bad_request(f"未知的 address_id:{address_id[:40]}")
        return Location(grid, address or grid.full_name, address_id=grid.code)
    if address:
        return Location(grid_for_address(address), address)
    raise bad_request("请提供事件位置:lat 和 long、address_string 或 address_id 之一")


def grid_for_address(text: str) -> Grid:
    """The grid whose chain of names best covers the address.

    Every grid whose name occurs in the text is a candidate; a candidate scores the total
    length of the matched names along its ancestor chain, so "公园路46号楼院1号楼1单元"
    picks that courtyard's unit rather than another "1单元". A tie is ambiguous → 400.
    """
    text = _SPACE.sub("", text)
    exact = Grid.objects.filter(full_name=text).exclude(full_name="").order_by("-depth")
    if len(found := list(exact[:2])) == 1:
        return found[0]
    matched = {
        g.path: g
        for g in Grid.objects.annotate(t=Value(text))
        .filter(t__contains=F("name"))
        .only("pk", "path", "name", "depth")[:500]
    }
    if not matched:
        raise bad_request(f"无法根据地址确定所在网格:{text[:60]}")
    step = Grid.steplen

    def score(grid: Grid) -> int:
        chain = (grid.path[: i * step] for i in range(1, grid.depth + 1))
        return sum(len(matched[p].name) for p in chain if p in matched)

    ranked = sorted(matched.values(), key=score, reverse=True)
    if len(ranked) > 1 and score(ranked[0]) == score(ranked[1]):
        raise bad_request(f"地址对应多个网格,请写得更具体:{text[:60]}")
    return Grid.objects.get(pk=ranked[0].pk)
