"""core/memo.py: per-process memos with a time limit."""

import itertools

from gongzhi.core import memo as memo_module
from gongzhi.core.memo import Memo, forget_all


def _clock(monkeypatch, start=1000.0):
    now = [start]
    monkeypatch.setattr(memo_module.time, "monotonic", lambda: now[0])
    return now


def test_a_value_is_loaded_once_within_its_time_and_again_after(monkeypatch):
    now = _clock(monkeypatch)
    counter = itertools.count(1)
    memo = Memo("t1", seconds=10)
    assert [memo.get("k", lambda: next(counter)) for _ in range(3)] == [1, 1, 1]
    now[0] += 10.5
    assert memo.get("k", lambda: next(counter)) == 2


def test_none_is_not_remembered_and_forget_drops_a_key(monkeypatch):
    _clock(monkeypatch)
    memo = Memo("t2", seconds=10)
    assert memo.get("missing", lambda: None) is None
    assert memo.get("missing", lambda: "found") == "found"
    memo.forget("missing")
    assert memo.get("missing", lambda: "again") == "again"
    forget_all()
    assert memo.get("missing", lambda: "after all") == "after all"


def test_zero_seconds_turns_it_off_and_a_full_memo_starts_over(monkeypatch):
    _clock(monkeypatch)
    off = Memo("t3", seconds=0)
    assert [off.get("k", lambda v=v: v) for v in (1, 2)] == [1, 2]
    small = Memo("t4", seconds=10, maxsize=2)
    for key in "abc":
        small.get(key, lambda key=key: key)
    assert len(small._rows) == 1  # cleared when full, then "c" kept
