"""JSON for the maps: grid outlines (GeoJSON) and which grid a point is in."""

from __future__ import annotations

import math

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from gongzhi.core.access import grid_in_scope, role_of
from gongzhi.grids.geo import grid_for_point
from gongzhi.grids.selectors import grid_outlines_for, map_grids_for

GEOJSON = "application/geo+json"


class BadParam(ValueError):
    pass


def _bad(message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=400, json_dumps_params={"ensure_ascii": False})


def _number(request, name: str, low: float, high: float) -> float | None:
    raw = (request.GET.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = float(raw[:40])
    except ValueError:
        raise BadParam(_("参数 %(name)s 不是有效的数字") % {"name": name}) from None
    if not math.isfinite(value) or not low <= value <= high:
        raise BadParam(_("参数 %(name)s 超出范围") % {"name": name})
    return value


def _bbox(request) -> tuple[float, float, float, float] | None:
    raw = (request.GET.get("bbox") or "").strip()
    if not raw:
        return None
    parts = raw[:200].split(",")
    try:
        west, south, east, north = (float(p) for p in parts)
    except ValueError:
        raise BadParam(_("参数 bbox 应为“西,南,东,北”四个经纬度数字")) from None
    ok = all(math.isfinite(v) for v in (west, south, east, north))
    if not ok or not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise BadParam(_("参数 bbox 超出经纬度范围"))
    return west, south, east, north


@require_GET
def grid_outlines(request):
    """GeoJSON outlines in the user's scope: ?zoom=&bbox=w,s,e,n, ?parent=<id> or ?grid=<id>."""
    try:
        zoom = _number(request, "zoom", 0, 22)
        level = _number(request, "level", 0, 5)
        bbox = _bbox(request)
        chosen = {name: _number(request, name, 1, 2**63 - 1) for name in ("parent", "grid")}
    except BadParam as exc:
        return _bad(str(exc))
    found = {}
    for name, pk in chosen.items():
        if pk is not None:
            found[name] = map_grids_for(request.user).filter(pk=int(pk)).first()
            if found[name] is None:
                return _bad(_("网格不存在或不在您的管辖范围内"))
    data = grid_outlines_for(
        request.user,
        zoom=None if zoom is None else int(zoom),
        bbox=bbox,
        parent=found.get("parent"),
        grid=found.get("grid"),
        level=None if level is None else int(level),
    )
    response = JsonResponse(data, content_type=GEOJSON, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "private, max-age=60"
    return response


@require_GET
def grid_locate(request):
    """Which grid a point is in (staff): {"grid": {id, name, full_name}} or {"grid": null}."""
    if role_of(request.user) is None:
        return JsonResponse({"error": _("请先登录")}, status=403)
    try:
        lat = _number(request, "lat", -90, 90)
        lng = _number(request, "lng", -180, 180)
    except BadParam as exc:
        return _bad(str(exc))
    if lat is None or lng is None:
        return _bad(_("请同时提供 lat 和 lng"))
    grid = grid_for_point(lat, lng)
    if grid is None:
        return JsonResponse({"grid": None, "message": _("该位置不在本区网格范围内")})
    if not grid_in_scope(request.user, grid):
        return JsonResponse({"grid": None, "message": _("该位置不在您的管辖范围内")})
    found = {"id": grid.pk, "code": grid.code, "name": grid.name, "full_name": grid.full_name}
    return JsonResponse({"grid": found}, json_dumps_params={"ensure_ascii": False})
