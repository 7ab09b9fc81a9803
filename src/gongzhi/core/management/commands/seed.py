"""`gongzhi seed --scale demo|full [--if-empty] [--seed N] [--no-history]`: build the synthetic
district, and (unless --no-history) a year of its synthetic history.

`gongzhi seed --scale province --districts N [--per-district demo|full]`: 甘肃省 → 酒泉市 → N
synthetic districts, each at the per-district scale (full by default), without history."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from django.core.management.base import BaseCommand, CommandError

from gongzhi.seeding.bulk import after_bulk_load
from gongzhi.seeding.scale import SCALES
from gongzhi.seeding.services import SeedError, district_is_empty, district_seed

PROVINCE = "province"
if TYPE_CHECKING:
    from django.core.management.base import CommandParser


class Command(BaseCommand):
    help = (
        "生成演示数据:demo 为小型完整辖区,full 为肃州区全量规模,province 为省、市及多个区县 "
        "(Build the synthetic district, or a province of districts)"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=[*sorted(SCALES), PROVINCE], default="demo")
        parser.add_argument(
            "--districts",
            type=int,
            default=None,
            help="--scale province:区县数量 (number of districts)",
        )
        parser.add_argument(
            "--per-district",
            choices=sorted(SCALES),
            default="full",
            help="--scale province:每个区县的规模 (each district's scale)",
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="已有网格数据时什么也不做 (no-op if any grid)"
        )
        parser.add_argument("--seed", type=int, default=2020, help="随机种子,相同种子生成相同数据")
        parser.add_argument(
            "--no-history",
            action="store_true",
            help="不生成近一年的历史数据(事件、日记、调解、直播等) (skip the synthetic year)",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        province = opts["scale"] == PROVINCE
        if province and opts["districts"] is None:
            raise CommandError("--scale province 需要 --districts N(区县数量)")
        if not province and opts["districts"] is not None:
            raise CommandError("--districts 只能与 --scale province 一起使用")
        if not district_is_empty():
            if opts["if_empty"]:
                self.stdout.write("已有网格数据,跳过生成 (--if-empty)")
                return
            raise CommandError("数据库中已有网格数据,不能重复生成;请使用空数据库,或加 --if-empty")
        try:
            if province:
                from gongzhi.seeding.province import province_seed

                province_seed(
                    districts=opts["districts"],
                    scale=SCALES[opts["per_district"]],
                    seed=opts["seed"],
                    log=self.stdout.write,
                )
            else:
                district_seed(
                    scale=SCALES[opts["scale"]],
                    seed=opts["seed"],
                    log=self.stdout.write,
                    history=not opts["no_history"],
                )
        except SeedError as exc:
            raise CommandError(str(exc)) from exc
        started = time.perf_counter()
        if done := after_bulk_load():
            self.stdout.write(f"整理统计信息 ({done}) … {time.perf_counter() - started:.1f} 秒")
