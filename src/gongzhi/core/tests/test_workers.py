"""Real task-worker processes: two share the queue without running a task twice, and the
supervisor in `gongzhi serve` restarts a killed worker while /readyz names it."""

import collections
import os
import signal

import pytest
from django_tasks_db.models import DBTaskResult

from gongzhi.core.models import TaskWorkerBeat

from . import processes as p
from .probe_tasks import probe

# Serialized rollback: the flush after each test must not leave the database without the
# migrated rows (content types, categories) that later tests restore.
pytestmark = [
    pytest.mark.processes,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _finished(ids):
    def check():
        rows = DBTaskResult.objects.filter(pk__in=ids)
        return rows.count() == len(ids) and not rows.filter(status__in=["READY", "RUNNING"])

    return check


def test_two_workers_share_the_queue_and_run_each_task_once(tmp_path):
    out, log = tmp_path / "ran.txt", tmp_path / "workers.log"
    env = p.child_env(tmp_path)
    workers = [p.start(["task_worker", "--name", f"w{i}"], env, log) for i in (1, 2)]
    try:
        p.wait_for("both heartbeats", lambda: TaskWorkerBeat.objects.count() == 2, log)
        ids = [probe.enqueue(f"k{i}", str(out)).id for i in range(40)]
        p.wait_for("every task to finish", _finished(ids), log)
    finally:
        for proc in workers:
            p.stop(proc)
    rows = DBTaskResult.objects.filter(pk__in=ids)
    assert set(rows.values_list("status", flat=True)) == {"SUCCESSFUL"}
    assert all(len(r.worker_ids) == 1 for r in rows), "a task was claimed twice"
    lines = out.read_text().split()
    keys = collections.Counter(lines[0::2])
    assert keys == collections.Counter({f"k{i}": 1 for i in range(40)})
    # A clean stop (SIGTERM) removes the worker's row: readiness does not report it.
    assert not TaskWorkerBeat.objects.exists()


def test_serve_restarts_a_killed_worker_and_readyz_names_it_meanwhile(tmp_path):
    port, log = p.free_port(), tmp_path / "serve.log"
    # A first restart delay of 3 s keeps the "down" state visible to the polling test.
    env = p.child_env(tmp_path, TASK_WORKER_RESTART_DELAY="3", TASK_WORKER_NAME_PREFIX="t")
    server = p.start(["serve", "--port", str(port), "--task-workers", "1"], env, log)
    readyz = f"http://127.0.0.1:{port}/readyz"
    name = f"t:{port}/1"
    out = tmp_path / "ran.txt"
    try:
        p.wait_for("readiness", lambda: (p.get_json(readyz) or (0,))[0] == 200, log)
        old_pid = TaskWorkerBeat.objects.get(name=name).pid
        os.kill(old_pid, signal.SIGKILL)

        def names_the_worker():
            answer = p.get_json(readyz)
            return answer if answer and answer[0] == 503 else None

        status, body = p.wait_for("/readyz to report the worker down", names_the_worker, log)
        assert "task_workers" in body["failing"]
        assert body["checks"]["task_workers"]["down"] == {name: "killed by SIGKILL"}

        task_id = probe.enqueue("meanwhile", str(out)).id  # enqueued while it is down
        p.wait_for("the task to run", _finished([task_id]), log)
        p.wait_for("readiness again", lambda: (p.get_json(readyz) or (0,))[0] == 200, log)
        new_pid = TaskWorkerBeat.objects.get(name=name).pid
    finally:
        p.stop(server)
    assert new_pid != old_pid
    row = DBTaskResult.objects.get(pk=task_id)
    assert row.status == "SUCCESSFUL"
    assert row.worker_ids == [f"{name}#{new_pid}"]
    assert out.read_text().split() == ["meanwhile", str(new_pid)]
    assert "killed by SIGKILL" in log.read_text()  # the supervisor logged why
