"""gongzhi import_residents FILE --user USERNAME: the web import, run synchronously."""

import time

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from gongzhi.people.imports import residents_import_file


class Command(BaseCommand):
    help = "从 .xlsx 或 .csv 批量导入实有人口 (Import residents from a spreadsheet)"

    def add_arguments(self, parser):
        parser.add_argument("file", help=".xlsx 或 .csv 文件")
        parser.add_argument("--user", required=True, help="以该用户的权限和管辖范围导入")

    def handle(self, *args, file: str, user: str, **opts):
        try:
            by = get_user_model().objects.get(username=user)
        except get_user_model().DoesNotExist:
            raise CommandError(f"用户不存在:{user}") from None
        self.verbosity = opts["verbosity"]
        started = time.perf_counter()
        try:
            report = residents_import_file(by=by, path=file, progress=self._progress)
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        except FileNotFoundError:
            raise CommandError(f"文件不存在:{file}") from None
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(f"用时 {time.perf_counter() - started:.1f} 秒")
        if not report.ok:
            raise CommandError("导入失败,未写入任何数据")

    def _progress(self, stage: str, done: int, total: int) -> None:
        if self.verbosity >= 2 and total:
            self.stderr.write(f"{stage} {done}/{total}")
