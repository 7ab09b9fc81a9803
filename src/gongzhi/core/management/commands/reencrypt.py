"""`gongzhi reencrypt`: after adding a new key in front of FIELD_ENCRYPTION_KEYS."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from gongzhi.core.reencrypt import fields_reencrypt


class Command(BaseCommand):
    help = (
        "用最新的字段密钥重新加密所有加密字段和盲索引 (Re-encrypt every field under the newest key)"
    )

    def handle(self, *args: Any, **opts: Any) -> None:
        report = fields_reencrypt()
        for label, count in report.rewritten.items():
            self.stdout.write(f"{label}: {count}")
        bad = {label: pks for label, pks in report.undecryptable.items() if pks}
        if bad:
            detail = "; ".join(f"{label} pk {pks[:20]}" for label, pks in bad.items())
            raise CommandError(f"无法解密(缺少旧密钥?),未改写: {detail}")
        self.stdout.write(self.style.SUCCESS("全部加密字段已使用最新密钥"))
