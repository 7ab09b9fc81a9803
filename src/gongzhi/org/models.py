"""Governance centers (一厅五室), stationed departments, staff and grid assignments."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.access import RestrictedQuerySet
from gongzhi.core.roles import Role


class CenterLevel(models.TextChoices):
    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    DISTRICT = "district", _("区级")
    TOWNSHIP = "township", _("乡镇(街道)级")
    COMMUNITY = "community", _("社区(村)级")


class RoomKind(models.TextChoices):
    HALL = "hall", _("群众接待大厅")
    MEDIATION = "mediation", _("矛盾纠纷调解室")
    COUNSELING = "counseling", _("心理咨询室")
    POLICE_LIAISON = "police_liaison", _("警民联络室")
    CARE = "care", _("关爱工作室")
    SOCIAL_ORGS = "social_orgs", _("社会组织工作室")


class DepartmentKind(models.TextChoices):
    """Departments stationed in a center (公检法司 and the others that move in with them)."""

    POLICE = "police", _("公安")
    PROCURATORATE = "procuratorate", _("检察院")
    COURT = "court", _("法院")
    JUSTICE = "justice", _("司法所")
    PETITION = "petition", _("信访")
    HUMAN_RESOURCES = "human_resources", _("人社")
    CIVIL_AFFAIRS = "civil_affairs", _("民政")


class Center(models.Model):
    """综治中心; one per governance level, bound to the grid it serves."""

    scope_paths = ("grid__path",)

    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("级别"), max_length=20, choices=CenterLevel.choices)
    grid = models.OneToOneField("grids.Grid", on_delete=models.PROTECT, related_name="center")
    address = models.CharField(_("地址"), max_length=200, blank=True)
    duty_phone = models.CharField(_("值班电话"), max_length=20, blank=True)
    hotline = models.CharField(_("民情热线"), max_length=20, blank=True)
    # Shown next to the hotline; the duty phone answers around the clock.
    hotline_hours = models.CharField(
        _("热线接听时间"), max_length=60, blank=True, default="工作日 8:30-12:00, 14:30-18:00"
    )
    is_synthetic = models.BooleanField(_("演示数据"), default=False)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("综治中心")
        verbose_name_plural = _("综治中心")

    def __str__(self) -> str:
        return self.name


class Room(models.Model):
    scope_paths = ("center__grid__path",)

    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="rooms")
    kind = models.CharField(_("类型"), max_length=20, choices=RoomKind.choices)
    name = models.CharField(_("名称"), max_length=100)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("一厅五室")
        verbose_name_plural = _("一厅五室")
        constraints = [models.UniqueConstraint(fields=["center", "kind"], name="room_once")]

    def __str__(self) -> str:
        return f"{self.center.name}{self.get_kind_display()}"


class Department(models.Model):
    """A department stationed in a center (公检法司, 信访, 人社, 民政); its officers are the
    staff whose `department` points here. It is invited to consultations as a unit, so it
    takes part even when none of its officers has a login."""

    scope_paths = ("center__grid__path",)

    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="departments")
    kind = models.CharField(_("类型"), max_length=20, choices=DepartmentKind.choices)
    name = models.CharField(_("名称"), max_length=100)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("入驻部门")
        verbose_name_plural = _("入驻部门")

    def __str__(self) -> str:
        return self.name


class Staff(models.Model):
    """A staff member's profile. Grid workers are staff with role grid_worker."""

    scope_paths = ("grid_assignments__grid__path", "center__grid__path")
    scope_distinct = True

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    name = models.CharField(_("姓名"), max_length=50, db_index=True)
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, db_index=True)
    active = models.BooleanField(_("在岗"), default=True)
    center = models.ForeignKey(
        Center, null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    room = models.ForeignKey(
        Room, null=True, blank=True, on_delete=models.SET_NULL, related_name="staff"
    )
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="staff"
    )
    phone = models.CharField(_("工作电话"), max_length=20, blank=True)
    title = models.CharField(_("职务"), max_length=50, blank=True)
    full_time = models.BooleanField(_("专职"), default=False)
    working_hours = models.CharField(_("工作时间"), max_length=50, blank=True)
    # 五大员: every grid worker carries these five roles.
    legal_publicist = models.BooleanField(_("法治宣传员"), default=False)
    security_patroller = models.BooleanField(_("治安联防员"), default=False)
    dispute_mediator = models.BooleanField(_("纠纷调解员"), default=False)
    rehab_helper = models.BooleanField(_("帮教转化员"), default=False)
    info_collector = models.BooleanField(_("信息采集员"), default=False)
    is_synthetic = models.BooleanField(_("演示数据"), default=False)

    objects = RestrictedQuerySet.as_manager()

    FIVE_ROLES = (
        "legal_publicist",
        "security_patroller",
        "dispute_mediator",
        "rehab_helper",
        "info_collector",
    )

    class Meta:
        verbose_name = _("工作人员")
        verbose_name_plural = _("工作人员")

    def __str__(self) -> str:
        return f"{self.name}({self.get_role_display()})"

    @property
    def is_grid_worker(self) -> bool:
        """A 网格员 (who is one, not what they may do: that is core.roles' capabilities)."""
        return self.role == Role.GRID_WORKER

    def five_role_labels(self) -> list[str]:
        return [
            str(getattr(self._meta.get_field(f), "verbose_name", f))
            for f in self.FIVE_ROLES
            if getattr(self, f)
        ]


class GridAssignment(models.Model):
    class Duty(models.TextChoices):
        WORKER = "worker", _("网格员")
        LEADER = "leader", _("网格长")
        POLICE = "police", _("社区民警")

    scope_paths = ("grid__path",)

    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="grid_assignments")
    grid = models.ForeignKey("grids.Grid", on_delete=models.CASCADE, related_name="assignments")
    duty = models.CharField(_("职责"), max_length=10, choices=Duty.choices, default=Duty.WORKER)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("网格分配")
        verbose_name_plural = _("网格分配")
        constraints = [
            models.UniqueConstraint(fields=["staff", "grid", "duty"], name="assignment_once")
        ]

    def __str__(self) -> str:
        return f"{self.staff.name} → {self.grid.name}"
