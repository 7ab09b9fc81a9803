"""`gongzhi apikey create NAME [--user USERNAME]` | `revoke NAME|PREFIX` | `list`."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from gongzhi.open311.keys import apikey_create, apikey_revoke
from gongzhi.open311.models import ApiKey


class Command(BaseCommand):
    help = "管理 Open311 开放接口密钥 (Manage Open311 API keys)"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="生成新密钥并打印(只显示这一次)")
        create.add_argument("name")
        create.add_argument("--user", help="以该账号的名义登记事件(默认系统账号 open311)")
        revoke = sub.add_parser("revoke", help="作废密钥")
        revoke.add_argument("name")
        sub.add_parser("list", help="列出密钥")

    def handle(self, *args, action: str, **opts):
        try:
            if action == "create":
                self._create(opts["name"], opts.get("user"))
            elif action == "revoke":
                key = apikey_revoke(name_or_prefix=opts["name"])
                self.stdout.write(f"已作废:{key.name} ({key.prefix}…)")
            else:
                self._list()
        except ValidationError as exc:
            raise CommandError(";".join(exc.messages)) from None

    def _create(self, name: str, username: str | None) -> None:
        user = None
        if username:
            user = get_user_model().objects.filter(username=username).first()
            if user is None:
                raise CommandError(f"用户不存在:{username}")
        _, raw = apikey_create(name=name, user=user)
        self.stderr.write("请立即保存该密钥,它不会再次显示:")
        self.stdout.write(raw)

    def _list(self) -> None:
        for key in ApiKey.objects.select_related("user"):
            state = f"已作废 {_local(key.revoked_at)}" if key.revoked_at else "有效"
            used = _local(key.last_used_at) if key.last_used_at else "从未使用"
            self.stdout.write(
                f"{key.name}\t{key.prefix}…\t{state}\t最近使用 {used}\t{key.user.username}"
            )


def _local(value) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"
