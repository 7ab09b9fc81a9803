import datetime as dt

import pytest

from gongzhi.core.idcard import InvalidIdNumber, check_char, make_id_number, parse_id_number


def test_it_accepts_the_reference_example():
    info = parse_id_number("620902199003071233")
    assert info.birth_date == dt.date(1990, 3, 7)
    assert info.gender == "M"  # sequence 123 is odd


def test_it_rejects_a_wrong_check_digit():
    with pytest.raises(InvalidIdNumber, match="校验位"):
        parse_id_number("620902199003071234")


def test_it_upgrades_a_15_digit_number():
    info = parse_id_number("620902900307123")
    assert info.number == "62090219900307123" + check_char("62090219900307123")
    assert info.number == "620902199003071233"


def test_it_uppercases_x_and_derives_female_gender():
    number = make_id_number("622102", dt.date(1992, 4, 15), 2)
    assert number.endswith(number[-1].upper())
    info = parse_id_number(number.lower())
    assert info.gender == "F"


@pytest.mark.parametrize(
    "raw", ["", "abc", "62090219900307123", "620902199013071233", "6209021990030712333"]
)
def test_it_rejects_malformed_numbers(raw):
    with pytest.raises(InvalidIdNumber):
        parse_id_number(raw)


def test_it_rejects_a_future_birth_date():
    number = make_id_number("620902", dt.date.today() + dt.timedelta(days=400), 11)
    with pytest.raises(InvalidIdNumber, match="出生日期"):
        parse_id_number(number)
