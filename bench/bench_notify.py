"""Benchmark: resident notifications (issue 15.1). 10,000 case state changes in one batch run
must produce 10,000 × channels messages; the figures are the fan-out rate (state changes per
second, each writing its messages in its own transaction) and the send rate (messages per
second delivered by the task worker through the default store-and-log backends).

Standalone:  GONGZHI_MODE=test .venv/bin/python bench/bench_notify.py [sqlite|postgresql]
bench/run.py calls main(report). Each run uses a throwaway database of its own
(var/bench/bench_notify.sqlite3, or `<DATABASE_URL name>_notify` on PostgreSQL).

A run: build the test district; give 茹玉芳's account all three channels (message centre,
SMS, WeChat); file CHANGES cases for her; drop the messages and tasks that filing wrote; then
time CHANGES `accept` actions through cases.services.case_act (the one door for state changes)
and check that exactly CHANGES inbox rows and 2 × CHANGES outbound rows were written; then time
`gongzhi db_worker --batch`, which delivers every queued message and exits.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHANGES = int(os.environ.get("BENCH_NOTIFY_CHANGES", "10000"))
RUNS = int(os.environ.get("BENCH_NOTIFY_RUNS", "3"))
CHANNELS = 3  # message centre, SMS, WeChat
ORDER = 65
SQLITE_PATH = ROOT / "var" / "bench" / "bench_notify.sqlite3"


def _env(kind: str) -> dict:
    try:
        from bench.harness import child_env, throwaway_url
    except ImportError:  # run as a script: bench/ itself is on sys.path
        from harness import child_env, throwaway_url

    return child_env(throwaway_url(kind, "notify", SQLITE_PATH))


def _child(kind: str, *args: str) -> dict:
    proc = subprocess.run(
        [sys.executable, __file__, *args], env=_env(kind), capture_output=True, text=True
    )
    if proc.returncode != 0:
        raise RuntimeError(f"bench_notify child failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _deliver(kind: str) -> float:
    """Wall seconds of a task worker that delivers everything queued, then exits."""
    cmd = [
        sys.executable,
        "-m",
        "gongzhi",
        "db_worker",
        "--batch",
        "--no-startup-delay",
        "--skip-checks",
    ]
    started = time.perf_counter()
    proc = subprocess.run(cmd, env=_env(kind), capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"db_worker failed:\n{proc.stderr[-3000:]}")
    return time.perf_counter() - started


def measure(kind: str) -> dict:
    fan_out, send = [], []
    for _ in range(RUNS):
        r = _child(kind, "--run")
        fan_out.append(round(CHANGES / r["seconds"], 1))
        seconds = _deliver(kind)
        sent = _child(kind, "--sent")["sent"]
        if sent != r["outbound"]:
            raise RuntimeError(f"{sent} of {r['outbound']} messages were sent")
        send.append(round(sent / seconds, 1))
    return {"fan_out": fan_out, "send": send, "queries": r["queries"], "messages": r["messages"]}


def main(report) -> None:
    from bench.harness import vendor

    kind = vendor()
    r = measure(kind)
    report(
        f"notify_state_changes_per_s_{kind}",
        statistics.median(r["fan_out"]),
        "/s",
        f"median of {RUNS} runs × {CHANGES} accepts, each with its {CHANNELS} messages "
        f"({r['messages']} written per run); runs {r['fan_out']}; {r['queries']} queries per "
        f"accept",
    )
    report(
        f"notify_sends_per_s_{kind}",
        statistics.median(r["send"]),
        "/s",
        f"SMS + WeChat through the default backends, one `db_worker --batch` process, "
        f"median of {RUNS} runs × {2 * CHANGES} messages (worker start-up included); "
        f"runs {r['send']}",
    )


# --- the child processes -------------------------------------------------------------------


def _run() -> None:
    import django

    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings
    from django_tasks_db.models import DBTaskResult
    from harness import wipe_database  # this file runs as a script: bench/ is on sys.path

    from gongzhi.cases.models import Category, Channel, Notification, OutboundMessage
    from gongzhi.cases.services import case_act, case_create
    from gongzhi.portal.services import account_get_or_create, account_wechat_link

    wipe_database(SQLITE_PATH)
    call_command("migrate", verbosity=0, interactive=False)
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        from gongzhi.core.testing import build_district

        d = build_district()
    account = account_wechat_link(
        account=account_get_or_create(phone="13800001234"), openid="o-bench-openid"
    )
    center, category = d.users["center"], Category.objects.get(code="0403")
    cases = [
        case_create(
            by=None,
            title="楼院杂草",
            description="公园路46号楼院杂草清除不及时",
            category=category,
            channel=Channel.MESSAGE_BOARD,
            grid=d.unit_a,
            reporter_user=account.user,
            reporter_resident=account.resident,
        )
        for _ in range(CHANGES)
    ]
    OutboundMessage.objects.all().delete()
    Notification.objects.all().delete()
    DBTaskResult.objects.all().delete()

    started = time.perf_counter()
    for case in cases[:-1]:
        case_act(case=case, by=center, action="accept", expected_version=1)
    with CaptureQueriesContext(connection) as captured:
        case_act(case=cases[-1], by=center, action="accept", expected_version=1)
    seconds = time.perf_counter() - started

    inbox = Notification.objects.filter(user=account.user).count()
    outbound = OutboundMessage.objects.count()
    if inbox != CHANGES or outbound != 2 * CHANGES:
        raise RuntimeError(f"expected {CHANGES} + {2 * CHANGES} messages, got {inbox} + {outbound}")
    print(
        json.dumps(
            {
                "seconds": seconds,
                "outbound": outbound,
                "messages": inbox + outbound,
                "queries": len(captured.captured_queries),
            }
        )
    )


def _sent() -> None:
    import django

    django.setup()
    from gongzhi.cases.models import OutboundMessage

    print(json.dumps({"sent": OutboundMessage.objects.filter(status="sent").count()}))


if __name__ == "__main__":
    if "--run" in sys.argv:
        _run()
    elif "--sent" in sys.argv:
        _sent()
    else:
        from harness import configure_environment

        configure_environment()
        kind = sys.argv[1] if len(sys.argv) > 1 else "sqlite"
        print(json.dumps(measure(kind), ensure_ascii=False))
