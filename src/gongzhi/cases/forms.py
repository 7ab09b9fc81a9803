"""Forms for the case pages. Business rules live in cases.services; these check shapes."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gongzhi.core.forms import BaseForm
from gongzhi.grids.forms import GridFilterForm
from gongzhi.grids.models import Grid
from gongzhi.org.models import Department, Room, Staff

from .models import Category, Channel, DivertRoute, Rating, State, Urgency
from .services import MAX_DESCRIPTION

if TYPE_CHECKING:
    from django.http import QueryDict
    from django_stubs_ext import StrOrPromise

    from gongzhi.core.types import AnyUser
    from gongzhi.people.models import Resident


# Channels a staff member files on someone's behalf (the others have their own doors).
STAFF_CHANNELS = (Channel.WINDOW, Channel.HOTLINE, Channel.PATROL)
GRID_SELECT_LIMIT = 500  # more than this is unusable on a phone: type the grid code instead


def category_choices(*, blank: StrOrPromise) -> list:
    """Two levels as <optgroup>s: a top category, then its subcategories."""
    cats = list(Category.objects.filter(active=True).order_by("order", "code"))
    children: dict[int, list[Category]] = {}
    for c in cats:
        if c.parent_id:
            children.setdefault(c.parent_id, []).append(c)
    choices: list = [("", blank)]
    for top in (c for c in cats if not c.parent_id):
        subs = children.get(top.pk, [])
        if subs:
            choices.append((top.name, [(s.code, s.name) for s in subs]))
        else:
            choices.append((top.code, top.name))
    return choices


class CaseFilterForm(GridFilterForm):
    category = forms.ChoiceField(label=_("类别"), required=False)
    channel = forms.ChoiceField(
        label=_("来源"), required=False, choices=[("", _("全部来源")), *Channel.choices]
    )
    urgency = forms.ChoiceField(
        label=_("紧急程度"), required=False, choices=[("", _("全部")), *Urgency.choices]
    )
    date_from = forms.DateField(
        label=_("上报日期自"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("至"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    field_order = ["category", "channel", "urgency", "grid", "date_from", "date_to"]

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        # Top-level categories too: filtering by one includes its subcategories.
        cats = Category.objects.filter(active=True).order_by("order", "code")
        cast("forms.ChoiceField", self.fields["category"]).choices = [("", _("全部类别"))] + [
            (c.code, f"{'' if not c.parent_id else ' └ '}{c.name}")
            for c in sorted(cats, key=lambda c: (c.code[:2], len(c.code), c.order))
        ]
        self.style_widgets()

    def clean_category(self) -> Category | None:
        code = self.cleaned_data.get("category")
        return Category.objects.filter(code=code).first() if code else None

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise ValidationError(_("开始日期不能晚于结束日期"))
        return data


class CaseMapFilterForm(CaseFilterForm):
    """The case map's filters: the list filters plus the state (open cases by default)."""

    OPEN, FINAL = "open", "final"
    state = forms.ChoiceField(label=_("状态"), required=False)
    field_order = ["category", "state", "channel", "urgency", "grid", "date_from", "date_to"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ChoiceField", self.fields["state"]).choices = [
            ("", _("全部状态")), (self.OPEN, _("未办结")), (self.FINAL, _("已办结")),
            *State.choices,
        ]  # fmt: skip
        self.fields["state"].widget.attrs["class"] = "form-select"
        self.order_fields(self.field_order)


class CaseCreateForm(BaseForm):
    """A report filed by staff at the window, on the hotline or on patrol."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=100)
    channel = forms.ChoiceField(
        label=_("来源渠道"), choices=[(c.value, c.label) for c in STAFF_CHANNELS]
    )
    category = forms.ChoiceField(label=_("事件类别"))
    title = forms.CharField(label=_("标题"), max_length=200, required=False)
    description = forms.CharField(
        label=_("事件描述"),
        max_length=MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("请填写事件描述")},
    )
    grid = forms.ChoiceField(label=_("所在网格"), required=False)
    grid_code = forms.CharField(
        label=_("或网格编码"),
        max_length=40,
        required=False,
        help_text=_("网格较多时可直接输入网格编码"),
    )
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    lat = forms.FloatField(label=_("纬度"), required=False, min_value=-90, max_value=90)
    lng = forms.FloatField(label=_("经度"), required=False, min_value=-180, max_value=180)
    reporter_resident = forms.IntegerField(
        required=False, widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1
    )
    contact_name = forms.CharField(label=_("联系人姓名"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    urgency = forms.ChoiceField(label=_("紧急程度"), choices=Urgency.choices)
    is_public = forms.BooleanField(label=_("公开(在民情留言板展示)"), required=False)

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        cast("forms.ChoiceField", self.fields["category"]).choices = category_choices(
            blank=_("请选择类别")
        )
        grids = Grid.objects.restrict(user).order_by("path").only("pk", "full_name", "name")
        cast("forms.ChoiceField", self.fields["grid"]).choices = [("", _("请选择网格"))] + [
            (str(g.pk), g.full_name or g.name) for g in grids[:GRID_SELECT_LIMIT]
        ]
        if not self.is_bound:
            # The idempotency token is made when the form is shown: a double submit or a
            # browser retry carries the same token and gets the first case back.
            self.initial.setdefault("token", uuid.uuid4().hex)
            self.initial.setdefault("urgency", Urgency.NORMAL)

    def clean_category(self) -> Category:
        cat = Category.objects.filter(code=self.cleaned_data["category"], active=True).first()
        if cat is None:
            raise ValidationError(_("未知的事件类别"))
        return cat

    def clean_grid(self) -> Grid | None:
        value = self.cleaned_data.get("grid")
        if not value:
            return None
        grid = Grid.objects.restrict(self.user).filter(pk=value).first()
        if grid is None:
            raise ValidationError(_("网格不存在或不在您的管辖范围内"))
        return grid

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        code = (data.get("grid_code") or "").strip()
        if code and not data.get("grid"):
            grid = Grid.objects.restrict(self.user).filter(code=code).first()
            if grid is None:
                self.add_error("grid_code", _("网格编码不存在或不在您的管辖范围内"))
            data["grid"] = grid
        return data

    def extra_answers(self, category: Category) -> dict:
        """Answers to the category's extra questions, posted as extra_<code>."""
        out: dict[str, Any] = {}
        for f in category.extra_fields:
            name = f"extra_{f['code']}"
            if f.get("datatype") == "multivaluelist":
                out[f["code"]] = cast("QueryDict", self.data).getlist(name)
            else:
                out[f["code"]] = (self.data.get(name) or "").strip()
        return out

    def service_fields(self, resident: Resident | None = None) -> dict:
        d = self.cleaned_data
        category = d["category"]
        return {
            "channel": d["channel"],
            "category": category,
            "title": d["title"],
            "description": d["description"],
            "grid": d.get("grid"),
            "address": d["address"],
            "lat": d["lat"],
            "lng": d["lng"],
            "reporter_resident": resident,
            "contact_name": d["contact_name"],
            "contact_phone": d["contact_phone"],
            "urgency": d["urgency"],
            "is_public": d["is_public"],
            "extra": self.extra_answers(category),
        }


class ActionForm(BaseForm):
    """One workflow action. Only the fields an action needs are shown for it."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    comment = forms.CharField(
        label=_("意见"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    to = forms.ChoiceField(label=_("派遣对象"), required=False)
    days = forms.IntegerField(label=_("延期(工作日)"), required=False, min_value=1, max_value=30)
    rating = forms.ChoiceField(
        label=_("评价"), required=False, choices=[("", _("请选择")), *Rating.choices]
    )
    stars = forms.TypedChoiceField(
        label=_("星级"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("请选择"))] + [(str(i), "★" * i) for i in range(1, 6)],
    )
    into = forms.CharField(label=_("主件编号"), required=False, max_length=20)
    route = forms.ChoiceField(
        label=_("分流去向"), required=False, choices=[("", _("请选择")), *DivertRoute.choices]
    )

    PARAMS = {
        "dispatch": ("to",),
        "request_extension": ("days",),
        "follow_up": ("rating", "stars"),
        "merge": ("into",),
        "divert": ("route",),
    }

    def __init__(self, *args: Any, user: AnyUser, action: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user, self.action = user, action
        if action == "dispatch":
            cast("forms.ChoiceField", self.fields["to"]).choices = dispatch_choices(user)

    def visible_params(self) -> list:
        return [self[name] for name in self.PARAMS.get(self.action, ())]

    def service_params(self) -> dict:
        d = self.cleaned_data
        params: dict = {}
        for name in self.PARAMS.get(self.action, ()):
            if name == "to":
                params.update(dispatch_target(self.user, d.get("to") or ""))
            elif d.get(name) not in (None, ""):
                params[name] = d[name]
        return params


def dispatch_choices(user: AnyUser) -> list:
    """Staff, rooms and departments the user may dispatch to (all inside their scope)."""
    staff = Staff.objects.restrict(user).filter(active=True).order_by("name")
    rooms = Room.objects.restrict(user).select_related("center").order_by("center_id", "kind")
    depts = Department.objects.restrict(user).select_related("center").order_by("center_id")
    return [
        ("", _("请选择")),
        (_("人员"), [(f"staff:{s.pk}", str(s)) for s in staff[:300]]),
        (_("科室"), [(f"room:{r.pk}", str(r)) for r in rooms]),
        (_("部门"), [(f"department:{d.pk}", d.name) for d in depts]),
    ]


def dispatch_target(user: AnyUser, value: str) -> dict:
    kind, _sep, pk = value.partition(":")
    models: dict[str, type[Staff] | type[Room] | type[Department]] = {
        "staff": Staff,
        "room": Room,
        "department": Department,
    }
    model = models.get(kind)
    if model is None or not pk.isdigit():
        return {}
    obj = model.objects.restrict(user).filter(pk=pk).first()
    return {f"to_{kind}": obj} if obj is not None else {}
