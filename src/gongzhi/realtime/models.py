"""Real-time features: the one-key call (民情通呼叫键) and the live room (网上民情直播间)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core import clock
from gongzhi.core.access import RestrictedQuerySet


class OneKeyCall(models.Model):
    """A resident's urgent call; it opens an urgent case and waits for a staff acknowledgement."""

    scope_paths = ("unit__path",)

    account = models.ForeignKey(
        "portal.ResidentAccount", on_delete=models.CASCADE, related_name="onekey_calls"
    )
    unit = models.ForeignKey("grids.Grid", on_delete=models.PROTECT, related_name="+")
    lat = models.FloatField(null=True, blank=True)
    lng = models.FloatField(null=True, blank=True)
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="onekey_call")
    created_at = models.DateTimeField(default=clock.now, db_index=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    acknowledged_name = models.CharField(max_length=50, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(default=0)
    escalated_at = models.DateTimeField(null=True, blank=True)
    # "我已安全,取消呼叫": the resident is safe; escalation stops (the case stays for a call-back).
    cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("一键呼叫")
        verbose_name_plural = _("一键呼叫")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["account", "-created_at"])]

    def __str__(self) -> str:
        return f"呼叫 {self.pk} @ {self.created_at:%H:%M}"


class LiveSession(models.Model):
    topic = models.CharField(_("主题"), max_length=100)
    hosts = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("主持人")
    )
    scheduled_at = models.DateTimeField(_("开始时间"))
    stream_url = models.URLField(_("视频直播地址"), blank=True, max_length=500)
    ended_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("民情直播")
        verbose_name_plural = _("民情直播")
        ordering = ["-scheduled_at", "-pk"]

    def __str__(self) -> str:
        return self.topic

    @property
    def is_open(self) -> bool:
        return self.ended_at is None


class LiveQuestion(models.Model):
    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="questions")
    account = models.ForeignKey(
        "portal.ResidentAccount", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_label = models.CharField(max_length=30)  # masked: never a full name or phone
    text = models.CharField(max_length=500)
    likes = models.PositiveIntegerField(default=0)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    pinned = models.BooleanField(default=False)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:30]

    def as_event(self) -> dict:
        return {
            "id": self.pk, "author": self.author_label, "text": self.text, "likes": self.likes,
            "answer": self.answer, "pinned": self.pinned,
            "case": self.case.number if self.case is not None else "",
        }  # fmt: skip


class LiveLike(models.Model):
    question = models.ForeignKey(LiveQuestion, on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey(
        "portal.ResidentAccount", on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["question", "account"], name="live_like_once")
        ]

    def __str__(self) -> str:
        return f"{self.account_id} → {self.question_id}"


class LiveEvent(models.Model):
    """The room's event log: sockets get each row as it commits; polling reads rows since an id."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20)  # question / update / ended
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


class RelayEvent(models.Model):
    """A channel-layer event handed between processes without Redis (realtime.relay).

    Written in the publisher's transaction; every server process with open sockets polls for
    rows from other processes and forwards them to its in-memory layer. Kept a minute."""

    group = models.CharField(max_length=200)
    event = models.JSONField()
    origin = models.CharField(max_length=64)
    created_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.group} {self.event.get('type', '')}"
