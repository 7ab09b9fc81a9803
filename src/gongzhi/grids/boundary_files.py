"""Reading a boundary file: GeoJSON, or a zipped Shapefile through pyshp.

Each feature names its grid by code in a property ("code", "网格编码", "grid_code" or the
one given). Every problem with the file as a whole is a BoundaryFileError whose message
an administrator can act on; nothing here touches the database.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

CODE_FIELDS = ("code", "网格编码", "grid_code", "CODE", "Code", "GRID_CODE")
NAME_FIELDS = ("name", "名称", "NAME", "Name")
MAX_FEATURES = 20_000
GEOJSON_EXTENSIONS = (".geojson", ".json")
SHAPEFILE_PARTS = (".shp", ".shx", ".dbf")
MAX_UNZIPPED = 4  # times the upload limit: a zip that inflates further is refused


class BoundaryFileError(ValueError):
    """The file as a whole cannot be read; the message is for the user (Chinese)."""


@dataclass(frozen=True)
class SourceFeature:
    number: int  # 1-based position in the file
    code: str
    name: str
    geometry: object  # the raw GeoJSON geometry (checked later)


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def check_size(size: int) -> None:
    limit = settings.UPLOAD_MAX_BYTES
    if size > limit:
        raise BoundaryFileError(
            _("文件过大(%(size)s),上限为%(limit)s。请简化边界或按乡镇拆分成多个文件。")
            % {"size": _mb(size), "limit": _mb(limit)}
        )


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # DBF numeric fields: 620902001.0
    return "" if value is None else str(value).strip()


def _pick(properties: dict, wanted: tuple[str, ...]) -> str:
    for key in wanted:
        if key in properties and _text(properties[key]):
            return _text(properties[key])
    return ""


def _feature(number: int, properties, geometry, code_field: str) -> SourceFeature:
    properties = properties if isinstance(properties, dict) else {}
    fields = (code_field,) if code_field else CODE_FIELDS
    return SourceFeature(
        number=number,
        code=_pick(properties, fields)[:40],
        name=_pick(properties, NAME_FIELDS)[:100],
        geometry=geometry,
    )


def read_geojson(data: bytes, *, code_field: str = "") -> list[SourceFeature]:
    not_geojson = _("文件不是有效的 GeoJSON:请上传 FeatureCollection(UTF-8 编码的 JSON)。")
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise BoundaryFileError(not_geojson) from None
    if isinstance(doc, dict) and doc.get("type") == "Feature":
        doc = {"type": "FeatureCollection", "features": [doc]}
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise BoundaryFileError(not_geojson)
    raw = doc.get("features")
    if not isinstance(raw, list):
        raise BoundaryFileError(not_geojson)
    _check_count(len(raw))
    features = []
    for number, item in enumerate(raw, start=1):
        if not isinstance(item, dict) or item.get("type") != "Feature":
            raise BoundaryFileError(_("第%(n)d个要素不是 GeoJSON Feature。") % {"n": number})
        features.append(_feature(number, item.get("properties"), item.get("geometry"), code_field))
    return features


def _check_count(n: int) -> None:
    if n == 0:
        raise BoundaryFileError(_("文件中没有要素(边界)。"))
    if n > MAX_FEATURES:
        raise BoundaryFileError(
            _("要素超过%(n)s个:请按乡镇拆分成多个文件。") % {"n": f"{MAX_FEATURES:,}"}
        )


def _zip_members(data: bytes) -> dict[str, bytes]:
    """{extension: bytes} of the one Shapefile inside the zip."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise BoundaryFileError(_("压缩包已损坏或不是 zip 文件。")) from None
    with archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        if sum(i.file_size for i in infos) > MAX_UNZIPPED * settings.UPLOAD_MAX_BYTES:
            raise BoundaryFileError(_("压缩包解压后过大,请拆分后再导入。"))
        shps = [i for i in infos if i.filename.lower().endswith(".shp")]
        if len(shps) != 1:
            raise BoundaryFileError(
                _("压缩包中应有且只有一个 .shp 文件(连同同名的 .shx 和 .dbf)。")
            )
        stem = shps[0].filename[:-4]
        members = {}
        for info in infos:
            base, ext = os.path.splitext(info.filename)
            if base == stem:
                members[ext.lower()] = archive.read(info)
    missing = [ext for ext in SHAPEFILE_PARTS if ext not in members]
    if missing:
        raise BoundaryFileError(
            _("压缩包中缺少 Shapefile 的组成文件:%(files)s。") % {"files": "、".join(missing)}
        )
    return members


def _check_projection(prj: bytes | None) -> None:
    if prj is None:
        return
    text = prj.decode("latin-1").upper()
    if text.startswith("PROJCS") or "GEOGCS" not in text:
        raise BoundaryFileError(
            _("Shapefile 使用的是投影坐标系:请先转换为经纬度坐标(WGS84 或 CGCS2000)再导入。")
        )


def read_shapefile(data: bytes, *, code_field: str = "") -> list[SourceFeature]:
    import shapefile  # pyshp

    members = _zip_members(data)
    _check_projection(members.get(".prj"))
    encodings = ["utf-8", "gbk"]
    if ".cpg" in members:
        declared = members[".cpg"].decode("ascii", "ignore").strip().lower()
        encodings.insert(0, {"936": "gbk", "cp936": "gbk"}.get(declared, declared))
    last_error: Exception | None = None
    for encoding in dict.fromkeys(encodings):
        try:
            return _shapefile_features(shapefile, members, encoding, code_field)
        except (UnicodeDecodeError, LookupError) as exc:
            last_error = exc
    raise BoundaryFileError(
        _("Shapefile 属性表的编码无法识别(应为 UTF-8 或 GBK)。")
    ) from last_error


def _shapefile_features(shapefile, members, encoding: str, code_field: str):
    try:
        reader = shapefile.Reader(
            shp=io.BytesIO(members[".shp"]),
            shx=io.BytesIO(members[".shx"]),
            dbf=io.BytesIO(members[".dbf"]),
            encoding=encoding,
        )
        with reader:
            if reader.shapeType not in (shapefile.POLYGON, shapefile.POLYGONZ, shapefile.POLYGONM):
                raise BoundaryFileError(_("Shapefile 中只能是面要素(Polygon)。"))
            _check_count(len(reader))
            features = []
            for number, item in enumerate(reader.iterShapeRecords(), start=1):
                geometry = item.shape.__geo_interface__ if item.shape.points else None
                properties = item.record.as_dict()
                features.append(_feature(number, properties, geometry, code_field))
            return features
    except (BoundaryFileError, UnicodeDecodeError, LookupError):
        raise
    except Exception:  # noqa: BLE001 - pyshp raises many kinds for a damaged file
        raise BoundaryFileError(_("Shapefile 已损坏或无法读取。")) from None


def read_boundary_file(data: bytes, filename: str, *, code_field: str = "") -> list[SourceFeature]:
    """The features of an uploaded file, after the file-level checks."""
    check_size(len(data))
    ext = os.path.splitext(filename or "")[1].lower()
    code_field = (code_field or "").strip()[:40]
    if ext in GEOJSON_EXTENSIONS:
        return read_geojson(data, code_field=code_field)
    if ext == ".zip":
        return read_shapefile(data, code_field=code_field)
    if ext in SHAPEFILE_PARTS:
        raise BoundaryFileError(
            _("Shapefile 请把同名的 .shp、.shx、.dbf(和 .prj)文件打包成一个 .zip 后上传。")
        )
    raise BoundaryFileError(_("只能导入 GeoJSON(.geojson 或 .json)或打包成 .zip 的 Shapefile。"))
