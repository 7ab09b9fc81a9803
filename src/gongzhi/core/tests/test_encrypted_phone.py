"""EncryptedPhone: one declaration for the encrypted phone, its blind index and masked copy.

The columns are the ones the four models had before; a row written the old way (columns set
by hand, as the old set_phone did) still decrypts, and its blind index still finds it.
"""

import pytest
from django.contrib.auth import get_user_model

from gongzhi.core import crypto
from gongzhi.core.masking import mask_phone
from gongzhi.hotline.models import HotlineCall
from gongzhi.org.models import Center
from gongzhi.people.models import Resident
from gongzhi.portal.models import ResidentAccount
from gongzhi.social.models import Member, Organisation

NUMBER = "13812345678"


def _old_columns(prefix: str, number: str, *, index: bool, masked: str) -> dict:
    """The columns exactly as the models' own set_phone methods wrote them before."""
    cols = {f"{prefix}_enc": crypto.encrypt(number)}
    if index:
        cols[f"{prefix}_hash"] = crypto.blind_index("phone", number)
    if masked == "stored":
        cols[f"{prefix}_masked"] = mask_phone(number)
    else:
        cols[f"{prefix}_prefix"] = number[:3] if number else ""
        cols[f"{prefix}_suffix"] = number[-4:] if number else ""
    return cols


def _resident(district, cols):
    resident = district.residents["a_head"]
    Resident.objects.filter(pk=resident.pk).update(**cols)
    return Resident.objects.get(pk=resident.pk)


def _account(district, cols):
    user = get_user_model().objects.create_user(username="resident-compat")
    return ResidentAccount.objects.create(user=user, **cols)


def _call(district, cols):
    return HotlineCall.objects.create(center=Center.objects.first(), **cols)


def _member(district, cols):
    center = Center.objects.first()
    org = Organisation.objects.create(center=center, grid=center.grid, name="和事佬", kind="other")
    return Member.objects.create(organisation=org, name="李四", **cols)


# (model, build, attribute, index, masked, masked attribute)
CASES = [
    pytest.param(Resident, _resident, "phone", True, "parts", "masked_phone", id="resident"),
    pytest.param(ResidentAccount, _account, "phone", True, "stored", "phone_masked", id="account"),
    pytest.param(HotlineCall, _call, "caller", True, "stored", "caller_masked", id="hotline"),
    pytest.param(Member, _member, "phone", False, "stored", "phone_masked", id="member"),
]


@pytest.mark.parametrize(("model", "build", "attr", "index", "masked", "shown"), CASES)
def test_a_row_written_the_old_way_still_decrypts_and_is_found_by_its_index(
    district, model, build, attr, index, masked, shown
):
    row = build(district, _old_columns(attr, NUMBER, index=index, masked=masked))
    row = model.objects.get(pk=row.pk)
    assert getattr(row, attr) == NUMBER
    assert getattr(row, shown) == "138****5678"
    assert getattr(row, f"masked_{attr}") == "138****5678"
    if index:
        hashes = crypto.blind_indexes("phone", NUMBER)
        assert model.objects.filter(**{f"{attr}_hash__in": hashes}).get().pk == row.pk


@pytest.mark.parametrize(("model", "build", "attr", "index", "masked", "shown"), CASES)
def test_setting_a_number_writes_the_same_columns_as_before(
    district, model, build, attr, index, masked, shown
):
    row = build(district, _old_columns(attr, "13900000000", index=index, masked=masked))
    getattr(row, f"set_{attr}")(NUMBER)
    row.save()
    row = model.objects.get(pk=row.pk)
    old = _old_columns(attr, NUMBER, index=index, masked=masked)
    assert crypto.decrypt(getattr(row, f"{attr}_enc")) == NUMBER
    for column, value in old.items():
        if not column.endswith("_enc"):  # a fresh nonce each time: compared decrypted above
            assert getattr(row, column) == value, column


@pytest.mark.parametrize(("model", "build", "attr", "index", "masked", "shown"), CASES)
def test_no_number_stores_and_shows_nothing(district, model, build, attr, index, masked, shown):
    row = build(district, _old_columns(attr, NUMBER, index=index, masked=masked))
    getattr(row, f"set_{attr}")("")
    assert getattr(row, f"{attr}_enc") == ""
    assert getattr(row, attr) == ""
    assert getattr(row, f"masked_{attr}") == ""
    if index:
        assert getattr(row, f"{attr}_hash") == ""


def test_the_number_cannot_be_assigned_past_its_index(district):
    resident = district.residents["a_head"]
    with pytest.raises(AttributeError, match="set_phone"):
        resident.phone = NUMBER


def test_the_models_keep_their_columns_in_their_order():
    def names(model, start):
        fields = [f.name for f in model._meta.concrete_fields]
        return fields[fields.index(start) : fields.index(start) + 4]

    assert names(Resident, "phone_enc") == [
        "phone_enc",
        "phone_hash",
        "phone_suffix",
        "phone_prefix",
    ]
    assert names(ResidentAccount, "phone_enc")[:3] == ["phone_enc", "phone_hash", "phone_masked"]
    assert names(HotlineCall, "caller_enc")[:3] == ["caller_enc", "caller_hash", "caller_masked"]
    assert names(Member, "phone_enc")[:2] == ["phone_enc", "phone_masked"]
    assert ResidentAccount._meta.get_field("phone_hash").unique
    assert HotlineCall._meta.get_field("caller_hash").db_index
