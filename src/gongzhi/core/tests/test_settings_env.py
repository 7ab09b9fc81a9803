import os
import subprocess
import sys

import pytest

from gongzhi.env import env_bool, env_choice, env_int


def test_env_bool_fails_loudly_on_a_vague_value(monkeypatch):
    monkeypatch.setenv("X_FLAG", "yes please")
    with pytest.raises(ValueError, match="X_FLAG"):
        env_bool("X_FLAG")


def test_env_bool_reads_true_and_false(monkeypatch):
    monkeypatch.setenv("X_FLAG", "on")
    assert env_bool("X_FLAG") is True
    monkeypatch.setenv("X_FLAG", "0")
    assert env_bool("X_FLAG", True) is False


def test_env_int_and_choice_reject_garbage(monkeypatch):
    monkeypatch.setenv("X_NUM", "twelve")
    with pytest.raises(ValueError):
        env_int("X_NUM", 1)
    monkeypatch.setenv("X_MODE", "chaos")
    with pytest.raises(ValueError):
        env_choice("X_MODE", "production", ("production", "demo"))


def _settings_in_subprocess(env: dict) -> subprocess.CompletedProcess:
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG, settings.DEMO_MODE)"
    clean = {
        k: v for k, v in os.environ.items() if k not in ("GONGZHI_MODE", "SECRET_KEY", "DEBUG")
    }
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        env={**clean, "DJANGO_SETTINGS_MODULE": "gongzhi.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _settings_in_subprocess({})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


STRONG = {
    "SECRET_KEY": "k3J9-q2Lr8vXw0Zt5Yb7Nc1Md4Pf6Hg-Ua8Ei2Oo-Qw_Rt5-Yu7Io9",
    "FIELD_ENCRYPTION_KEY": "f7Gh2-Jk9Lm4Np6Qr1St3Uv5Wx8Yz0Ab-Cd",
}


def test_production_defaults_to_debug_off():
    result = _settings_in_subprocess(STRONG)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False"]
