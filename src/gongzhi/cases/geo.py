"""Which grid a point falls in: the per-process boundary index of grids.geo (no scan)."""

from gongzhi.grids.geo import grid_for_point

__all__ = ["grid_for_point"]
