"""The import pages: upload, background job with progress, error report, template."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from gongzhi.people.import_jobs import import_job_run
from gongzhi.people.models import Household, ImportJob, Resident
from gongzhi.people.tests.io_helpers import (
    new_id,
    response_bytes,
    row,
    sheet_values,
    upload,
    write_file,
    xlsx_bytes,
)

IMPORT_URL = reverse("people_io:import")


@pytest.fixture(autouse=True)
def immediate_tasks(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"


def post_file(client, name, data, capture):
    with capture(execute=True):
        return client.post(IMPORT_URL, {"file": upload(name, data)})


def test_the_import_page_offers_the_template_and_an_upload_form(district, login):
    page = login("center").get(IMPORT_URL).content.decode()
    assert reverse("people_io:template") in page
    assert 'enctype="multipart/form-data"' in page and 'type="file"' in page


def test_a_read_only_leader_gets_a_clear_403_and_no_job(district, login):
    client = login("leader")
    page = client.get(IMPORT_URL)
    assert page.status_code == 403
    assert "您没有批量导入权限" in page.content.decode()
    posted = client.post(IMPORT_URL, {"file": upload("p.xlsx", xlsx_bytes([row(district.unit_a)]))})
    assert posted.status_code == 403
    assert not ImportJob.objects.exists()
    assert not Resident.objects.filter(name="王小明").exists()


def test_an_upload_over_the_cap_is_refused_on_the_form(
    district, login, settings, django_capture_on_commit_callbacks
):
    settings.UPLOAD_MAX_BYTES = 2048
    rows = [row(district.unit_a, 身份证号=new_id(i), 门牌号=str(i)) for i in range(1, 100)]
    page = post_file(
        login("center"), "big.xlsx", xlsx_bytes(rows), django_capture_on_commit_callbacks
    )
    assert page.status_code == 400
    assert "文件过大" in page.content.decode()
    assert not ImportJob.objects.exists()
    assert not Resident.objects.filter(name="王小明").exists()


def test_a_corrupt_xlsx_is_refused_on_the_form_without_a_500(
    district, login, django_capture_on_commit_callbacks
):
    page = post_file(
        login("center"), "x.xlsx", b"PK\x03\x04broken", django_capture_on_commit_callbacks
    )
    assert page.status_code == 400
    assert "无法读取该Excel文件" in page.content.decode()
    assert not ImportJob.objects.exists()


def test_a_valid_upload_runs_as_a_job_and_creates_the_residents(
    district, login, settings, django_capture_on_commit_callbacks
):
    rows = [row(district.unit_a, 身份证号=new_id(1)), row(district.unit_b, 身份证号=new_id(2))]
    response = post_file(
        login("center"), "居民.xlsx", xlsx_bytes(rows), django_capture_on_commit_callbacks
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("people_io:import_job", args=[job.pk])
    assert (job.status, job.created_count, job.households_created) == ("succeeded", 2, 2)
    assert (job.owner, job.filename, job.total_rows) == (district.users["center"], "居民.xlsx", 2)
    assert Resident.objects.filter(name="王小明").count() == 2
    # The upload held full ID numbers: it is gone once the job has finished.
    assert job.file_path.startswith("imports/")
    assert (settings.MEDIA_ROOT / "imports").is_dir()
    assert not (settings.MEDIA_ROOT / job.file_path).exists()


def test_a_job_with_bad_rows_fails_writes_nothing_and_shows_the_errors(
    district, login, django_capture_on_commit_callbacks
):
    households = Household.objects.count()
    rows = [row(district.unit_a, 身份证号=new_id(1)), row(district.unit_a, 手机号="999")]
    client = login("center")
    post_file(client, "p.xlsx", xlsx_bytes(rows), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert job.status == "failed"
    assert Household.objects.count() == households
    page = client.get(reverse("people_io:import_job", args=[job.pk])).content.decode()
    assert 'id="import-errors"' in page
    assert "第3行" in page and "手机号" in page and "电话号码格式不正确" in page
    assert reverse("people_io:import_errors", args=[job.pk]) in page
    assert "hx-trigger" not in page  # finished: the page stops polling


def test_the_error_report_download_lists_every_error(
    district, login, django_capture_on_commit_callbacks
):
    rows = [row(district.unit_a, 身份证号="1", 门牌号=str(i)) for i in range(3)]
    client = login("center")
    post_file(client, "p.xlsx", xlsx_bytes(rows), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    response = client.get(reverse("people_io:import_errors", args=[job.pk]))
    values = sheet_values(response_bytes(response))
    assert values[1] == ["行号", "列", "错误原因"]
    assert [v[:2] for v in values[2:]] == [[2, "身份证号"], [3, "身份证号"], [4, "身份证号"]]


def test_the_job_page_shows_progress_and_polls_while_running(district, login):
    job = ImportJob.objects.create(
        owner=district.users["center"],
        filename="p.xlsx",
        file_path="imports/x.xlsx",
        status="running",
        stage="validating",
        total_rows=200,
        processed_rows=50,
    )
    client = login("center")
    url = reverse("people_io:import_job", args=[job.pk])
    page = client.get(url).content.decode()
    assert f'hx-get="{url}"' in page and 'hx-trigger="every 1s"' in page
    assert "50 / 200" in page and 'aria-valuenow="25"' in page
    partial = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert partial.lstrip().startswith('<div id="job-status"')
    assert "<html" not in partial


def test_someone_elses_job_is_not_found(district, login):
    job = ImportJob.objects.create(owner=district.users["admin"], filename="p.xlsx", file_path="x")
    assert login("center").get(reverse("people_io:import_job", args=[job.pk])).status_code == 404


def test_a_job_is_run_only_once(district, tmp_path, settings):
    path = write_file(settings.MEDIA_ROOT.parent, "once.xlsx", xlsx_bytes([row(district.unit_a)]))
    job = ImportJob.objects.create(
        owner=district.users["center"], filename="once.xlsx", file_path=str(path)
    )
    assert import_job_run(job.pk).status == "succeeded"
    assert import_job_run(job.pk) is None
    assert Resident.objects.filter(name="王小明").count() == 1


def test_the_template_downloads_and_reimports_cleanly_when_filled_in(
    district, login, django_capture_on_commit_callbacks
):
    client = login("center")
    response = client.get(reverse("people_io:template"))
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response_bytes(response)))
    assert wb.sheetnames == ["实有人口", "说明", "网格编码"]
    units = [r[0] for r in wb["网格编码"].iter_rows(min_row=2, values_only=True)]
    assert district.unit_a.code in units and district.unit_x.code not in units
    assert any("示例" in str(r[0]) for r in wb["说明"].iter_rows(values_only=True) if r[0])
    sheet = wb["实有人口"]
    sheet.append(
        [district.unit_a.code, "501", "孙悟空", new_id(41), "13912345678", "户籍人口", "户主", ""]
    )
    out = io.BytesIO()
    wb.save(out)
    post_file(client, "filled.xlsx", out.getvalue(), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert (job.status, job.created_count) == ("succeeded", 1), job.report
    assert Resident.objects.get(name="孙悟空").household.house_number == "501"


def test_the_command_imports_synchronously_and_prints_the_report(district, tmp_path, capsys):
    text = f"网格编码,门牌号,姓名,身份证号,手机号,人口类型,与户主关系\n{district.unit_a.code},9,张飞,{new_id(51)},,,\n"
    path = write_file(tmp_path, "p.csv", text.encode())
    call_command("import_residents", str(path), user="center")
    assert "导入成功:新增居民1人,新增户1户" in capsys.readouterr().out
    assert Resident.objects.filter(name="张飞").exists()


def test_the_command_fails_loudly_and_writes_nothing_on_bad_rows(district, tmp_path, capsys):
    path = write_file(tmp_path, "p.xlsx", xlsx_bytes([row(district.unit_a, 身份证号="42")]))
    with pytest.raises(CommandError, match="导入失败,未写入任何数据"):
        call_command("import_residents", str(path), user="center")
    assert "第2行 [身份证号]" in capsys.readouterr().out
    assert not Resident.objects.filter(name="王小明").exists()


def test_a_body_far_over_the_cap_is_refused_from_its_length_before_parsing(
    district, login, settings, django_capture_on_commit_callbacks
):
    settings.UPLOAD_MAX_BYTES = 1024
    big = b"x" * (200 * 1024)
    page = post_file(login("center"), "big.csv", big, django_capture_on_commit_callbacks)
    assert page.status_code == 413
    assert "文件过大" in page.content.decode() and "上限为1 KB" in page.content.decode()
    assert not ImportJob.objects.exists()


def test_the_upload_is_still_csrf_protected(district, client):
    from gongzhi.core.testing import PASSWORD

    client.handler.enforce_csrf_checks = True
    client.login(username="center", password=PASSWORD)
    response = client.post(
        IMPORT_URL, {"file": upload("p.xlsx", xlsx_bytes([row(district.unit_a)]))}
    )
    assert response.status_code == 403
    assert "页面已过期,请刷新后重试" in response.content.decode()  # the CSRF page
    assert not ImportJob.objects.exists()
