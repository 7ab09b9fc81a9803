"""Field-encryption keys rotate: versioned keys, `gongzhi reencrypt`, and reveal never a 500
on a value no key opens (issue 12, finding 7)."""

import base64
import os

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.urls import reverse

from gongzhi.core import crypto
from gongzhi.core.models import AuditLog
from gongzhi.core.reencrypt import ENCRYPTED
from gongzhi.people.models import Resident
from gongzhi.people.selectors import resident_search

OLD, NEW = "old-field-key-0123456789-abcdefghij", "new-field-key-9876543210-zyxwvutsrq"


@pytest.fixture
def old_key(settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    return settings


def test_a_value_names_the_key_that_wrote_it_and_survives_a_rotation(old_key):
    token = crypto.encrypt("13800138000")
    old_kid = crypto.key_id(token)
    old_key.FIELD_ENCRYPTION_KEYS = [NEW, OLD]

    assert crypto.decrypt(token) == "13800138000"
    assert crypto.key_id(crypto.encrypt("13800138000")) not in ("", old_kid)


def test_values_written_before_key_ids_are_still_read(old_key):
    key = crypto.keys()[0]
    nonce = os.urandom(12)
    legacy = base64.b64encode(nonce + key.aead.encrypt(nonce, b"620902", None)).decode()
    old_key.FIELD_ENCRYPTION_KEYS = [NEW, OLD]

    assert crypto.decrypt(legacy) == "620902"


@pytest.mark.parametrize(
    "token",
    [
        "x",
        "abc$",
        "$$$",
        "zzzzzzzz$" + "A" * 40,
        "!!!",
        "\x00",
        base64.b64encode(b"short").decode(),
        "k" * 10000,
    ],
)
def test_garbage_or_foreign_ciphertext_is_undecryptable_never_another_error(old_key, token):
    with pytest.raises(crypto.Undecryptable):
        crypto.decrypt(token)


def test_a_value_under_a_dropped_key_is_undecryptable(old_key):
    token = crypto.encrypt("secret")
    old_key.FIELD_ENCRYPTION_KEYS = [NEW]
    with pytest.raises(crypto.Undecryptable):
        crypto.decrypt(token)


@pytest.mark.django_db
def test_reencrypt_moves_every_column_and_blind_index_to_the_newest_key(old_key, district):
    resident = district.residents["a_head"]
    phone, id_number = resident.phone, resident.id_number
    old_key.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    # Mid-rotation, look-ups by phone and ID still find the resident (digests under both keys).
    admin = district.users["admin"]
    assert resident in resident_search(Resident.objects.all(), q=phone)
    assert resident in resident_search(Resident.objects.all(), q=id_number)

    call_command("reencrypt")

    old_key.FIELD_ENCRYPTION_KEYS = [NEW]  # the old key is gone now
    fresh = Resident.objects.get(pk=resident.pk)
    assert (fresh.phone, fresh.id_number) == (phone, id_number)
    assert fresh.phone_hash == crypto.blind_index("phone", phone)
    assert resident in resident_search(Resident.objects.all(), q=phone)
    assert admin.is_active  # nothing else touched


@pytest.mark.django_db
def test_reencrypt_reports_values_no_key_opens_and_rewrites_the_rest(old_key, district):
    broken = district.residents["b_head"]
    Resident.objects.filter(pk=broken.pk).update(phone_enc="deadbeef$AAAA")
    old_key.FIELD_ENCRYPTION_KEYS = [NEW, OLD]

    with pytest.raises(CommandError, match="people.Resident"):
        call_command("reencrypt")

    assert crypto.key_id(Resident.objects.get(pk=district.residents["a_head"].pk).phone_enc) == (
        crypto.keys()[0].kid
    )


def test_every_encrypted_column_is_rewritten_by_reencrypt():
    found = {
        f"{m._meta.app_label}.{m.__name__}": {
            f.name for f in m._meta.fields if f.name.endswith("_enc")
        }
        for m in apps.get_models()
    }
    found = {label: cols for label, cols in found.items() if cols}
    assert found == {label: set(cols) for label, cols in ENCRYPTED.items()}


@pytest.mark.django_db
def test_reveal_of_an_undecryptable_value_answers_a_clear_message_not_500(
    old_key, district, login, caplog
):
    resident = district.residents["a_head"]
    old_key.FIELD_ENCRYPTION_KEYS = [NEW]  # SECRET_KEY or the field key changed without rotation

    client = login("center")
    page = client.post(
        reverse("people:resident_reveal", args=[resident.pk]), {"reason": "核实身份信息"}
    )
    api = client.post(
        f"/api/v1/residents/{resident.pk}/reveal/",
        {"reason": "核实身份信息"},
        content_type="application/json",
    )

    assert page.status_code == 200 and "无法解密" in page.content.decode()
    assert api.status_code == 400 and "无法解密" in api.content.decode()
    assert "undecryptable" in caplog.text
    assert not AuditLog.objects.filter(action=AuditLog.Action.REVEAL).exists()
