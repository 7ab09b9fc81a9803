"""The connection budget: pools of all processes plus headroom never exceed the total."""

import pytest

from gongzhi.dbpool import Budget, BudgetError, pool_options


@pytest.mark.parametrize("total,headroom", [(40, 4), (100, 10), (17, 3), (9, 0)])
@pytest.mark.parametrize("processes", [1, 2, 3, 5, 8])
def test_pools_and_headroom_fit_the_total(total, headroom, processes):
    budget = Budget(total=total, headroom=headroom)
    if total - headroom < processes:
        with pytest.raises(BudgetError):
            budget.per_process(processes)
        return
    size = budget.per_process(processes)
    assert size >= 1
    assert processes * size + headroom <= total
    # ...and no larger size would still fit.
    assert processes * (size + 1) + headroom > total


def test_an_operator_cap_lowers_but_never_raises_the_pool():
    budget = Budget(total=40, headroom=4)
    assert budget.per_process(3) == 12
    assert budget.per_process(3, cap=5) == 5
    assert budget.per_process(3, cap=100) == 12


def test_budget_reads_the_environment(monkeypatch):
    monkeypatch.setenv("DB_MAX_CONNECTIONS", "90")
    monkeypatch.setenv("DB_HEADROOM", "10")
    assert Budget.from_env() == Budget(total=90, headroom=10)


def test_pool_options_from_the_environment(monkeypatch):
    for name in ("DB_PGBOUNCER", "DB_POOL", "DB_POOL_MIN", "DB_POOL_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DB_POOL_MAX", "6")
    options = pool_options()
    assert (options["min_size"], options["max_size"]) == (1, 6)
    monkeypatch.setenv("DB_POOL_MIN", "9")  # never above the maximum
    assert pool_options()["min_size"] == 6
    monkeypatch.setenv("DB_POOL", "0")
    assert pool_options() is None
    monkeypatch.delenv("DB_POOL")
    monkeypatch.setenv("DB_PGBOUNCER", "1")  # PgBouncer pools; no second pool in front of it
    assert pool_options() is None


def _binding(option: str = "server_side_binding", **env: str) -> str:
    """One of settings' database OPTIONS for a PostgreSQL URL, read in a new interpreter."""
    import os
    import subprocess
    import sys

    probe = (
        "from django.conf import settings; "
        f"print(settings.DATABASES['default']['OPTIONS'].get({option!r}))"
    )
    base = {k: v for k, v in os.environ.items() if not k.startswith("DB_")}
    done = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", probe],
        env=base
        | {
            "DJANGO_SETTINGS_MODULE": "gongzhi.settings",
            "GONGZHI_MODE": "test",
            "DATABASE_URL": "postgres://u@127.0.0.1:5432/none",
        }
        | env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout.strip()


def test_server_side_binding_is_an_operator_switch_and_never_behind_pgbouncer():
    assert _binding() == "None"
    assert _binding(DB_SERVER_SIDE_BINDING="1") == "True"
    assert _binding(DB_SERVER_SIDE_BINDING="1", DB_PGBOUNCER="1") == "None"


def test_statements_are_prepared_after_five_runs_unless_pgbouncer_or_switched_off():
    assert _binding("prepare_threshold") == "5"
    assert _binding("prepare_threshold", DB_PREPARE_THRESHOLD="2") == "2"
    assert _binding("prepare_threshold", DB_PREPARE_THRESHOLD="0") == "None"
    # Behind PgBouncer a prepared statement would be looked for on another server connection.
    assert _binding("prepare_threshold", DB_PGBOUNCER="1") == "None"
