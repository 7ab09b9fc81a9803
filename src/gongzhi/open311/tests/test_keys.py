"""API keys: `gongzhi apikey create|revoke|list`, hashing and last use."""

import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from gongzhi.open311.keys import apikey_authenticate, apikey_create
from gongzhi.open311.models import ApiKey


def run(*args) -> str:
    out = StringIO()
    call_command("apikey", *args, stdout=out, stderr=StringIO())
    return out.getvalue().strip()


def test_create_prints_a_key_and_stores_only_its_sha256(db):
    raw = run("create", "市民App")
    key = ApiKey.objects.get(name="市民App")
    assert key.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {key.prefix, key.key_hash, key.name} and raw.startswith(key.prefix)


def test_create_refuses_a_duplicate_name(db):
    run("create", "市民App")
    with pytest.raises(CommandError, match="已存在"):
        run("create", "市民App")


def test_create_can_act_for_an_existing_user(district):
    run("create", "热线系统", "--user", "center")
    assert ApiKey.objects.get(name="热线系统").user == district.users["center"]


def test_revoke_by_name_stops_the_key(db):
    raw = run("create", "市民App")
    run("revoke", "市民App")
    assert apikey_authenticate(raw) is None


def test_revoke_by_prefix_stops_the_key(db):
    raw = run("create", "市民App")
    run("revoke", ApiKey.objects.get().prefix)
    assert ApiKey.objects.get().revoked_at is not None and apikey_authenticate(raw) is None


def test_revoke_of_an_unknown_key_fails_clearly(db):
    with pytest.raises(CommandError, match="找不到密钥"):
        run("revoke", "nope")


def test_list_shows_names_and_state_but_never_the_key(db):
    raw = run("create", "市民App")
    run("create", "旧App")
    run("revoke", "旧App")
    listing = run("list")
    assert "市民App" in listing and "已作废" in listing and raw not in listing


def test_authenticating_records_the_last_use(db):
    key, raw = apikey_create(name="市民App")
    assert key.last_used_at is None
    assert apikey_authenticate(raw) == key
    assert ApiKey.objects.get().last_used_at is not None
