"""`gongzhi grid_add_above --level city|province --name 酒泉市 --code 620900`.

Puts a city (or a province) above the tree's current top grid(s), in place: an existing
district keeps its grids, codes, centers and rows, and becomes a district of the city; more
districts can then be added under it. The KPI days, which store grid paths, are rebuilt.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from gongzhi.grids.models import Level
from gongzhi.grids.services import GridError, grid_add_above

LEVELS = {"city": Level.CITY, "province": Level.PROVINCE}


class Command(BaseCommand):
    help = "在现有的区(或市)之上添加市(或省)(Add a city or province above the tree's top)"

    def add_arguments(self, parser):
        parser.add_argument("--level", choices=sorted(LEVELS), required=True)
        parser.add_argument("--name", required=True, help="名称,如 酒泉市")
        parser.add_argument("--code", required=True, help="行政区划代码,如 620900")

    def handle(self, *args, level, name, code, **opts):
        from gongzhi.cases.kpis.daily import kpi_rebuild

        name, code = name.strip(), code.strip()
        if not name or not code.isdigit():
            raise CommandError("名称不能为空,代码应为数字(行政区划代码)")
        try:
            with transaction.atomic():
                top = grid_add_above(name=name, code=code, level=LEVELS[level])
                kpi_rebuild()
        except GridError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"已添加 {top.name}({top.code}),考核指标日汇总已重建")
