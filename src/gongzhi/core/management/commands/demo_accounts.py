"""`gongzhi demo_accounts`: create or reset the demo logins (demo mode only)."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from gongzhi.core.roles import Role
from gongzhi.seeding.accounts import DEMO_PASSWORD, DemoAccountsError, demo_accounts_ensure


def _pad(text: str, width: int) -> str:
    """Left-justify by display width: a Chinese character takes two terminal columns."""
    shown = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(width - shown, 0)


class Command(BaseCommand):
    help = "创建或重置演示账号(仅限演示模式) (Create or reset the demo accounts)"

    def handle(self, *args: Any, **opts: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError(
                "演示账号只能在演示模式下创建:请设置 GONGZHI_MODE=demo(生产环境不会创建演示账号)"
            )
        try:
            accounts = demo_accounts_ensure()
        except DemoAccountsError as exc:
            raise CommandError(str(exc)) from exc
        from gongzhi.portal.services import portal_demo_resident

        resident = portal_demo_resident()  # phone 13800000000 under 金泉路社区
        self.stdout.write("演示账号 (demo logins):")
        self.stdout.write(f"  {_pad('用户名', 17)}{_pad('角色', 20)}密码")
        for account in accounts:
            role = str(Role(account.role).label)
            self.stdout.write(f"  {_pad(account.username, 17)}{_pad(role, 20)}{DEMO_PASSWORD}")
        if resident is not None and resident.resident is not None:
            self.stdout.write(
                f"居民端演示账号 (demo resident): {resident.resident.name} {resident.phone},"
                "验证码见页面演示横幅"
            )
