"""core.xlsx.safe_cell: the one escape every export cell passes through."""

import datetime as dt
from decimal import Decimal

import pytest

from gongzhi.core.xlsx import content_disposition, safe_cell


@pytest.mark.parametrize(
    "raw", ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://evil","点我")']
)
def test_text_that_could_run_as_a_formula_gets_a_leading_quote(raw):
    assert safe_cell(raw) == "'" + raw


@pytest.mark.parametrize("raw", ["茹**", "101", "a=b", "", "620902********1233"])
def test_ordinary_text_is_unchanged(raw):
    assert safe_cell(raw) == raw


def test_numbers_and_dates_stay_typed_and_none_becomes_blank():
    assert safe_cell(-5) == -5
    assert safe_cell(dt.date(2026, 1, 2)) == dt.date(2026, 1, 2)
    assert safe_cell(None) == ""
    assert safe_cell(Decimal("50.00")) == Decimal("50.00")
    assert safe_cell(Decimal("NaN")) == "NaN"  # no number a sheet could hold


def test_the_content_disposition_has_an_ascii_fallback_and_the_utf8_name():
    header = content_disposition("实有人口_20261126.xlsx")
    assert header == (
        'attachment; filename="_____20261126.xlsx"; '
        "filename*=UTF-8''%E5%AE%9E%E6%9C%89%E4%BA%BA%E5%8F%A3_20261126.xlsx"
    )
