"""The district admin's boundary import: upload, preview (table and map), confirm."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongzhi.core.access import can
from gongzhi.core.forms import BootstrapMixin
from gongzhi.core.roles import MANAGE_GRIDS
from gongzhi.grids.boundaries import MAX_TOLERANCE_M, MIN_TOLERANCE_M, TOLERANCE_M
from gongzhi.grids.boundary_files import BoundaryFileError, check_size
from gongzhi.grids.models import BoundaryImport
from gongzhi.grids.selectors import map_bounds_for
from gongzhi.grids.services import boundary_import_apply, boundary_import_create

FORM_OVERHEAD = 64 * 1024  # multipart boundaries, headers and the other fields
NOT_ALLOWED = gettext_lazy("只有区管理员可以导入网格边界。")


class BoundaryUploadForm(BootstrapMixin, forms.Form):
    file = forms.FileField(
        label=gettext_lazy("边界文件"),
        help_text=gettext_lazy(
            "GeoJSON(.geojson/.json)或打包成 .zip 的 Shapefile;坐标为经纬度(WGS84 或 "
            "CGCS2000);每个要素的属性 code 或 网格编码 填写网格编码"
        ),
        error_messages={
            "required": gettext_lazy("请选择要导入的文件"),
            "empty": gettext_lazy("上传的文件是空的"),
            "invalid": gettext_lazy("没有收到文件,请重新选择"),
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".geojson,.json,.zip"}),
    )
    tolerance = forms.FloatField(
        label=gettext_lazy("容差(米)"),
        initial=TOLERANCE_M,
        min_value=MIN_TOLERANCE_M,
        max_value=MAX_TOLERANCE_M,
        help_text=gettext_lazy("超出上级网格或与相邻网格重叠不超过此距离时视为吻合"),
        error_messages={"invalid": gettext_lazy("容差应为数字(米)")},
    )
    code_field = forms.CharField(
        label=gettext_lazy("网格编码属性名(可不填)"), max_length=40, required=False
    )


def _require(user) -> None:
    if not can(user, MANAGE_GRIDS):
        raise PermissionDenied(NOT_ALLOWED)


def _content_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _page(request, form, *, status: int = 200, errors=()):
    imports = BoundaryImport.objects.filter(owner=request.user)[:10]
    context = {"form": form, "errors": list(errors), "imports": imports}
    return render(request, "grids/boundary_import.html", context, status=status)


@csrf_exempt  # checked by csrf_protect below, after the size check
@login_required
@require_http_methods(["GET", "POST"])
def boundary_import(request):
    _require(request.user)
    if request.method == "POST" and _content_length(request) > (
        settings.UPLOAD_MAX_BYTES + FORM_OVERHEAD
    ):
        # Refused from Content-Length alone: an oversized body is never parsed or stored.
        try:
            check_size(_content_length(request))
        except BoundaryFileError as exc:
            return _page(request, BoundaryUploadForm(), status=413, errors=[str(exc)])
    return _upload(request)


@csrf_protect
def _upload(request):
    form = BoundaryUploadForm(request.POST or None, request.FILES or None)
    if request.method != "POST":
        return _page(request, form)
    if not form.is_valid():
        return _page(request, form, status=400)
    upload = form.cleaned_data["file"]
    try:
        check_size(upload.size)
        job = boundary_import_create(
            by=request.user,
            filename=upload.name,
            data=upload.read(),
            tolerance_m=form.cleaned_data["tolerance"],
            code_field=form.cleaned_data["code_field"],
        )
    except BoundaryFileError as exc:
        return _page(request, form, status=400, errors=[str(exc)])
    except ValidationError as exc:
        return _page(request, form, status=400, errors=exc.messages)
    return redirect("grids:boundary_import_detail", pk=job.pk)


def _job(request, pk: int) -> BoundaryImport:
    _require(request.user)
    return get_object_or_404(BoundaryImport, pk=pk, owner=request.user)


@login_required
@require_GET
def boundary_import_detail(request, pk: int):
    job = _job(request, pk)
    context = {"job": job, "report": job.report, "bounds": map_bounds_for(request.user)}
    return render(request, "grids/boundary_import_detail.html", context)


@login_required
@require_GET
def boundary_import_geojson(request, pk: int):
    """The file's checked boundaries, for the preview map."""
    job = _job(request, pk)
    names = {row["code"]: row["name"] for row in job.report.get("rows", [])}
    features = [
        {
            "type": "Feature",
            "properties": {"code": code, "name": names.get(code, "")},
            "geometry": geometry,
        }
        for code, geometry in job.boundaries.items()
    ]
    data = {"type": "FeatureCollection", "features": features}
    return JsonResponse(
        data, content_type="application/geo+json", json_dumps_params={"ensure_ascii": False}
    )


@login_required
@require_POST
def boundary_import_confirm(request, pk: int):
    job = _job(request, pk)
    try:
        count = boundary_import_apply(by=request.user, job=job)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("grids:boundary_import_detail", pk=job.pk)
    if count:
        messages.success(request, _("已导入 %(n)d 个网格的边界") % {"n": count})
    return redirect("grids:boundary_import_detail", pk=job.pk)
