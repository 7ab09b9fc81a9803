"""The household vote (一户一票): rules, ballots, their change history and frozen results."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core import clock
from gongzhi.core.access import RestrictedQuerySet

from .procedure import Deliberation


def new_token() -> str:
    return secrets.token_urlsafe(16)


class Choice(models.TextChoices):
    YES = "yes", _("同意")
    NO = "no", _("反对")
    ABSTAIN = "abstain", _("弃权")


class Channel(models.TextChoices):
    ONLINE = "online", _("网上投票")
    PAPER = "paper", _("纸质票(工作人员录入)")


class ThresholdBase(models.TextChoices):
    CAST = "cast", _("占参与投票户数")
    ELIGIBLE = "eligible", _("占全部应投户数")


class Vote(models.Model):
    """One household, one vote. Results are computed once, at close, and never change."""

    scope_paths = ("deliberation__grid__path",)

    deliberation = models.OneToOneField(Deliberation, on_delete=models.PROTECT, related_name="vote")
    question = models.CharField(_("表决事项"), max_length=300)
    opens_at = models.DateTimeField(_("开始时间"))
    closes_at = models.DateTimeField(_("截止时间"))
    # Percentages. Quorum: cast ≥ quorum% of eligible. Pass: yes share of the base must
    # exceed the threshold (过半数), or reach it when threshold_inclusive (三分之二以上).
    quorum_pct = models.DecimalField(_("参与率要求(%)"), max_digits=5, decimal_places=2)
    threshold_pct = models.DecimalField(_("通过比例(%)"), max_digits=5, decimal_places=2)
    threshold_base = models.CharField(
        _("通过比例基数"), max_length=10, choices=ThresholdBase.choices, default="cast"
    )
    threshold_inclusive = models.BooleanField(_("达到比例即通过(含本数)"), default=False)
    public_token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    # Frozen at close.
    closed_at = models.DateTimeField(_("计票时间"), null=True, blank=True)
    eligible_count = models.PositiveIntegerField(_("应投户数"), null=True, blank=True)
    cast_count = models.PositiveIntegerField(_("实投户数"), null=True, blank=True)
    yes_count = models.PositiveIntegerField(_("同意"), null=True, blank=True)
    no_count = models.PositiveIntegerField(_("反对"), null=True, blank=True)
    abstain_count = models.PositiveIntegerField(_("弃权"), null=True, blank=True)
    quorum_met = models.BooleanField(_("达到参与率"), null=True)
    passed = models.BooleanField(_("表决通过"), null=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("表决")
        verbose_name_plural = _("表决")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="vote_closes_after_open",
            ),
            models.CheckConstraint(
                condition=models.Q(quorum_pct__gte=0, quorum_pct__lte=100), name="vote_quorum_pct"
            ),
            models.CheckConstraint(
                condition=models.Q(threshold_pct__gte=0, threshold_pct__lte=100),
                name="vote_threshold_pct",
            ),
        ]

    def __str__(self) -> str:
        return self.question

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    def accepts_ballots_at(self, now) -> bool:
        return not self.is_closed and self.opens_at <= now < self.closes_at

    def phase_at(self, now) -> str:
        if self.is_closed:
            return "closed"
        if now < self.opens_at:
            return "scheduled"
        return "open" if now < self.closes_at else "counting"


class Ballot(models.Model):
    """A household's current choice. Changing it updates this row; history is in BallotChange."""

    scope_paths = ("vote__deliberation__grid__path",)

    vote = models.ForeignKey(Vote, on_delete=models.PROTECT, related_name="ballots")
    household = models.ForeignKey("people.Household", on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(_("选择"), max_length=10, choices=Choice.choices)
    channel = models.CharField(_("方式"), max_length=10, choices=Channel.choices)
    cast_by_resident = models.ForeignKey(
        "people.Resident", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cast_at = models.DateTimeField(_("首次投票时间"), default=clock.now)
    updated_at = models.DateTimeField(_("最后修改时间"), default=clock.now)
    revisions = models.PositiveIntegerField(_("修改次数"), default=0)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("选票")
        verbose_name_plural = _("选票")
        constraints = [
            models.UniqueConstraint(fields=["vote", "household"], name="one_household_one_vote")
        ]

    def __str__(self) -> str:
        return f"{self.vote_id}/{self.household_id}: {self.choice}"


class BallotChange(models.Model):
    """Append-only audit of every cast and change of a ballot."""

    scope_paths = ("ballot__vote__deliberation__grid__path",)

    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="changes")
    from_choice = models.CharField(max_length=10, choices=Choice.choices, blank=True)
    to_choice = models.CharField(max_length=10, choices=Choice.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    by_resident = models.ForeignKey(
        "people.Resident", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=clock.now)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("选票变更记录")
        verbose_name_plural = _("选票变更记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_choice or '-'} → {self.to_choice}"

    def save(self, *args, **kwargs):
        if self.pk:
            raise ValueError("ballot history is append-only")
        super().save(*args, **kwargs)
