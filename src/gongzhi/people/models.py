"""Households (户) and residents (实有人口), with encrypted identifiers and tags."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core import clock, crypto
from gongzhi.core.access import RestrictedQuerySet
from gongzhi.core.jobs import JobProgress
from gongzhi.core.masking import mask_id_number, mask_name
from gongzhi.core.phone import EncryptedPhone


class Household(models.Model):
    scope_paths = ("unit__path",)

    unit = models.ForeignKey(
        "grids.Grid", on_delete=models.PROTECT, related_name="households", verbose_name=_("单元")
    )
    house_number = models.CharField(_("门牌号"), max_length=30)
    is_synthetic = models.BooleanField(_("演示数据"), default=False)
    created_at = models.DateTimeField(default=clock.now)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("户")
        verbose_name_plural = _("户")
        constraints = [
            models.UniqueConstraint(fields=["unit", "house_number"], name="house_once_per_unit")
        ]

    def __str__(self) -> str:
        return self.address

    @property
    def address(self) -> str:
        return f"{self.unit.full_name}{self.house_number}"

    def house_path(self, number: str | None = None) -> str:
        """楼栋-单元-门牌 (1号楼-1单元-101): unambiguous inside a courtyard, where "1单元101"
        is not. `number` replaces the house number (a masked one for a public notice).
        people.selectors.label_buildings() fetches the buildings of many households at once."""
        unit = self.unit
        building = getattr(unit, "building_name", None)
        if building is None:
            building = unit.get_parent().name if unit.depth > 2 else ""
        parts = (building, unit.name, self.house_number if number is None else number)
        return "-".join(p for p in parts if p)


class ResidentKind(models.TextChoices):
    REGISTERED = "registered", _("户籍人口")
    FLOATING = "floating", _("流动人口")
    FOREIGN = "foreign", _("境外人员")


class Relation(models.TextChoices):
    HEAD = "head", _("户主")
    SPOUSE = "spouse", _("配偶")
    CHILD = "child", _("子女")
    PARENT = "parent", _("父母")
    GRANDCHILD = "grandchild", _("孙子女")
    GRANDPARENT = "grandparent", _("祖父母")
    SIBLING = "sibling", _("兄弟姐妹")
    OTHER = "other", _("其他")


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class Resident(models.Model):
    """A resident. ID number and phone are stored encrypted; *_hash is the blind index."""

    scope_paths = ("grid__path",)

    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="members", verbose_name=_("户")
    )
    # The household's unit, kept here so subtree queries need one join.
    grid = models.ForeignKey("grids.Grid", on_delete=models.PROTECT, related_name="residents")
    name = models.CharField(_("姓名"), max_length=50, db_index=True)
    kind = models.CharField(
        _("人口类型"), max_length=12, choices=ResidentKind.choices, default=ResidentKind.REGISTERED
    )
    relation = models.CharField(
        _("与户主关系"), max_length=12, choices=Relation.choices, default=Relation.HEAD
    )
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("出生日期"))
    id_number_enc = models.TextField(editable=False)
    id_hash = models.CharField(max_length=40, unique=True, editable=False)
    id_prefix = models.CharField(max_length=6, editable=False)
    id_suffix = models.CharField(max_length=4, db_index=True, editable=False)
    phone = EncryptedPhone(masked="parts")  # phone_enc, phone_hash, phone_suffix, phone_prefix

    if TYPE_CHECKING:  # added by EncryptedPhone
        phone_enc: str
        phone_hash: str
        phone_suffix: str
        phone_prefix: str
        masked_phone: str

        def set_phone(self, phone: str) -> None: ...

    is_synthetic = models.BooleanField(_("演示数据"), default=False)
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)
    # Optimistic lock for edits, as cases have: an edit states the version it started from.
    version = models.PositiveIntegerField(default=1)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("居民")
        verbose_name_plural = _("居民")
        indexes = [models.Index(fields=["grid", "name"])]

    def __str__(self) -> str:
        return self.masked_name

    # Identifiers: set through set_id_number/set_phone so the index stays right.
    def set_id_number(self, number: str) -> None:
        self.id_number_enc = crypto.encrypt(number)
        self.id_hash = crypto.blind_index("id", number)
        self.id_prefix, self.id_suffix = number[:6], number[-4:]

    @property
    def id_number(self) -> str:
        return crypto.decrypt(self.id_number_enc)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_prefix + "0" * 8 + self.id_suffix)

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)


class TagKind(models.TextChoices):
    CARE = "care", _("关爱对象")
    SPECIAL = "special", _("重点人员")


class Tag(models.TextChoices):
    ELDERLY_ALONE = "elderly_alone", _("独居/空巢老人")
    LEFT_BEHIND_CHILD = "left_behind_child", _("留守儿童")
    DISABLED = "disabled", _("残疾人")
    HARDSHIP = "hardship", _("困难家庭")
    VETERAN_FAMILY = "veteran_family", _("优抚对象")
    COMMUNITY_CORRECTION = "community_correction", _("社区矫正")
    RELEASED_PRISONER = "released_prisoner", _("刑满释放")
    SEVERE_MENTAL = "severe_mental", _("严重精神障碍")
    DRUG_USER = "drug_user", _("吸毒人员")
    AT_RISK_YOUTH = "at_risk_youth", _("重点青少年")


CARE_TAGS = frozenset(
    {Tag.ELDERLY_ALONE, Tag.LEFT_BEHIND_CHILD, Tag.DISABLED, Tag.HARDSHIP, Tag.VETERAN_FAMILY}
)
SPECIAL_TAGS = frozenset(set(Tag) - CARE_TAGS)


def tag_kind(tag: str) -> str:
    return TagKind.SPECIAL if tag in SPECIAL_TAGS else TagKind.CARE


class ResidentTagQuerySet(RestrictedQuerySet):
    def restrict(self, user, action: str = "view"):
        from gongzhi.core.access import can
        from gongzhi.core.roles import VIEW_SPECIAL

        qs = super().restrict(user, action)
        return qs if can(user, VIEW_SPECIAL) else qs.exclude(kind=TagKind.SPECIAL)


class ResidentTag(models.Model):
    scope_paths = ("resident__grid__path",)

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="tags")
    tag = models.CharField(_("标签"), max_length=30, choices=Tag.choices)
    kind = models.CharField(_("类别"), max_length=10, choices=TagKind.choices, editable=False)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=clock.now)

    objects = ResidentTagQuerySet.as_manager()

    class Meta:
        verbose_name = _("人员标签")
        verbose_name_plural = _("人员标签")
        constraints = [models.UniqueConstraint(fields=["resident", "tag"], name="tag_once")]
        indexes = [models.Index(fields=["kind", "tag"])]

    def __str__(self) -> str:
        return self.get_tag_display()

    def save(self, *args, **kwargs):
        self.kind = tag_kind(self.tag)
        super().save(*args, **kwargs)


class ImportJob(JobProgress, models.Model):
    """A background import of residents from an uploaded spreadsheet (批量导入)."""

    progress_fields = ("processed_rows", "total_rows")

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("导入中")
        FAILED = "failed", _("失败")
        SUCCEEDED = "succeeded", _("成功")

    class Stage(models.TextChoices):
        QUEUED = "queued", _("等待处理")
        READING = "reading", _("读取文件")
        VALIDATING = "validating", _("逐行校验")
        WRITING = "writing", _("写入数据库")
        DONE = "done", _("完成")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="import_jobs",
        verbose_name=_("导入人"),
    )
    created_at = models.DateTimeField(_("提交时间"), default=clock.now, db_index=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    stage = models.CharField(_("阶段"), max_length=10, choices=Stage.choices, default=Stage.QUEUED)
    filename = models.CharField(_("文件名"), max_length=200)
    # Relative to MEDIA_ROOT (imports/…); the file is deleted once the job has finished.
    file_path = models.CharField(max_length=300)
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已处理行数"), default=0)
    created_count = models.PositiveIntegerField(_("新增居民"), default=0)
    households_created = models.PositiveIntegerField(_("新增户"), default=0)
    # {"file_error": str, "error_count": int, "errors": [[row, column, message], ...]}
    report = models.JSONField(_("错误报告"), default=dict, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"
