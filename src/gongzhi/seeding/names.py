"""Place names for the synthetic district.

The 22 township-level units are the real ones of 肃州区 (REFERENCE §1: 7街道14镇1乡).
金泉路社区, 公园路46号楼院 and 悦和家园 come from the seed document; every other
community, village and estate name is made up from common patterns.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

STREET, TOWN, TOWNSHIP, COMMUNITY = "street", "town", "township", "community"


@dataclass(frozen=True)
class Level1:
    """A level-1 grid: a township-level unit or a community."""

    name: str
    kind: str  # STREET, TOWN, TOWNSHIP or COMMUNITY

    @property
    def rural(self) -> bool:
        return self.kind in (TOWN, TOWNSHIP)


STREETS = ("东北街", "东南街", "西北街", "西南街", "新城", "工业园", "玉管局生活基地")
TOWNS = (
    "三墩",
    "上坝",
    "下河清",
    "东洞",
    "丰乐",
    "总寨",
    "果园",
    "泉湖",
    "清水",
    "西峰",
    "西洞",
    "金佛寺",
    "铧尖",
    "银达",
)
TOWNSHIPS = ("黄泥堡裕固族",)

JINQUAN = "金泉路社区"
XIFENG = "西峰镇"
XIBEIJIE = "西北街街道"
# Level-3 grids the seed names inside 金泉路社区 (they go under its first level-2 grid).
JINQUAN_COMPOUNDS = ("公园路46号楼院", "悦和家园")

# 14 communities that form level-1 grids of their own; only 金泉路社区 is from the seed.
COMMUNITIES = (
    JINQUAN,
    "富康路社区",
    "祁连路社区",
    "玉门路社区",
    "飞天路社区",
    "北关社区",
    "南关社区",
    "东关社区",
    "西关社区",
    "鼓楼社区",
    "仓后街社区",
    "阳光社区",
    "春光路社区",
    "盘旋路社区",
)


def township_units() -> list[Level1]:
    return (
        [Level1(f"{n}街道", STREET) for n in STREETS]
        + [Level1(f"{n}镇", TOWN) for n in TOWNS]
        + [Level1(f"{n}乡", TOWNSHIP) for n in TOWNSHIPS]
    )


def full_level1() -> list[Level1]:
    """The 36 level-1 grids: the 22 township units and 14 communities."""
    return township_units() + [Level1(n, COMMUNITY) for n in COMMUNITIES]


_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1..99 in Chinese numerals (一, 十二, 二十, 九十九)."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else _DIGITS[tens]
    return head + "十" + (_DIGITS[ones] if ones else "")


_VILLAGE_STEMS = (
    "新华",
    "红光",
    "光明",
    "五星",
    "胜利",
    "先锋",
    "丰收",
    "团结",
    "永丰",
    "东湾",
    "西湾",
    "南坝",
    "北坝",
    "新联",
    "红山",
    "沙河",
    "泉水",
    "双桥",
    "金星",
    "跃进",
    "前进",
    "和平",
    "中渠",
    "东渠",
    "西渠",
    "上闸",
    "下闸",
    "临水",
    "新地",
    "园艺",
    "果园",
    "清泉",
    "新民",
)
_VILLAGE_SURNAMES = "侯张王李赵陈刘杨黄周吴马孙朱何胡郭高罗梁宋"
_VILLAGE_PLACES = ("家庄", "家湾", "家沟", "家堡", "家坝", "家寨", "家闸")
_ESTATE_STEMS = (
    "金泉",
    "富康",
    "祁连",
    "阳光",
    "锦绣",
    "泉湖",
    "新城",
    "盛世",
    "幸福",
    "文化",
    "胜利",
    "春光",
    "丽景",
    "明珠",
    "瑞祥",
    "康乐",
    "怡景",
    "滨河",
    "西苑",
    "东苑",
    "天润",
    "紫金",
    "华府",
    "嘉园",
    "世纪",
    "鑫源",
    "御景",
    "雅居",
    "恒大",
    "翰林",
    "龙湖",
    "玉苑",
)
_ESTATE_SUFFIXES = ("小区", "家园", "花园", "苑", "嘉苑")
_ROADS = ("公园路", "富康路", "祁连路", "玉门路", "飞天路", "盘旋路", "肃州路", "解放路", "北大街")


def _distinct(rng: random.Random, pool: list[str], n: int, fallback) -> list[str]:
    picked = rng.sample(pool, min(n, len(pool)))
    return picked + [fallback(i) for i in range(len(picked) + 1, n + 1)]


def level2_names(rng: random.Random, parent: Level1, n: int) -> list[str]:
    """Villages (村) under rural units, residents' groups (居民小组) under urban ones."""
    if not parent.rural:
        return [f"第{cn_number(i)}居民小组" for i in range(1, n + 1)]
    pool = [f"{s}村" for s in _VILLAGE_STEMS]
    pool += [f"{s}{p}村" for s in _VILLAGE_SURNAMES for p in _VILLAGE_PLACES]
    return _distinct(rng, pool, n, lambda i: f"第{i}村")


def level3_names(rng: random.Random, rural: bool, n: int, fixed: tuple[str, ...] = ()) -> list[str]:
    """Villager groups (组) in the countryside; estates and courtyards (楼院) in town."""
    if rural:
        return [f"{cn_number(i)}组" if i < 100 else f"{i}组" for i in range(1, n + 1)]
    pool = [f"{s}{x}" for s in _ESTATE_STEMS for x in _ESTATE_SUFFIXES]
    pool += [f"{r}{k}号楼院" for r in _ROADS for k in range(2, 120, 4)]
    pool = [p for p in pool if p not in fixed]
    return list(fixed[:n]) + _distinct(rng, pool, n - min(n, len(fixed)), lambda i: f"第{i}小区")


def level4_names(rural: bool, n: int) -> list[str]:
    return [f"{i}号院" if rural else f"{i}号楼" for i in range(1, n + 1)]


def level5_names(n: int) -> list[str]:
    return [f"{i}单元" for i in range(1, n + 1)]


def house_number(rural: bool, index: int) -> str:
    """101, 102, 201, … in town; 1号, 2号, … in the countryside (index from 0)."""
    if rural:
        return f"{index + 1}号"
    floor, door = divmod(index, 2)
    return f"{floor + 1}{door + 1:02d}"
