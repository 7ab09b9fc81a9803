"""core.text.clean_text: the one free-text check the rooms' services share."""

import pytest
from django.core.exceptions import ValidationError

from gongzhi.core.text import clean_text


def test_it_trims_and_returns_the_text():
    assert clean_text("  调解室  ", field="name", label="名称", max_length=10) == "调解室"


@pytest.mark.parametrize("value", [None, "", "   \n"])
def test_a_required_field_left_empty_names_the_field(value):
    with pytest.raises(ValidationError) as err:
        clean_text(value, field="name", label="名称", max_length=10)
    assert err.value.message_dict == {"name": ["请填写名称"]}


def test_an_optional_field_may_be_empty():
    assert clean_text(None, field="note", label="备注", max_length=10, required=False) == ""


def test_text_over_the_cap_is_refused_with_the_cap_in_the_message():
    assert clean_text("长" * 10, field="note", label="备注", max_length=10) == "长" * 10
    with pytest.raises(ValidationError) as err:
        clean_text("长" * 11, field="note", label="备注", max_length=10)
    assert err.value.message_dict == {"note": ["备注不能超过10个字符"]}


def test_a_nul_is_refused_with_a_message_under_the_field():
    with pytest.raises(ValidationError) as exc:
        clean_text("a\x00b", field="note", label="走访情况", max_length=100)
    assert exc.value.message_dict == {"note": ["输入内容含有非法的空字符(NUL),请删除后重新提交"]}


@pytest.mark.parametrize(
    "text, kept", [("铃\x07", "铃"), ("\x1b[31m红", "[31m红"), ("x\x7fz", "xz")]
)
def test_c0_controls_and_del_are_silently_dropped(text, kept):
    assert clean_text(text, field="note", label="走访情况", max_length=100) == kept


def test_only_c0_controls_are_refused_as_missing():
    with pytest.raises(ValidationError) as exc:
        clean_text("\x07\x1b", field="note", label="走访情况", max_length=100)
    assert exc.value.message_dict == {"note": ["请填写走访情况"]}


@pytest.mark.parametrize("text", ["y\x85z", "\x9f"])
def test_c1_controls_are_refused_with_a_message_naming_the_field(text):
    with pytest.raises(ValidationError) as exc:
        clean_text(text, field="note", label="走访情况", max_length=100)
    assert exc.value.message_dict["note"] == ["走访情况含有不可见的控制字符,请删除后重试"]


def test_it_keeps_line_breaks_and_tabs():
    assert (
        clean_text("第一行\n第二行\t完", field="f", label="l", max_length=100)
        == "第一行\n第二行\t完"
    )
