"""`gongzhi apitoken USERNAME`: print the user's API token, creating it if needed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from rest_framework.authtoken.models import Token

if TYPE_CHECKING:
    from django.core.management.base import CommandParser


class Command(BaseCommand):
    help = "打印用户的 API 令牌,没有则创建 (Print or create a user's API token)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--reset", action="store_true", help="作废旧令牌并生成新令牌")

    def handle(self, *args: Any, username: str, reset: bool = False, **opts: Any) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"用户不存在:{username}")
        if not user.is_active:
            raise CommandError(f"用户已停用,不能发放令牌:{username}")
        if reset:
            Token.objects.filter(user=user).delete()
        token, _ = Token.objects.get_or_create(user=user)
        self.stdout.write(token.key)
