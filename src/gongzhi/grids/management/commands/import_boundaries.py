"""`gongzhi import_boundaries FILE [--apply] [--tolerance M] [--code-field NAME]`.

Reads a GeoJSON file or a zipped Shapefile, checks every boundary (grids.boundaries) and
prints the preview; nothing is written without --apply, and nothing at all when the file
has an error. The web page (网格 → 导入网格边界) does the same for the district admin.
"""

import os
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from gongzhi.grids.boundaries import TOLERANCE_M, boundary_preview
from gongzhi.grids.boundary_files import BoundaryFileError, check_size, read_boundary_file
from gongzhi.grids.services import boundary_import_apply, boundary_import_create


class Command(BaseCommand):
    help = "导入网格边界(GeoJSON 或 zip 打包的 Shapefile)(Import grid boundaries)"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--apply", action="store_true", help="检查通过后写入(默认只预览)")
        parser.add_argument(
            "--tolerance", type=float, default=TOLERANCE_M, help="容差(米),默认 %(default)s"
        )
        parser.add_argument("--code-field", default="", help="网格编码所在的属性名")

    def handle(self, *args, file, apply, tolerance, code_field, **opts):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件 {file}")
        try:
            check_size(os.path.getsize(path))  # before reading a huge file into memory
            data = path.read_bytes()
            if apply:
                job = boundary_import_create(
                    by=None,
                    filename=path.name,
                    data=data,
                    tolerance_m=tolerance,
                    code_field=code_field,
                )
                self._print(job.report)
                count = boundary_import_apply(by=None, job=job)
                self.stdout.write(self.style.SUCCESS(f"已导入 {count} 个网格的边界"))
                return
            features = read_boundary_file(data, path.name, code_field=code_field)
        except BoundaryFileError as exc:
            raise CommandError(str(exc)) from None
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from None
        preview = boundary_preview(features, tolerance_m=tolerance)
        if not preview.ok:
            raise CommandError("\n".join(preview.errors) or "文件中没有可导入的边界")
        self._print(preview.report())
        self.stdout.write(self.style.WARNING("仅预览,未写入;确认无误后加 --apply 导入"))

    def _print(self, report: dict) -> None:
        for row in report["rows"]:
            action = "替换" if row["replaces"] else "新增"
            self.stdout.write(
                f"{row['code']}\t{row['full_name'] or row['name']}\t{action}\t"
                f"{row['area_km2']:.3f} km²"
            )
        for warning in report["warnings"]:
            self.stdout.write(self.style.WARNING(warning))
        self.stdout.write(f"共 {len(report['rows'])} 个网格,容差 {report['tolerance_m']} 米")
