"""The staff page: start a print for a grid in scope, follow progress, download the PDF."""

from django.urls import reverse

from gongzhi.cards.models import CardPrintJob
from gongzhi.cards.pdf import TITLE
from gongzhi.cards.tests.helpers import pdf_text

PRINT_URL = reverse("cards:print")


def start(client, capture, **data):
    with capture(execute=True):
        return client.post(PRINT_URL, {"per": "unit", **data})


def test_a_gridworker_prints_their_unit_and_downloads_the_pdf(
    district, login, django_capture_on_commit_callbacks
):
    client = login("gridworker")
    response = start(client, django_capture_on_commit_callbacks, grid=district.unit_a.code)
    job = CardPrintJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("cards:job", args=[job.pk])
    assert job.status == CardPrintJob.Status.SUCCEEDED and (job.done, job.total) == (1, 1)
    download = client.get(reverse("cards:download", args=[job.pk]))
    assert download.status_code == 200
    text = pdf_text(b"".join(download.streaming_content))
    assert text.count(TITLE) == 1 and "网格员甲" in text


def test_the_job_page_shows_the_download_link_when_done(
    district, login, django_capture_on_commit_callbacks
):
    client = login("center")
    start(client, django_capture_on_commit_callbacks, grid=district.jinquan.code)
    job = CardPrintJob.objects.get()
    page = client.get(reverse("cards:job", args=[job.pk])).content.decode()
    assert reverse("cards:download", args=[job.pk]) in page
    assert "hx-trigger" not in page  # finished: polling stops


def test_a_running_job_shows_count_and_percentage_and_keeps_polling(district, login):
    job = CardPrintJob.objects.create(
        owner=district.users["center"],
        root=district.jinquan,
        total=80,
        done=20,
        status=CardPrintJob.Status.RUNNING,
    )
    page = login("center").get(reverse("cards:job", args=[job.pk]), HTTP_HX_REQUEST="true")
    html = page.content.decode()
    assert "20 / 80" in html and "25%" in html
    assert 'hx-trigger="every 1s"' in html
    assert reverse("cards:download", args=[job.pk]) not in html


def test_a_gridworker_cannot_print_a_sibling_unit(
    district, login, django_capture_on_commit_callbacks
):
    page = start(login("gridworker"), django_capture_on_commit_callbacks, grid=district.unit_b.code)
    assert page.status_code == 400
    assert "不在您的管辖范围内" in page.content.decode()
    assert not CardPrintJob.objects.exists()


def test_an_unknown_grid_code_is_refused_and_kept_in_the_form(
    district, login, django_capture_on_commit_callbacks
):
    page = start(login("center"), django_capture_on_commit_callbacks, grid="NOPE-999")
    html = page.content.decode()
    assert page.status_code == 400
    assert "找不到网格编码" in html and 'value="NOPE-999"' in html
    assert not CardPrintJob.objects.exists()


def test_a_garbage_per_is_refused_with_a_message(
    district, login, django_capture_on_commit_callbacks
):
    client = login("center")
    page = start(client, django_capture_on_commit_callbacks, grid=district.jinquan.code, per="all")
    assert page.status_code == 400
    assert "打印方式无效" in page.content.decode()
    assert not CardPrintJob.objects.exists()


def test_a_role_that_may_neither_export_nor_change_gets_a_403(district, login):
    client = login("police")
    assert client.get(PRINT_URL).status_code == 403
    response = client.post(PRINT_URL, {"grid": district.jinquan.code, "per": "unit"})
    assert response.status_code == 403 and "没有打印连心卡的权限" in response.content.decode()
    assert not CardPrintJob.objects.exists()


def test_a_read_only_leader_may_print_the_whole_district(
    district, login, django_capture_on_commit_callbacks
):
    start(login("leader"), django_capture_on_commit_callbacks, grid=district.root.code)
    job = CardPrintJob.objects.get()
    assert job.status == CardPrintJob.Status.SUCCEEDED and job.done == 3


def test_nobody_else_can_see_or_download_a_job(district, login, django_capture_on_commit_callbacks):
    start(login("gridworker"), django_capture_on_commit_callbacks, grid=district.unit_a.code)
    job = CardPrintJob.objects.get()
    other = login("gridworker_b")
    assert other.get(reverse("cards:job", args=[job.pk])).status_code == 404
    assert other.get(reverse("cards:download", args=[job.pk])).status_code == 404
