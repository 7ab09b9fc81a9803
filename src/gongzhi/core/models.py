from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core import clock


class AuditLog(models.Model):
    """Append-only record of sensitive reads and reveals (PIPL)."""

    class Action(models.TextChoices):
        REVEAL = "reveal", _("查看完整信息")
        READ_SENSITIVE = "read_sensitive", _("查阅敏感记录")
        EXPORT = "export", _("导出")
        IMPORT = "import", _("导入")
        LOCKOUT = "lockout", _("登录锁定")
        CHANGE = "change", _("修改")

    at = models.DateTimeField(default=clock.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="audit_entries"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    target_type = models.CharField(max_length=50)
    target_id = models.CharField(max_length=50, blank=True)
    fields = models.CharField(max_length=200, blank=True)
    reason = models.CharField(max_length=200, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.target_type}#{self.target_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk:
            raise ValueError("audit rows are append-only")
        super().save(*args, **kwargs)


class TaskWorkerBeat(models.Model):
    """One row per running task worker, refreshed every few seconds (readiness reads it).

    The worker writes `up` beats; the supervisor that saw it exit writes `down` with the reason
    at once, so /readyz need not wait for the beat to go stale. A clean stop deletes the row."""

    class Status(models.TextChoices):
        UP = "up", _("运行中")
        DOWN = "down", _("已退出")

    name = models.CharField(max_length=100, unique=True)
    host = models.CharField(max_length=100, blank=True)
    pid = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UP)
    reason = models.CharField(max_length=200, blank=True)
    started_at = models.DateTimeField(default=clock.now)
    beat_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("后台任务进程")
        verbose_name_plural = _("后台任务进程")

    def __str__(self) -> str:
        return f"{self.name} {self.status}"
