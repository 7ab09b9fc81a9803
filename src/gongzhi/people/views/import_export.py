"""Import and export pages. Thin: permission check, form, then a call into people/*."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from gongzhi.core.access import can
from gongzhi.core.dbrouter import replica_reads
from gongzhi.core.roles import EXPORT, IMPORT
from gongzhi.core.xlsx import workbook_response
from gongzhi.people.exports import (
    ExportFilters,
    error_report,
    households_export,
    import_template,
    residents_export,
)
from gongzhi.people.forms_io import ImportUploadForm
from gongzhi.people.import_files import ImportFileError, check_size
from gongzhi.people.import_jobs import import_job_create
from gongzhi.people.models import ImportJob

ERRORS_SHOWN = 500


def _forbidden(request, message: str):
    return render(request, "people/io/forbidden.html", {"message": message}, status=403)


NO_IMPORT = gettext_lazy("您没有批量导入权限:只有综治中心工作人员和管理员可以导入实有人口。")
NO_EXPORT = gettext_lazy("您没有导出权限。")


# Multipart overhead on top of the file itself (boundaries, headers, the CSRF field).
FORM_OVERHEAD = 64 * 1024


@csrf_exempt  # checked by csrf_protect below, after the size check
@login_required
@require_http_methods(["GET", "POST"])
def import_start(request):
    if not can(request.user, IMPORT):
        return _forbidden(request, NO_IMPORT)
    if request.method == "POST" and _body_too_large(request):
        # Refused from Content-Length alone: an oversized body is never parsed or stored.
        try:
            check_size(_content_length(request))
        except ImportFileError as exc:
            return _import_page(request, ImportUploadForm(), status=413, error=str(exc))
    return _import_upload(request)


def _content_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _body_too_large(request) -> bool:
    return _content_length(request) > settings.UPLOAD_MAX_BYTES + FORM_OVERHEAD


@csrf_protect
def _import_upload(request):
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = import_job_create(by=request.user, upload=form.cleaned_data["file"])
        except PermissionDenied:
            return _forbidden(request, NO_IMPORT)
        return redirect("people_io:import_job", pk=job.pk)
    return _import_page(request, form, status=400 if request.method == "POST" else 200)


def _import_page(request, form, *, status: int, error: str = ""):
    jobs = ImportJob.objects.filter(owner=request.user)[:10]
    context = {"form": form, "jobs": jobs, "upload_error": error}
    return render(request, "people/io/import.html", context, status=status)


@login_required
@require_GET
def import_job(request, pk: int):
    job = get_object_or_404(ImportJob, pk=pk, owner=request.user)
    report = job.report or {}
    context = {
        "job": job,
        "file_error": report.get("file_error", ""),
        "errors": report.get("errors", [])[:ERRORS_SHOWN],
        "error_count": report.get("error_count", 0),
        "errors_shown": ERRORS_SHOWN,
    }
    if request.htmx:
        return render(request, "people/io/_job_status.html", context)
    return render(request, "people/io/import_job.html", context)


@login_required
@require_GET
def import_errors(request, pk: int):
    job = get_object_or_404(ImportJob, pk=pk, owner=request.user)
    wb, filename = error_report(job)
    return workbook_response(wb, filename)


@login_required
@require_GET
def template(request):
    if not can(request.user, IMPORT):
        return _forbidden(request, NO_IMPORT)
    wb, filename = import_template(request.user)
    return workbook_response(wb, filename)


@login_required
@require_GET
@replica_reads()
def export_residents(request):
    if not can(request.user, EXPORT):
        return _forbidden(request, NO_EXPORT)
    filters = ExportFilters.from_query(request.user, request.GET)
    wb, filename = residents_export(by=request.user, filters=filters, request=request)
    return workbook_response(wb, filename)


@login_required
@require_GET
@replica_reads()
def export_households(request):
    if not can(request.user, EXPORT):
        return _forbidden(request, NO_EXPORT)
    filters = ExportFilters.from_query(request.user, request.GET)
    wb, filename = households_export(by=request.user, filters=filters, request=request)
    return workbook_response(wb, filename)
