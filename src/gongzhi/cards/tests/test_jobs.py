"""The background job: claimed once, progress visible, failures recorded, files kept private."""

import io
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from gongzhi.cards import pdf
from gongzhi.cards.models import CardPrintJob
from gongzhi.cards.services import card_print_job_create, card_print_job_run
from gongzhi.cards.tests.helpers import pdf_text
from gongzhi.org.models import GridAssignment


def queued(district, user="center", root=None) -> CardPrintJob:
    return CardPrintJob.objects.create(
        owner=district.users[user], root=root or district.jinquan, base_url="http://x/"
    )


def test_a_job_runs_once_even_if_two_workers_take_it(district):
    job = queued(district)
    assert card_print_job_run(job.pk).status == CardPrintJob.Status.SUCCEEDED
    assert card_print_job_run(job.pk) is None


def test_the_job_records_progress_in_its_row_as_it_goes(district, monkeypatch):
    monkeypatch.setattr(pdf, "PROGRESS_EVERY", 1)
    job = queued(district)
    seen = []
    real = pdf.CardSheet.add

    def spy(self, card, payload):
        seen.append(CardPrintJob.objects.values_list("done", "total").get(pk=job.pk))
        real(self, card, payload)

    monkeypatch.setattr(pdf.CardSheet, "add", spy)
    card_print_job_run(job.pk)
    assert seen == [(0, 2), (1, 2)]
    assert CardPrintJob.objects.values_list("done", "total").get(pk=job.pk) == (2, 2)


def test_the_pdf_is_stored_under_media_cards(district, settings):
    job = card_print_job_run(queued(district).pk)
    path = Path(settings.MEDIA_ROOT) / job.file_path
    assert job.file_path.startswith("cards/") and path.is_file()
    assert pdf_text(path.read_bytes()).count(pdf.TITLE) == 2


def test_a_job_whose_owner_lost_the_grid_fails_without_a_file(district, settings):
    job = queued(district, user="gridworker", root=district.unit_a)
    GridAssignment.objects.filter(staff__user=district.users["gridworker"]).delete()
    done = card_print_job_run(job.pk)
    assert done.status == CardPrintJob.Status.FAILED and "管辖范围" in done.error
    assert not done.file_path
    assert not (Path(settings.MEDIA_ROOT) / "cards").exists() or not any(
        (Path(settings.MEDIA_ROOT) / "cards").iterdir()
    )


def test_creating_a_job_outside_scope_is_refused(district):
    with pytest.raises(PermissionDenied):
        card_print_job_create(
            by=district.users["gridworker"], root=district.unit_b, per="unit", base_url=""
        )
    assert not CardPrintJob.objects.exists()


def test_the_command_prints_the_same_cards(district, tmp_path):
    out = tmp_path / "out.pdf"
    call_command("print_cards", district.jinquan.code, "--out", str(out), stdout=io.StringIO())
    assert pdf_text(out.read_bytes()).count(pdf.TITLE) == 2


@pytest.mark.parametrize("args", [["NOPE"], ["{code}", "--per", "room"]])
def test_the_command_refuses_bad_input_and_writes_nothing(district, tmp_path, args):
    out = tmp_path / "out.pdf"
    args = [a.format(code=district.jinquan.code) for a in args]
    with pytest.raises(CommandError):
        call_command("print_cards", *args, "--out", str(out))
    assert not out.exists()
