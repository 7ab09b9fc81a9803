"""A background print of 民情连心卡 (connection cards) for one grid subtree."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core import clock
from gongzhi.core.jobs import JobProgress


class CardPrintJob(JobProgress, models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("生成中")
        FAILED = "failed", _("失败")
        SUCCEEDED = "succeeded", _("已完成")

    class Per(models.TextChoices):
        UNIT = "unit", _("每个单元一张")
        HOUSEHOLD = "household", _("每户一张")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="card_print_jobs",
        verbose_name=_("提交人"),
    )
    root = models.ForeignKey(
        "grids.Grid", on_delete=models.CASCADE, related_name="+", verbose_name=_("网格范围")
    )
    per = models.CharField(_("打印方式"), max_length=10, choices=Per.choices, default=Per.UNIT)
    # Scheme and host for the QR codes' URLs, taken from the request that queued the job.
    base_url = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    total = models.PositiveIntegerField(_("卡片总数"), default=0)
    done = models.PositiveIntegerField(_("已生成"), default=0)
    # Relative to MEDIA_ROOT (cards/…); served only through the owner-checked download view.
    file_path = models.CharField(max_length=300, blank=True)
    error = models.CharField(_("错误"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("提交时间"), default=clock.now, db_index=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("连心卡打印任务")
        verbose_name_plural = _("连心卡打印任务")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.root} {self.get_per_display()}"
