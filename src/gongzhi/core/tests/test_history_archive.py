"""Retention: old audit rows and outbound messages go to a gzip JSONL archive, then away."""

import datetime as dt
import gzip
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from gongzhi.cases.models import OutboundMessage
from gongzhi.cases.tasks import HISTORY_LEASE, lease_claim
from gongzhi.core import clock
from gongzhi.core.archive import history_archive, history_retention_enforce
from gongzhi.core.models import AuditLog

TZ = dt.timezone(dt.timedelta(hours=8))
MID_2024 = dt.datetime(2024, 6, 1, 9, 0, tzinfo=TZ)
MID_2025 = dt.datetime(2025, 6, 1, 9, 0, tzinfo=TZ)
CUTOFF = dt.datetime(2025, 1, 1, tzinfo=TZ)


@pytest.fixture
def archive_dir(settings, tmp_path):
    settings.ARCHIVE_DIR = tmp_path
    return tmp_path


@pytest.fixture
def history(district):
    actor = district.users["center"]
    rows = {}
    for at in (MID_2024, MID_2024 + dt.timedelta(days=1), MID_2025):
        rows.setdefault("audit", []).append(
            AuditLog.objects.create(actor=actor, action="export", target_type="x", at=at)
        )
        rows.setdefault("outbound", []).append(
            OutboundMessage.objects.create(
                channel="sms", to="139****0000", template="t", created_at=at
            )
        )
    return rows


def archived(path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def test_rows_older_than_the_cutoff_are_archived_then_deleted(history, archive_dir):
    count, files = history_archive("audit", before=CUTOFF)
    old = [r.pk for r in history["audit"][:2]]
    assert count == 2 and len(files) == 1
    assert files[0].parent == archive_dir / "audit" and files[0].name.endswith(".jsonl.gz")
    assert [row["id"] for row in archived(files[0])] == old
    assert archived(files[0])[0]["target_type"] == "x"
    assert list(AuditLog.objects.values_list("pk", flat=True)) == [history["audit"][2].pk]
    assert OutboundMessage.objects.count() == 3  # only the audit log was asked for


def test_a_second_run_finds_nothing_and_keeps_the_archive(history, archive_dir):
    _, files = history_archive("outbound", before=CUTOFF)
    before = files[0].read_bytes()
    assert history_archive("outbound", before=CUTOFF) == (0, [])
    assert files[0].read_bytes() == before
    assert list(OutboundMessage.objects.values_list("pk", flat=True)) == [history["outbound"][2].pk]


def test_each_batch_is_its_own_file(history, archive_dir):
    count, files = history_archive("audit", before=CUTOFF, batch=1)
    assert count == 2 and len(files) == 2
    assert sorted(len(archived(f)) for f in files) == [1, 1]


def test_retention_settings_archive_only_what_is_older_than_the_days_kept(
    history, archive_dir, settings
):
    now = MID_2025 + dt.timedelta(days=30)
    settings.AUDIT_RETENTION_DAYS = 0  # keep everything
    settings.OUTBOUND_RETENTION_DAYS = 60
    assert history_retention_enforce(now) == {"outbound": 2}
    assert AuditLog.objects.count() == 3 and OutboundMessage.objects.count() == 1


def test_the_daily_maintenance_runs_once_a_day(db):
    assert lease_claim(HISTORY_LEASE, MID_2025, dt.timedelta(days=1)) is True
    assert (
        lease_claim(HISTORY_LEASE, MID_2025 + dt.timedelta(hours=23), dt.timedelta(days=1)) is False
    )


def test_the_command_archives_before_a_date(history, archive_dir):
    call_command("archive", before="2025-01-01", kind=["audit", "outbound"])
    assert AuditLog.objects.count() == 1 and OutboundMessage.objects.count() == 1
    assert len(list(archive_dir.glob("*/*.jsonl.gz"))) == 2


@pytest.mark.parametrize("before", ["2025-13-01", "last year", "2025/01/01"])
def test_the_command_refuses_a_bad_date_and_deletes_nothing(history, archive_dir, before):
    with pytest.raises(CommandError, match="日期格式"):
        call_command("archive", before=before)
    assert AuditLog.objects.count() == 3 and not list(archive_dir.iterdir())


def test_the_command_refuses_a_bad_batch_size(history, archive_dir):
    with pytest.raises(CommandError, match="正整数"):
        call_command("archive", before="2025-01-01", batch=0)
    assert AuditLog.objects.count() == 3


@pytest.mark.skipif(connection.vendor != "postgresql", reason="partitions on PostgreSQL only")
def test_audit_rows_and_messages_sit_in_their_years_partitions(history):
    with connection.cursor() as cur:
        for table, pk, year in (
            ("core_auditlog", history["audit"][0].pk, 2024),
            ("core_auditlog", history["audit"][2].pk, 2025),
            ("cases_outboundmessage", history["outbound"][2].pk, 2025),
        ):
            cur.execute(f"SELECT tableoid::regclass::text FROM {table} WHERE id = %s", [pk])  # noqa: S608
            assert cur.fetchone()[0] == f"{table}_y{year}"


def test_the_partitions_command_reports_what_it_made(db, capsys):
    with clock.frozen_at(dt.datetime(2050, 1, 1, tzinfo=TZ)):
        call_command("partitions", ahead=0)
    out = capsys.readouterr().out
    if connection.vendor == "postgresql":
        assert "cases_case_y2050" in out and "core_auditlog_y2050" in out
    else:
        assert "新建分区 0 个" in out


def test_the_partitions_command_refuses_a_bad_count(db):
    with pytest.raises(CommandError, match="0 到 50"):
        call_command("partitions", ahead=-1)
