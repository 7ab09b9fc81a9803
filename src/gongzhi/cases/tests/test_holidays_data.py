"""Holidays and 调休 days are data the district administrator maintains (issue 12, finding 9):
admin import page, `gongzhi holidays import|sync`, and a warning when next year is missing."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from gongzhi.cases.calendar import add_working_days, holidays_next_year_missing
from gongzhi.cases.holidays import MAX_FILE_BYTES, calendar_package_rows, parse_holiday_file
from gongzhi.cases.models import Holiday
from gongzhi.core.checks import holidays_on_file

pytestmark = pytest.mark.django_db
TODAY = dt.datetime(2026, 12, 4, 10, 0, tzinfo=dt.UTC)  # the day this was written
SPRING_2027 = (
    "date,name,is_workday\n"
    "2027-02-06,春节,否\n2027-02-07,春节,否\n2027-02-08,春节,否\n2027-02-09,春节,否\n"
    "2027-02-10,春节,否\n2027-02-11,春节,否\n2027-02-12,春节,否\n2027-02-13,春节,否\n"
    "2027-02-14,春节调休,是\n"
)


def test_the_check_fires_from_1_december_when_next_year_has_no_rows():
    Holiday.objects.filter(date__year=2027).delete()
    with time_machine.travel(TODAY, tick=False):
        assert holidays_next_year_missing() == 2027
        warnings = holidays_on_file(databases=["default"])
    assert [w.id for w in warnings] == ["gongzhi.W020"] and "2027" in warnings[0].msg


def test_the_check_is_quiet_before_1_december_and_once_next_year_is_on_file():
    assert holidays_next_year_missing(dt.date(2026, 11, 30)) is None
    Holiday.objects.create(date=dt.date(2027, 1, 1), name="元旦")
    assert holidays_next_year_missing(dt.date(2026, 12, 4)) is None
    assert holidays_on_file(databases=None) == []  # database checks only when asked


def test_an_imported_file_makes_deadlines_skip_next_years_spring_festival(tmp_path):
    path = tmp_path / "2027.csv"
    path.write_text(SPRING_2027, encoding="utf-8")
    friday = dt.datetime(2027, 2, 5, 2, 0, tzinfo=dt.UTC)  # 10:00 local
    assert add_working_days(friday, 1).date() == dt.date(2027, 2, 8)  # no rows: a plain Monday

    call_command("holidays", "import", str(path), stdout=StringIO())

    assert Holiday.objects.filter(date__year=2027).count() == 9
    assert add_working_days(friday, 1).date() == dt.date(2027, 2, 14)  # the 调休 Sunday
    with time_machine.travel(TODAY, tick=False):
        assert holidays_next_year_missing() is None


def test_an_import_replaces_the_years_it_names_and_keeps_the_others(tmp_path):
    Holiday.objects.create(date=dt.date(2027, 3, 1), name="旧数据")
    before_2026 = Holiday.objects.filter(date__year=2026).count()
    path = tmp_path / "2027.csv"
    path.write_text(SPRING_2027, encoding="utf-8")

    call_command("holidays", "import", str(path), stdout=StringIO())

    assert not Holiday.objects.filter(date=dt.date(2027, 3, 1)).exists()
    assert Holiday.objects.filter(date__year=2026).count() == before_2026


def test_sync_loads_a_year_the_calendar_package_knows():
    Holiday.objects.filter(date__year=2026).delete()
    call_command("holidays", "sync", "--year", "2026", stdout=StringIO())
    rows = Holiday.objects.filter(date__year=2026)
    assert rows.count() == len(calendar_package_rows(2026)) > 20
    assert rows.filter(date=dt.date(2026, 10, 1), is_workday=False).exists()


def test_sync_of_a_year_the_package_does_not_know_says_so_and_writes_nothing():
    with pytest.raises(CommandError, match="chinesecalendar"):
        call_command("holidays", "sync", "--year", "2099", stdout=StringIO())
    assert not Holiday.objects.filter(date__year=2099).exists()


def test_sync_defaults_to_next_year():
    with time_machine.travel(TODAY, tick=False):
        if calendar_package_rows(2027):
            call_command("holidays", "sync", stdout=StringIO())
            assert Holiday.objects.filter(date__year=2027).exists()
        else:  # chinesecalendar 1.11 does not know 2027 yet: a clear refusal
            with pytest.raises(CommandError, match="2027"):
                call_command("holidays", "sync", stdout=StringIO())


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "文件为空"),
        (b"x" * (MAX_FILE_BYTES + 1), "文件过大"),
        (b"\xff\xfe\x00garbage", "UTF-8"),
        ("2027-13-01,bad,否\n", "YYYY-MM-DD"),
        ("tomorrow,bad,否\n", "YYYY-MM-DD"),
        ("1900-01-01,old,否\n", "年份"),
        (b"2027-01-01,\xe5\x85\x83\x0b\xe6\x97\xa6,\xe5\x90\xa6\n", "控制字符"),
        ("2027-01-01," + "长" * 51 + ",否\n", "名称过长"),
        ("2027-01-01,元旦,maybe\n", "调休上班"),
        (b"2027-01-01,a,no\n2027-01-01,b,no\n", "重复"),
        (b"date,name,is_workday\n", "没有节假日"),
        (b"PK\x03\x04not really a zip", "Excel"),
    ],
)
def test_garbage_files_are_refused_with_a_clear_message(data, message):
    data = data.encode() if isinstance(data, str) else data
    with pytest.raises(ValidationError) as exc:
        parse_holiday_file(data)
    assert message in ";".join(exc.value.messages)


def test_the_admin_imports_a_file_and_a_bad_one_writes_nothing(admin_client):
    url = reverse("admin:cases_holiday_import")
    assert (
        reverse("admin:cases_holiday_import")
        in admin_client.get(reverse("admin:cases_holiday_changelist")).content.decode()
    )

    bad = SimpleUploadedFile("h.csv", SPRING_2027.encode() + b"2027-02-20,x,perhaps\n")
    page = admin_client.post(url, {"file": bad}, follow=True).content.decode()
    assert "调休上班" in page and not Holiday.objects.filter(date__year=2027).exists()

    good = SimpleUploadedFile("h.csv", SPRING_2027.encode())
    response = admin_client.post(url, {"file": good})
    assert response.status_code == 302
    assert Holiday.objects.filter(date__year=2027).count() == 9


def test_only_administrators_reach_the_import_page(client, district, login):
    assert login("center").get(reverse("admin:cases_holiday_import")).status_code == 302
