"""Importing grid boundaries: GeoJSON and zipped Shapefiles, checked and previewed before
anything is written; bad files get a Chinese message and write nothing (issue 16, item 1)."""

import io
import json
import zipfile

import pytest
import shapefile
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from gongzhi.grids.geo import boundary_token, grid_for_point
from gongzhi.grids.models import BoundaryImport, Grid
from gongzhi.grids.services import boundary_import_apply, boundary_import_create
from gongzhi.grids.testing import IN_UNIT_A, IN_UNIT_B, UNIT_A, bound_district, box

GOOD_A = box(98.50, 39.74, 98.5052, 39.75)  # a narrower unit_a, inside the building
GOOD_B = box(98.5052, 39.74, 98.52, 39.75)


def collection(*features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def feature(code, geometry, **props) -> dict:
    return {"type": "Feature", "properties": {"code": code, **props}, "geometry": geometry}


@pytest.fixture
def bounded(district):
    bound_district(district)
    return district


def stored(grid) -> dict:
    return Grid.objects.get(pk=grid.pk).boundary


def create(district, data: bytes, filename="boundaries.geojson", **kw):
    return boundary_import_create(by=district.users["admin"], filename=filename, data=data, **kw)


# --- a good file --------------------------------------------------------------------------


def test_a_checked_file_is_previewed_and_written_only_when_confirmed(bounded):
    before = stored(bounded.unit_a)
    data = collection(feature(bounded.unit_a.code, GOOD_A), feature(bounded.unit_b.code, GOOD_B))
    job = create(bounded, data)
    assert job.status == BoundaryImport.Status.PREVIEW
    assert [r["code"] for r in job.report["rows"]] == [bounded.unit_a.code, bounded.unit_b.code]
    assert all(r["replaces"] for r in job.report["rows"])
    assert stored(bounded.unit_a) == before  # the preview wrote no boundary
    token = boundary_token()
    assert boundary_import_apply(by=bounded.users["admin"], job=job) == 2
    assert stored(bounded.unit_a) == GOOD_A
    assert boundary_token() != token
    assert grid_for_point(39.745, 98.506) == bounded.unit_b  # the index follows at once
    unit_a = Grid.objects.get(pk=bounded.unit_a.pk)
    assert (unit_a.min_lng, unit_a.max_lng) == (98.50, 98.5052)
    job.refresh_from_db()
    assert job.status == BoundaryImport.Status.APPLIED and job.applied_at is not None


def test_confirming_twice_writes_once(bounded):
    job = create(bounded, collection(feature(bounded.unit_a.code, GOOD_A)))
    assert boundary_import_apply(by=bounded.users["admin"], job=job) == 1
    token = boundary_token()
    assert boundary_import_apply(by=bounded.users["admin"], job=job) == 0
    assert boundary_token() == token


def test_a_boundary_for_a_grid_without_one_is_added_and_its_center_set(district):
    data = collection(feature(district.root.code, box(98.2, 39.0, 99.4, 40.0)))
    job = create(district, data)
    assert job.report["rows"][0]["replaces"] is False
    boundary_import_apply(by=district.users["admin"], job=job)
    root = Grid.objects.get(pk=district.root.pk)
    assert 39.0 < root.center_lat < 40.0 and 98.2 < root.center_lng < 99.4


def test_the_grid_code_may_sit_under_another_property_name(bounded):
    data = collection(
        {"type": "Feature", "properties": {"网格编码": bounded.unit_a.code}, "geometry": GOOD_A},
        {"type": "Feature", "properties": {"GB": int(bounded.unit_b.code)}, "geometry": GOOD_B},
    )
    with pytest.raises(ValidationError, match="缺少网格编码"):
        create(bounded, data)
    job = create(bounded, collection(feature(bounded.unit_a.code, GOOD_A)))
    assert job.report["rows"][0]["code"] == bounded.unit_a.code
    data = collection(
        {
            "type": "Feature",
            "properties": {"GB": int(bounded.unit_b.code)},
            "geometry": box(98.51, 39.74, 98.52, 39.749),
        }
    )
    assert create(bounded, data, code_field="GB").report["rows"][0]["code"] == bounded.unit_b.code


def test_a_stored_child_sticking_out_of_its_new_parent_is_a_warning_not_an_error(bounded):
    small_building = box(98.50, 39.74, 98.515, 39.75)  # unit_b (98.51–98.52) now sticks out
    job = create(bounded, collection(feature(bounded.building.code, small_building)))
    assert any("下级网格的现有边界超出新边界" in w for w in job.report["warnings"])


def test_a_zipped_shapefile_in_gbk_is_imported(bounded):
    job = create(bounded, shapefile_zip([(bounded.unit_a.code, "一单元", GOOD_A)]), "units.zip")
    assert job.report["rows"][0]["code"] == bounded.unit_a.code
    boundary_import_apply(by=bounded.users["admin"], job=job)
    assert stored(bounded.unit_a) == GOOD_A


def shapefile_zip(rows, *, prj: str | None = 'GEOGCS["GCS_WGS_1984"]', encoding="gbk") -> bytes:
    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    writer = shapefile.Writer(
        shp=shp, shx=shx, dbf=dbf, shapeType=shapefile.POLYGON, encoding=encoding
    )
    writer.field("code", "C", size=40)
    writer.field("name", "C", size=40)
    for code, name, geometry in rows:
        writer.poly(geometry["coordinates"])
        writer.record(code, name)
    writer.close()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for ext, buf in (("shp", shp), ("shx", shx), ("dbf", dbf)):
            archive.writestr(f"units.{ext}", buf.getvalue())
        if prj is not None:
            archive.writestr("units.prj", prj)
        archive.writestr("units.cpg", encoding)
    return out.getvalue()


# --- bad files: a Chinese message, nothing written -----------------------------------------

OPEN_RING = {"type": "Polygon", "coordinates": [box(*UNIT_A)["coordinates"][0][:-1]]}
BOWTIE = {
    "type": "Polygon",
    "coordinates": [
        [[98.50, 39.74], [98.51, 39.75], [98.51, 39.74], [98.50, 39.75], [98.50, 39.74]]
    ],
}


def bad_files(d) -> dict:
    a, b = d.unit_a.code, d.unit_b.code
    return {
        "not JSON": (b"\xff\xfe not json", "x.geojson", "不是有效的 GeoJSON"),
        "JSON but not GeoJSON": (b'{"hello": 1}', "x.json", "不是有效的 GeoJSON"),
        "an empty collection": (collection(), "x.geojson", "没有要素"),
        "an open ring": (collection(feature(a, OPEN_RING)), "x.geojson", "未闭合"),
        "a self-intersecting ring": (collection(feature(a, BOWTIE)), "x.geojson", "边界无效"),
        "a point": (
            collection(feature(a, {"type": "Point", "coordinates": [98.5, 39.7]})),
            "x.geojson",
            "只支持面",
        ),
        "swapped coordinates": (
            collection(feature(a, box(39.74, 98.50, 39.75, 98.51))),
            "x.geojson",
            "超出经纬度范围",
        ),
        "a polygon outside its parent": (
            collection(feature(a, box(98.40, 39.74, 98.51, 39.75))),
            "x.geojson",
            "超出上级网格",
        ),
        "overlapping siblings": (
            collection(feature(a, box(98.50, 39.74, 98.515, 39.75))),
            "x.geojson",
            "重叠",
        ),
        "overlapping siblings in the file": (
            collection(
                feature(a, box(98.50, 39.74, 98.515, 39.75)),
                feature(b, box(98.505, 39.74, 98.52, 39.75)),
            ),
            "x.geojson",
            "重叠",
        ),
        "an unknown grid code": (
            collection(feature("999999", GOOD_A)),
            "x.geojson",
            "没有这个编码的网格",
        ),
        "a repeated grid code": (
            collection(feature(a, GOOD_A), feature(a, GOOD_A)),
            "x.geojson",
            "出现了多次",
        ),
        "a missing code": (collection(feature("", GOOD_A)), "x.geojson", "缺少网格编码"),
        "a null geometry": (collection(feature(a, None)), "x.geojson", "缺少几何图形"),
        "a spreadsheet": (b"PK\x03\x04", "x.xlsx", "只能导入 GeoJSON"),
        "a lone .shp": (b"\x00" * 100, "x.shp", "打包成一个 .zip"),
        "a broken zip": (b"PK\x03\x04 broken", "x.zip", "不是 zip"),
        "a zip without a .dbf": (zip_of({"u.shp": b"1", "u.shx": b"2"}), "x.zip", ".dbf"),
        "a projected shapefile": (
            shapefile_zip([(a, "x", GOOD_A)], prj='PROJCS["Xian 1980"]'),
            "x.zip",
            "投影坐标系",
        ),
        "a damaged shapefile": (
            zip_of({"u.shp": b"x", "u.shx": b"y", "u.dbf": b"z"}),
            "x.zip",
            "无法读取",
        ),
    }


def zip_of(members: dict) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


CASES = [
    "not JSON",
    "JSON but not GeoJSON",
    "an empty collection",
    "an open ring",
    "a self-intersecting ring",
    "a point",
    "swapped coordinates",
    "a polygon outside its parent",
    "overlapping siblings",
    "overlapping siblings in the file",
    "an unknown grid code",
    "a repeated grid code",
    "a missing code",
    "a null geometry",
    "a spreadsheet",
    "a lone .shp",
    "a broken zip",
    "a zip without a .dbf",
    "a projected shapefile",
    "a damaged shapefile",
]


@pytest.mark.parametrize("case", CASES)
def test_a_bad_file_is_refused_with_a_chinese_message_and_writes_nothing(bounded, case):
    data, filename, message = bad_files(bounded)[case]
    token, before = boundary_token(), stored(bounded.unit_a)
    with pytest.raises(ValidationError) as refused:
        create(bounded, data, filename)
    assert message in " ".join(refused.value.messages)
    assert not BoundaryImport.objects.exists()
    assert stored(bounded.unit_a) == before and boundary_token() == token


def test_a_50_mb_file_is_refused_before_it_is_parsed(bounded):
    data = collection(feature(bounded.unit_a.code, GOOD_A)) + b" " * (50 * 1024 * 1024)
    with pytest.raises(ValidationError, match="文件过大"):
        create(bounded, data)
    assert not BoundaryImport.objects.exists()


def test_a_tolerance_lets_a_slightly_loose_boundary_through(bounded):
    loose = box(98.49995, 39.74, 98.5052, 39.75)  # about 4 m west of its building
    with pytest.raises(ValidationError, match="超出上级网格"):
        create(bounded, collection(feature(bounded.unit_a.code, loose)), tolerance_m=1)
    assert create(bounded, collection(feature(bounded.unit_a.code, loose)), tolerance_m=10)


def test_a_confirmation_checks_again_against_todays_boundaries(bounded):
    job = create(bounded, collection(feature(bounded.unit_a.code, GOOD_A)))
    # Meanwhile the building shrank: the waiting boundary no longer fits inside it.
    other = create(
        bounded,
        collection(
            feature(bounded.building.code, box(98.51, 39.74, 98.52, 39.75)),
            feature(bounded.unit_a.code, box(98.51, 39.74, 98.515, 39.75)),
            feature(bounded.unit_b.code, box(98.515, 39.74, 98.52, 39.75)),
        ),
    )
    boundary_import_apply(by=bounded.users["admin"], job=other)
    with pytest.raises(ValidationError, match="超出上级网格"):
        boundary_import_apply(by=bounded.users["admin"], job=job)
    job.refresh_from_db()
    assert job.status == BoundaryImport.Status.PREVIEW


@pytest.mark.parametrize("who", ["center", "leader", "gridworker"])
def test_only_the_district_admin_may_import(bounded, who):
    with pytest.raises(PermissionDenied):
        boundary_import_create(
            by=bounded.users[who],
            filename="x.geojson",
            data=collection(feature(bounded.unit_a.code, GOOD_A)),
        )


def test_a_waiting_import_is_confirmed_only_by_its_owner(bounded):
    from gongzhi.core.roles import Role
    from gongzhi.core.testing import PASSWORD
    from gongzhi.org.services import staff_create

    job = create(bounded, collection(feature(bounded.unit_a.code, GOOD_A)))
    other = staff_create(username="admin2", name="管理员乙", role=Role.ADMIN, password=PASSWORD)
    with pytest.raises(PermissionDenied):
        boundary_import_apply(by=other.user, job=job)


# --- the management command ----------------------------------------------------------------


def test_the_command_previews_without_writing_and_writes_with_apply(bounded, tmp_path):
    path = tmp_path / "units.geojson"
    path.write_bytes(collection(feature(bounded.unit_a.code, GOOD_A)))
    out = io.StringIO()
    call_command("import_boundaries", str(path), stdout=out)
    assert "仅预览" in out.getvalue() and bounded.unit_a.code in out.getvalue()
    assert stored(bounded.unit_a) != GOOD_A and not BoundaryImport.objects.exists()
    call_command("import_boundaries", str(path), "--apply", stdout=io.StringIO())
    assert stored(bounded.unit_a) == GOOD_A
    assert BoundaryImport.objects.get().owner is None


@pytest.mark.parametrize(
    "case", ["an open ring", "a polygon outside its parent", "not JSON", "an unknown grid code"]
)
def test_the_command_refuses_a_bad_file_and_writes_nothing(bounded, tmp_path, case):
    data, filename, message = bad_files(bounded)[case]
    path = tmp_path / filename
    path.write_bytes(data)
    with pytest.raises(CommandError, match=message):
        call_command("import_boundaries", str(path), "--apply", stdout=io.StringIO())
    assert not BoundaryImport.objects.exists()


def test_the_command_refuses_a_50_mb_file(bounded, tmp_path):
    path = tmp_path / "huge.geojson"
    with path.open("wb") as f:
        f.truncate(50 * 1024 * 1024)
    with pytest.raises(CommandError, match="文件过大"):
        call_command("import_boundaries", str(path), "--apply", stdout=io.StringIO())
    assert not BoundaryImport.objects.exists()


# --- the page ------------------------------------------------------------------------------


def upload(client, data: bytes, filename="units.geojson", **fields):
    url = reverse("grids:boundary_import")
    body = {"file": SimpleUploadedFile(filename, data), "tolerance": "10"} | fields
    return client.post(url, body)


def test_the_admin_reaches_the_import_from_the_grid_page_and_confirms_a_preview(bounded, login):
    client = login("admin")
    page = client.get(reverse("grids:detail", args=[bounded.root.pk])).content.decode()
    assert reverse("grids:boundary_import") in page
    response = upload(client, collection(feature(bounded.unit_a.code, GOOD_A)))
    assert response.status_code == 302
    job = BoundaryImport.objects.get()
    preview = client.get(response.url).content.decode()
    assert bounded.unit_a.code in preview and "确认导入" in preview
    geojson = client.get(reverse("grids:boundary_import_geojson", args=[job.pk])).json()
    assert geojson["features"][0]["geometry"] == GOOD_A
    assert stored(bounded.unit_a) != GOOD_A
    response = client.post(reverse("grids:boundary_import_confirm", args=[job.pk]), follow=True)
    assert "已导入 1 个网格的边界" in response.content.decode()
    assert stored(bounded.unit_a) == GOOD_A


@pytest.mark.parametrize(
    "case",
    [
        "not JSON",
        "an open ring",
        "a polygon outside its parent",
        "an unknown grid code",
        "overlapping siblings",
    ],
)
def test_the_page_shows_why_a_bad_file_was_refused(bounded, login, case):
    data, filename, message = bad_files(bounded)[case]
    response = upload(login("admin"), data, filename)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not BoundaryImport.objects.exists()


def test_the_page_refuses_a_50_mb_upload(bounded, login):
    response = upload(login("admin"), b" " * (50 * 1024 * 1024), "big.geojson")
    assert response.status_code == 413
    assert "文件过大" in response.content.decode()
    assert not BoundaryImport.objects.exists()


@pytest.mark.parametrize("tolerance", ["abc", "-1", "9999", ""])
def test_the_page_refuses_a_bad_tolerance(bounded, login, tolerance):
    data = collection(feature(bounded.unit_a.code, GOOD_A))
    response = upload(login("admin"), data, tolerance=tolerance)
    assert response.status_code == 400 and not BoundaryImport.objects.exists()


def test_the_page_is_the_admins_alone(bounded, login):
    client = login("center")
    assert client.get(reverse("grids:boundary_import")).status_code == 403
    page = client.get(reverse("grids:detail", args=[bounded.jinquan.pk])).content.decode()
    assert reverse("grids:boundary_import") not in page


def test_another_users_import_is_not_found(bounded, login):
    job = create(bounded, collection(feature(bounded.unit_a.code, GOOD_A)))
    job.owner = None
    job.save()
    client = login("admin")
    assert client.get(reverse("grids:boundary_import_detail", args=[job.pk])).status_code == 404
    response = client.post(reverse("grids:boundary_import_confirm", args=[job.pk]))
    assert response.status_code == 404 and stored(bounded.unit_a) != GOOD_A


def test_a_boundary_typed_in_the_admin_is_checked_and_refreshes_the_index(bounded, login):
    url = reverse("admin:grids_grid_change", args=[bounded.unit_b.pk])
    data = {"name": "2单元", "parent_code": "", "center_lat": "", "center_lng": ""}
    response = login("admin").post(url, data | {"boundary": json.dumps(OPEN_RING)})
    assert "未闭合" in response.content.decode()
    response = login("admin").post(url, data | {"boundary": json.dumps(GOOD_B)})
    assert response.status_code == 302
    assert stored(bounded.unit_b) == GOOD_B
    assert grid_for_point(*IN_UNIT_B) == bounded.unit_b
    assert grid_for_point(*IN_UNIT_A) == bounded.unit_a
