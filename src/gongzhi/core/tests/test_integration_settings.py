"""Every setting the README names is read from the environment and validated at start-up
(issue 12, finding 8): a bad value stops `gongzhi check` (and so every command and serve)."""

import json
import os
import subprocess
import sys

import pytest

from gongzhi.core.checks import integration_settings
from gongzhi.env import env_weights

NAMES = [
    "NOTIFY_SMS_BACKEND",
    "NOTIFY_WECHAT_BACKEND",
    "KPI_WEIGHTS",
    "MEDIATION_PDF_FONT",
    "OPEN311_JURISDICTION_ID",
    "OPEN311_CONTACT",
    "LIVE_STREAM_ALLOWED_HOSTS",
    "ONE_KEY_DUTY_PHONE",
    "KIOSK_IDLE_SECONDS",
    "OPEN311_RATE",
    "KPI_RATED_COUNTS_AT",
]


def _gongzhi(args: list[str], env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in NAMES}
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "gongzhi", *args],
        env={**clean, "GONGZHI_MODE": "test", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_each_setting_is_read_from_the_environment(tmp_path):
    font = tmp_path / "font.ttf"
    font.write_bytes(b"\0")
    env = {
        "NOTIFY_SMS_BACKEND": "gongzhi.cases.notify.LogBackend",
        "NOTIFY_WECHAT_BACKEND": "gongzhi.cases.notify.LogBackend",
        "KPI_WEIGHTS": "satisfaction=2,in_grid=1",
        "MEDIATION_PDF_FONT": str(font),
        "OPEN311_JURISDICTION_ID": "suzhou.example.cn",
        "OPEN311_CONTACT": "区综治中心 0937-1234567",
        "LIVE_STREAM_ALLOWED_HOSTS": "live.example.cn, tv.example.cn",
        "ONE_KEY_DUTY_PHONE": "09371234567",
        "KIOSK_IDLE_SECONDS": "120",
        "GONGZHI_OPEN311_RATE": "30/60",
        "KPI_RATED_COUNTS_AT": "Rating",
    }
    code = (
        "import json; from django.conf import settings as s; print(json.dumps({n: getattr(s, n) "
        f"for n in {NAMES!r}}}, ensure_ascii=False))"
    )
    result = _gongzhi(["shell", "-c", code], env)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.splitlines()[-1])
    assert values == {
        "NOTIFY_SMS_BACKEND": "gongzhi.cases.notify.LogBackend",
        "NOTIFY_WECHAT_BACKEND": "gongzhi.cases.notify.LogBackend",
        "KPI_WEIGHTS": {"satisfaction": 2.0, "in_grid": 1.0},
        "MEDIATION_PDF_FONT": str(font),
        "OPEN311_JURISDICTION_ID": "suzhou.example.cn",
        "OPEN311_CONTACT": "区综治中心 0937-1234567",
        "LIVE_STREAM_ALLOWED_HOSTS": ["live.example.cn", "tv.example.cn"],
        "ONE_KEY_DUTY_PHONE": "09371234567",
        "KIOSK_IDLE_SECONDS": 120,
        "OPEN311_RATE": "30/60",
        "KPI_RATED_COUNTS_AT": "rating",
    }


def test_a_bad_sms_backend_path_stops_every_command():
    result = _gongzhi(["check"], {"NOTIFY_SMS_BACKEND": "x.y.Z"})
    assert result.returncode != 0
    assert "gongzhi.E001" in result.stderr and "x.y.Z" in result.stderr


def test_a_garbage_rating_rule_stops_every_command():
    result = _gongzhi(["check"], {"KPI_RATED_COUNTS_AT": "whenever"})
    assert result.returncode != 0
    assert "KPI_RATED_COUNTS_AT" in result.stderr and "whenever" in result.stderr


def test_the_configured_sms_backend_is_the_one_used(settings):
    from gongzhi.cases.notify import LogBackend, backend_for

    class Recording(LogBackend):
        pass

    settings.NOTIFY_SMS_BACKEND = f"{__name__}.RecordingBackend"
    globals()["RecordingBackend"] = Recording
    assert isinstance(backend_for("sms"), Recording)


@pytest.mark.parametrize(
    ("name", "value", "error"),
    [
        ("NOTIFY_SMS_BACKEND", "x.y.Z", "gongzhi.E001"),
        ("NOTIFY_SMS_BACKEND", "", "gongzhi.E001"),
        ("NOTIFY_WECHAT_BACKEND", "gongzhi.core.crypto.encrypt", "gongzhi.E001"),
        ("NOTIFY_WECHAT_BACKEND", "os.path", "gongzhi.E001"),
        ("KPI_WEIGHTS", {"nonsense": 1.0}, "gongzhi.E002"),
        ("KPI_WEIGHTS", {"satisfaction": 0.0}, "gongzhi.E002"),
        ("KPI_RATED_COUNTS_AT", "soon", "gongzhi.E002"),
        ("KPI_RATED_COUNTS_AT", "", "gongzhi.E002"),
        ("KPI_RATED_COUNTS_AT", "rating\x00", "gongzhi.E002"),
        ("MEDIATION_PDF_FONT", "/no/such/font.ttf", "gongzhi.E003"),
        ("OPEN311_RATE", "sixty", "gongzhi.E004"),
        ("OPEN311_RATE", "0/60", "gongzhi.E004"),
        ("LIVE_STREAM_ALLOWED_HOSTS", ["https://live.example.cn/"], "gongzhi.E005"),
        ("LIVE_STREAM_ALLOWED_HOSTS", ["bad host"], "gongzhi.E005"),
        ("ONE_KEY_DUTY_PHONE", "12345", "gongzhi.E006"),
        ("KIOSK_IDLE_SECONDS", 1, "gongzhi.E007"),
        ("KIOSK_IDLE_SECONDS", 10**9, "gongzhi.E007"),
        ("OPEN311_JURISDICTION_ID", "x" * 51, "gongzhi.E008"),
        ("OPEN311_CONTACT", "区综治中心\x0b", "gongzhi.E008"),
        ("AUDIT_RETENTION_DAYS", -1, "gongzhi.E018"),
        ("OUTBOUND_RETENTION_DAYS", 10**6, "gongzhi.E018"),
        ("PARTITIONS_AHEAD", -1, "gongzhi.E018"),
    ],
)
def test_bad_values_are_system_check_errors(settings, name, value, error):
    assert integration_settings() == []
    setattr(settings, name, value)
    assert error in [e.id for e in integration_settings()]


@pytest.mark.parametrize(
    "raw", ["satisfaction", "satisfaction=x", "a=1,b", "{not json", "[1, 2]", "a=-1", "a=nan", ","]
)
def test_garbage_kpi_weights_fail_loudly(monkeypatch, raw):
    monkeypatch.setenv("KPI_WEIGHTS", raw)
    with pytest.raises(ValueError, match="KPI_WEIGHTS"):
        env_weights("KPI_WEIGHTS")


def test_kpi_weights_read_both_forms(monkeypatch):
    monkeypatch.setenv("KPI_WEIGHTS", '{"satisfaction": 3, "response": 1}')
    assert env_weights("KPI_WEIGHTS") == {"satisfaction": 3.0, "response": 1.0}
    monkeypatch.setenv("KPI_WEIGHTS", " satisfaction = 2 ")
    assert env_weights("KPI_WEIGHTS") == {"satisfaction": 2.0}
