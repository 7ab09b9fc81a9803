import pytest

from gongzhi.core.masking import mask_address, mask_id_number, mask_name, mask_phone
from gongzhi.core.phone import InvalidPhone, normalize_phone


def test_it_masks_ids_keeping_first_six_and_last_four():
    assert mask_id_number("620902199003071234") == "620902********1234"


def test_it_masks_phones_keeping_first_three_and_last_four():
    assert mask_phone("13812341234") == "138****1234"


@pytest.mark.parametrize(
    ("name", "masked"),
    [("张三", "张*"), ("欧阳明月", "欧阳**"), ("李", "李*"), ("茹玉芳", "茹**")],
)
def test_it_masks_names(name, masked):
    assert mask_name(name) == masked


def test_it_truncates_addresses_after_the_compound():
    assert mask_address("金泉路社区悦和家园3号楼2单元301") == "金泉路社区…"


@pytest.mark.parametrize("raw", ["+86 138-1234-1234", "0086 13812341234", "0937-2612345"])
def test_it_normalizes_valid_phones(raw):
    assert normalize_phone(raw).isdigit()


@pytest.mark.parametrize("raw", ["12345", "23812341234", "1381234123x", "138123412345"])
def test_it_rejects_invalid_phones(raw):
    with pytest.raises(InvalidPhone):
        normalize_phone(raw)
