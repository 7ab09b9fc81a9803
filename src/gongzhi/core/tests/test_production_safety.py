"""Production is safe by default (issue 12, finding 7): weak keys, a missing field key and
demo accounts stop the start; `check --deploy` is clean with the documented settings."""

import os
import subprocess
import sys

import pytest
from django.core.checks import Error
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from gongzhi.core.checks import no_demo_accounts
from gongzhi.core.keys import require_strong_keys
from gongzhi.seeding.accounts import DEMO_PASSWORD

GOOD_SECRET = "k3J9-q2Lr8vXw0Zt5Yb7Nc1Md4Pf6Hg-Ua8Ei2Oo-Qw_Rt5-Yu7Io9"
GOOD_FIELD_KEY = "f7Gh2-Jk9Lm4Np6Qr1St3Uv5Wx8Yz0Ab-Cd-Ef"
# The production settings README.md documents (besides the two keys).
DOCUMENTED = {"ALLOWED_HOSTS": "gongzhi.example.gov.cn", "SECURE_HSTS_PRELOAD": "1"}


def _gongzhi(args: list[str], env: dict, tmp_path) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(
            (
                "GONGZHI_",
                "SECRET_KEY",
                "FIELD_ENCRYPTION",
                "DATABASE_URL",
                "DJANGO_ALLOW_ASYNC_UNSAFE",
            )
        )
    }  # fmt: skip (browser tests set it)
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "gongzhi", *args],
        env={**clean, "GONGZHI_MODE": "production", "GONGZHI_VAR_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "secret",
    [
        "",
        "x",
        "x" * 64,
        "gongzhi-demo-not-secret-production",
        "django-insecure-" + GOOD_SECRET,
        "abcdefghij",
        "changeme" + GOOD_SECRET,
    ],
)
def test_weak_or_demo_secret_keys_are_refused(secret):
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        require_strong_keys(secret, [GOOD_FIELD_KEY])


@pytest.mark.parametrize("field_keys", [[], [""], ["short"], [GOOD_SECRET]])
def test_a_missing_weak_or_reused_field_key_is_refused(field_keys):
    with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEY"):
        require_strong_keys(GOOD_SECRET, field_keys)


def test_strong_keys_pass_and_older_field_keys_may_be_anything():
    require_strong_keys(GOOD_SECRET, [GOOD_FIELD_KEY, "x"])


def test_production_with_secret_key_x_refuses_to_start(tmp_path):
    result = _gongzhi(
        ["check"], {"SECRET_KEY": "x", "FIELD_ENCRYPTION_KEY": GOOD_FIELD_KEY}, tmp_path
    )
    assert result.returncode != 0 and "SECRET_KEY is shorter" in result.stderr


def test_production_without_a_field_key_refuses_to_start(tmp_path):
    result = _gongzhi(["check"], {"SECRET_KEY": GOOD_SECRET}, tmp_path)
    assert result.returncode != 0 and "FIELD_ENCRYPTION_KEYS" in result.stderr


def test_check_deploy_prints_no_warning_with_the_documented_settings(tmp_path):
    env = {"SECRET_KEY": GOOD_SECRET, "FIELD_ENCRYPTION_KEYS": GOOD_FIELD_KEY, **DOCUMENTED}
    result = _gongzhi(["check", "--deploy"], env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout and "WARNING" not in result.stderr + result.stdout


def test_production_defaults_turn_on_https_protections(tmp_path):
    env = {"SECRET_KEY": GOOD_SECRET, "FIELD_ENCRYPTION_KEYS": GOOD_FIELD_KEY}
    code = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT,"
        " s.SECURE_HSTS_SECONDS > 0, bool(s.CONTENT_SECURITY_POLICY))"
    )
    result = _gongzhi(["shell", "-c", code], env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == ["True"] * 5


@pytest.mark.django_db
def test_demo_accounts_with_the_published_password_stop_production(settings, district):
    settings.DEMO_MODE = False
    admin = district.users["admin"]
    admin.set_password(DEMO_PASSWORD)
    admin.save()

    errors = no_demo_accounts(databases=["default"])

    assert [e.id for e in errors] == ["gongzhi.E010"] and isinstance(errors[0], Error)
    assert "admin" in errors[0].msg


@pytest.mark.django_db
def test_demo_usernames_with_their_own_passwords_are_fine(settings, district):
    settings.DEMO_MODE = False  # the test district's admin has a password of its own
    assert no_demo_accounts(databases=["default"]) == []
    settings.DEMO_MODE = True
    admin = district.users["admin"]
    admin.set_password(DEMO_PASSWORD)
    admin.save()
    assert no_demo_accounts(databases=["default"]) == []  # the demo is allowed its logins


@pytest.mark.django_db
def test_serve_runs_the_database_checks_and_refuses_demo_accounts(settings, district, monkeypatch):
    settings.DEMO_MODE, settings.MODE = False, "production"
    admin = district.users["admin"]
    admin.set_password(DEMO_PASSWORD)
    admin.save()

    def no_server(*args, **kwargs):
        raise AssertionError("serve started a process despite the failed check")

    monkeypatch.setattr("subprocess.Popen", no_server)
    with pytest.raises(SystemCheckError, match="gongzhi.E010"):
        call_command("serve", "--no-worker")
