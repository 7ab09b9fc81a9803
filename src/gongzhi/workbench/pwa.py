"""The workbench's service worker: the field forms open without a signal.

A grid worker who opens the workbench in a basement gets the form from this phone's cache
and the offline queue (static/workbench/offline.js) takes what they write. The worker is
served from /workbench/sw.js so that its scope is the workbench only (the portal has its
own, at /sw.js). It keeps only the form pages listed here, and the static files they use;
pages with residents' details (edit forms, lists, diary entries) are never cached, and the
cache is dropped as soon as a page answers with the sign-in page (signed out, or expired).
"""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render, resolve_url
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

VERSION = "gongzhi-workbench-v1"


def offline_pages() -> list[str]:
    """The pages a worker may open without a connection: the forms that queue offline."""
    names = (
        "index",
        "diary_new",
        "report_new",
        "inspection_new",
        "collect",
        "household_new",
        "care_visit_new",
    )
    return [reverse(f"workbench:{name}") for name in names]


@require_GET
@cache_control(no_cache=True)
def service_worker(request):
    context = {
        "version": VERSION,
        "pages": json.dumps(offline_pages()),
        "static_prefix": json.dumps(settings.STATIC_URL),
        "login": json.dumps(resolve_url(settings.LOGIN_URL)),
    }  # fmt: skip
    body = render(request, "workbench/sw.js", context).content
    return HttpResponse(body, content_type="text/javascript; charset=utf-8")
