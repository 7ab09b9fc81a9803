"""The time-limit policy table, read through an in-process cache.

Every case created, accepted or escalated looks up a policy row; the table is tiny and
changes rarely, so each process keeps all of its rows and picks the match in Python.
The cache is dropped when a row is saved or deleted (signals bump a generation number in
Django's cache, which is shared between processes when Redis is configured) and, as a
backstop for a per-process cache, after POLICY_CACHE_SECONDS (which also bounds how long
rows of a change that was later rolled back can linger). Tests clear it around each test.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Phase, TimeLimitPolicy

if TYPE_CHECKING:
    from gongzhi.cases.models import Category


POLICY_CACHE_SECONDS = 60.0
_GENERATION_KEY = "cases:policy-generation"
_lock = threading.Lock()
_state: dict = {"generation": None, "loaded_at": 0.0, "rows": None}


class NoPolicy(LookupError):
    pass


def _rows() -> list[TimeLimitPolicy]:
    generation = cache.get(_GENERATION_KEY, 0)
    with _lock:
        fresh = time.monotonic() - _state["loaded_at"] < POLICY_CACHE_SECONDS
        if _state["rows"] is None or _state["generation"] != generation or not fresh:
            _state["rows"] = list(TimeLimitPolicy.objects.order_by("-version", "pk"))
            _state["generation"], _state["loaded_at"] = generation, time.monotonic()
        return _state["rows"]


def policy_cache_clear() -> None:
    """Forget the cached rows here and (through the shared cache) in other processes."""
    with _lock:
        _state["rows"] = None
    try:
        cache.incr(_GENERATION_KEY)
    except ValueError:
        cache.set(_GENERATION_KEY, 1, timeout=None)


@receiver(post_save, sender=TimeLimitPolicy, dispatch_uid="cases-policy-cache-save")
@receiver(post_delete, sender=TimeLimitPolicy, dispatch_uid="cases-policy-cache-delete")
def _policy_changed(**_kwargs: Any) -> None:
    policy_cache_clear()


def policy_for(
    *, category: Category, urgency: str, level: int, phase: str, at: dt.datetime
) -> TimeLimitPolicy:
    """The most specific row of the newest policy version in force at `at`."""
    live = [p for p in _rows() if p.effective_from <= at]
    if not live:
        raise NoPolicy("没有生效的办理时限配置")
    version = live[0].version  # rows are ordered newest version first
    cats = {category.pk, category.parent_id} - {None}
    rows = [
        p
        for p in live
        if p.version == version
        and p.phase == phase
        and (p.category_id is None or p.category_id in cats)
        and p.urgency in ("", urgency)
        and (p.level is None or p.level == level)
    ]

    def rank(p: TimeLimitPolicy) -> tuple[int, int, int]:
        cat = 2 if p.category_id == category.pk else (1 if p.category_id else 0)
        return (cat, p.urgency != "", p.level is not None)

    best = max(rows, key=rank, default=None)
    if best is None:
        raise NoPolicy(f"没有适用于「{Phase(phase).label}」环节的办理时限")
    return best
