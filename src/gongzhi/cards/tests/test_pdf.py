"""The printed PDF: one card per unit or household, with who serves it and a bind QR."""

import pytest
import segno

from gongzhi.cards import pdf
from gongzhi.cards.content import HOUSEHOLD, UNIT, cards_for
from gongzhi.cards.services import cards_print
from gongzhi.cards.tests.helpers import pdf_text
from gongzhi.grids.models import Grid
from gongzhi.people.services import household_create
from gongzhi.portal.services import bind_token_unit

BASE = "https://gz.example.cn"


def printed(tmp_path, root, per=UNIT, progress=None) -> str:
    out = tmp_path / "cards.pdf"
    cards_print(root=root, per=per, out=out, base_url=BASE, progress=progress)
    return pdf_text(out.read_bytes())


def test_it_prints_one_card_per_unit_of_the_subtree(street, tmp_path):
    text = printed(tmp_path, street.community)
    assert text.count(pdf.TITLE) == 2
    assert street.unit_1.full_name in text and street.unit_2.full_name in text


def test_a_units_card_names_its_own_grid_worker_with_phone_roles_and_hours(street):
    card = next(c for c in cards_for(street.community) if c.unit_id == street.unit_1.pk)
    lines = pdf.card_lines(card)
    assert "网格员:马晓红 13912340001" in lines
    assert "五大员:法治宣传员、治安联防员、纠纷调解员、帮教转化员、信息采集员" in lines
    assert "工作时间:周一至周五 8:30-17:30" in lines


def test_a_unit_without_a_worker_of_its_own_gets_the_nearest_ancestors(street):
    card = next(c for c in cards_for(street.community) if c.unit_id == street.unit_2.pk)
    assert [w.name for w in card.workers] == ["杨建国"]


def test_the_pdf_carries_the_workers_police_duty_phone_and_center_address(street, tmp_path):
    text = printed(tmp_path, street.unit_1)
    for expected in ("马晓红", "13912340001", "李警官", "13912340003", "0931-8812345", "东关路8号"):
        assert expected in text


def test_it_prints_one_card_per_household_with_the_house_number(street, district, tmp_path):
    admin = district.users["admin"]
    for number in ("101", "102", "201"):
        household_create(by=admin, unit=street.unit_1, house_number=number)
    text = printed(tmp_path, street.community, per=HOUSEHOLD)
    assert text.count(pdf.TITLE) == 3
    assert f"{street.unit_1.full_name}201" in text.replace("\n", "")


def test_the_qr_payload_is_the_portals_bind_url_for_that_unit(street):
    url = pdf.bind_url(street.unit_1.pk, BASE + "/")
    prefix = f"{BASE}/bind/"
    assert url.startswith(prefix) and url.endswith("/")
    assert bind_token_unit(url[len(prefix) : -1]) == street.unit_1


def test_the_qr_code_encodes_exactly_the_payload(street):
    url = pdf.bind_url(street.unit_1.pk, BASE)
    qr = pdf.qr_for(url)
    assert qr.matrix == segno.make(url, error="m", mask=pdf.QR_MASK).matrix
    assert qr.matrix != segno.make(url + "x", error="m", mask=pdf.QR_MASK).matrix


def test_progress_is_reported_as_cards_are_drawn(street, tmp_path, monkeypatch):
    monkeypatch.setattr(pdf, "PROGRESS_EVERY", 1)
    seen: list[tuple[int, int]] = []
    printed(tmp_path, street.community, progress=lambda done, total: seen.append((done, total)))
    assert seen[0] == (0, 2)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert (1, 2) in seen and seen[-1] == (2, 2)


def test_synthetic_units_are_marked_as_demo_data(street, tmp_path):
    assert pdf.SYNTHETIC_MARK not in printed(tmp_path, street.unit_1)
    Grid.objects.filter(pk=street.unit_1.pk).update(is_synthetic=True)
    assert pdf.SYNTHETIC_MARK in printed(tmp_path, street.unit_1)


def test_it_reads_a_subtree_in_a_fixed_number_of_queries(
    street, district, django_assert_max_num_queries
):
    with django_assert_max_num_queries(5):
        small = list(cards_for(street.unit_1))
    with django_assert_max_num_queries(5):
        large = list(cards_for(district.root))
    assert len(small) == 1 and len(large) == 5


@pytest.mark.parametrize("per", ["", "households", "unit;drop"])
def test_a_garbage_per_writes_nothing(street, tmp_path, per):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        cards_print(root=street.community, per=per, out=tmp_path / "x.pdf", base_url=BASE)
    assert not list(tmp_path.iterdir())
