"""Issue 14: every spreadsheet the site serves is read back with openpyxl in a test.

The URL table is walked for every .xlsx download (a route ending in .xlsx, or a view named
for an export); each must be listed here with the test file that opens its file with
openpyxl, so a new export without a read-back test fails this test."""

from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

import gongzhi

SRC = Path(gongzhi.__file__).parent
# URL name → (the test file that loads the downloaded workbook, how that file asks for it).
READ_BACK = {
    "cases:export": ("cases/tests/test_pages.py", "/cases/export.xlsx"),
    "kpis:export": ("cases/tests/test_kpi_pages.py", 'suffix="export.xlsx"'),
    "command:panel_xlsx": ("command/tests/test_panels.py", '/command/api/{name}.xlsx"'),
    "care:target_export": ("care/tests/test_pages.py", "/care/export/"),
    "mediation:ledger_export": ("mediation/tests/test_ledger.py", "/mediation/ledger.xlsx"),
    "liaison:referral_export": ("liaison/tests/test_ledger.py", "/liaison/referrals/ledger.xlsx"),
    "social:organisation_export": ("social/tests/test_ledger.py", '"/social/ledger.xlsx"'),
    "deliberation:ledger_export": ("deliberation/tests/test_ledger.py",
                                   '"/deliberation/ledger.xlsx"'),
    "people_io:export_residents": ("people/tests/test_export_reimport.py",
                                   '"people_io:export_residents"'),
    "people_io:export_households": ("people/tests/test_export_residents.py",
                                    '"people_io:export_households"'),
    "people_io:template": ("people/tests/test_import_views.py", '"people_io:template"'),
    "people_io:import_errors": ("people/tests/test_import_views.py", '"people_io:import_errors"'),
}  # fmt: skip


def _downloads(patterns, prefix="", namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _downloads(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            route = prefix + str(p.pattern)
            view = getattr(p.callback, "__name__", "")
            if p.name and (".xlsx" in route or "export" in view or "export" in p.name):
                yield f"{namespace}{p.name}", route


def test_every_spreadsheet_download_has_a_test_that_reads_it_back():
    found = dict(_downloads(get_resolver().url_patterns))
    assert set(found) == set(READ_BACK), found
    for name, (test_file, asks) in READ_BACK.items():
        text = (SRC / test_file).read_text(encoding="utf-8")
        assert asks in text, (name, test_file, asks)
        assert "load_workbook(" in text or "sheet_values(" in text, (name, test_file)
