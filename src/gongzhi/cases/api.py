"""/api/v1/cases/ and /api/v1/case-categories/.

Reads go through case_list_for (grid-scoped); every change through cases.services. A case
is addressed by its number (SJ20261126-0001) or its id. Reporter data is always masked.
`POST cases/` honours an `Idempotency-Key` header: a retry returns the first case (200).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from gongzhi.core.api import ScopedViewSetMixin, choice_param, text_param
from gongzhi.grids.api import grid_from_param
from gongzhi.grids.models import Grid
from gongzhi.org.models import Department, Room, Staff
from gongzhi.people.selectors import resident_list_for

from .models import Case, CaseEvent, Category, Channel, DivertRoute, Rating, State, Urgency
from .selectors import INBOXES, allowed_actions, case_filter, case_list_for, inbox_q
from .services import MAX_DESCRIPTION, StaleCase, case_act, case_create
from .workflow import ACTIONS, TransitionError

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.db.models import Model, QuerySet
    from rest_framework.request import Request

    from gongzhi.core.types import AnyUser


CASE_REF = r"[0-9]{1,18}|SJ[0-9]{8}-[0-9]{4,6}"
MAX_KEY = 80

# --- representations ---


class CategorySerializer(serializers.ModelSerializer):
    # A field named like DRF's Field.parent (the serializer a field belongs to).
    parent: serializers.SlugRelatedField = serializers.SlugRelatedField(  # type: ignore[assignment]
        slug_field="code", read_only=True, allow_null=True
    )

    class Meta:
        model = Category
        fields = ["code", "name", "parent", "description", "extra_fields"]
        read_only_fields = fields


class CaseSerializer(serializers.ModelSerializer):
    category = serializers.CharField(source="category.code")
    category_name = serializers.SerializerMethodField()
    grid_name = serializers.CharField(source="grid.full_name")
    state_label = serializers.CharField(source="get_state_display")
    reporter = serializers.SerializerMethodField(help_text="报告人(已脱敏)")
    allowed_actions = serializers.SerializerMethodField(help_text="当前用户可执行的操作")
    resolved_level = serializers.IntegerField(
        allow_null=True, help_text="化解层级(取值同 owning_level)"
    )

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "title",
            "description",
            "category",
            "category_name",
            "channel",
            "grid",
            "grid_name",
            "address",
            "lat",
            "lng",
            "reporter",
            "urgency",
            "is_public",
            "state",
            "state_label",
            "owning_level",
            "owning_grid",
            "supervision",
            "overdue",
            "escalation_count",
            "resolved_level",
            "satisfaction",
            "rehandle_count",
            "created_at",
            "updated_at",
            "accept_red_at",
            "handle_red_at",
            "verify_red_at",
            "version",
            "allowed_actions",
        ]
        read_only_fields = fields

    def get_category_name(self, case: Case) -> str:
        return str(case.category)

    def get_reporter(self, case: Case) -> str:
        name = case.reporter_resident.masked_name if case.reporter_resident is not None else ""
        return " ".join(p for p in (name, case.contact_display) if p)

    def get_allowed_actions(self, case: Case) -> list[str]:
        request = self.context.get("request")
        return allowed_actions(case, request.user) if request else []


class CaseEventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()
    # Plain strings: a second enum of the same states would clash with Case.state's.
    from_state = serializers.CharField(help_text="原状态(见 Case.state)")
    to_state = serializers.CharField(help_text="新状态(见 Case.state)")

    class Meta:
        model = CaseEvent
        fields = ["id", "action", "from_state", "to_state", "actor", "comment", "data", "at"]
        read_only_fields = fields

    def get_actor(self, event: CaseEvent) -> str:
        if event.actor is None:
            return _("系统")
        staff = getattr(event.actor, "staff", None)
        return staff.name if staff else event.actor.username


# --- input ---


class CaseCreateSerializer(serializers.Serializer):
    """Types and lengths; the service checks the category, location, scope and contact."""

    category = serializers.CharField(max_length=20, help_text="类别编码,见 case-categories")
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.HOTLINE)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    description = serializers.CharField(max_length=MAX_DESCRIPTION, allow_blank=True)
    grid = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    lat = serializers.FloatField(required=False, allow_null=True, min_value=-90, max_value=90)
    lng = serializers.FloatField(required=False, allow_null=True, min_value=-180, max_value=180)
    reporter_resident = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    contact_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    parties = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)
    is_public = serializers.BooleanField(default=False)
    extra = serializers.DictField(required=False, help_text="类别附加问题的回答")


class ActionSerializer(serializers.Serializer):
    expected_version = serializers.IntegerField(min_value=1, help_text="读取时的 version")
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    params = serializers.DictField(
        required=False,
        help_text="操作参数:to_staff / to_room / to_department(派遣对象编号)、days、"
        "rating、stars、into(主件编号)、route",
    )


class FollowUpSerializer(serializers.Serializer):
    expected_version = serializers.IntegerField(min_value=1)
    rating = serializers.ChoiceField(choices=Rating.choices)
    stars = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True)


M = TypeVar("M", bound="Model")


def _object_or_400(qs: QuerySet[M], pk: object, field: str) -> M | None:
    if pk in (None, ""):
        return None
    if not str(pk).isdigit() or len(str(pk)) > 18:
        raise exceptions.ValidationError({field: [_("应为数字编号")]})
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise exceptions.ValidationError({field: [_("对象不存在,或不在您的管辖范围内")]})
    return obj


def action_params(user: AnyUser, raw: dict) -> dict:
    """JSON params → the objects the service expects, each read through the user's scope."""
    out: dict = {}
    for key, model in (("to_staff", Staff), ("to_room", Room), ("to_department", Department)):
        if key in raw:
            out[key] = _object_or_400(model.objects.restrict(user), raw[key], key)
    for key in ("days", "stars"):
        if key in raw:
            out[key] = raw[key]
    if "rating" in raw:
        out["rating"] = raw["rating"] if raw["rating"] in Rating.values else None
    if "route" in raw:
        out["route"] = raw["route"] if raw["route"] in DivertRoute.values else None
    if "into" in raw:
        out["into"] = case_list_for(user).filter(number=str(raw["into"])[:20]).first()
    if "resolved" in raw:
        out["resolved"] = bool(raw["resolved"])
    return out


# --- viewsets ---


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("inbox", OpenApiTypes.STR, enum=list(INBOXES), description="收件箱"),
            OpenApiParameter("category", OpenApiTypes.STR, description="类别编码(含子类)"),
            OpenApiParameter("channel", OpenApiTypes.STR, enum=Channel.values),
            OpenApiParameter("urgency", OpenApiTypes.STR, enum=Urgency.values),
            OpenApiParameter("state", OpenApiTypes.STR, enum=State.values),
            OpenApiParameter("grid", OpenApiTypes.INT, description="网格编号(含下级)"),
        ]
    ),
    retrieve=extend_schema(
        parameters=[OpenApiParameter("ref", OpenApiTypes.STR, OpenApiParameter.PATH)]
    ),
)
class CaseViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = CaseSerializer
    lookup_field = "ref"
    lookup_value_regex = CASE_REF
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    # Workflow actions are checked by the service (role, scope, assignee), not by CHANGE.
    read_actions = frozenset({"list", "retrieve", "timeline", "act", "follow_up"})

    def scoped_queryset(self, user: AnyUser, action: str) -> QuerySet[Case]:
        return (
            case_list_for(user, action=action)
            .select_related("category__parent", "owning_grid", "reporter_resident")
            .order_by("-created_at", "-pk")
        )

    def get_object(self) -> Case:
        ref = self.kwargs["ref"]
        lookup = {"number": ref} if ref.startswith("SJ") else {"pk": int(ref)}
        case = self.get_queryset().filter(**lookup).first()
        if case is None:
            raise Http404
        return case

    def filter_queryset(self, qs: QuerySet[Any]) -> QuerySet[Any]:
        if self.action != "list":
            return qs
        req = self.request
        inbox = choice_param(req, "inbox", _Choices(INBOXES))
        if inbox:
            qs = qs.filter(inbox_q(req.user, inbox))
        state = choice_param(req, "state", State)
        if state:
            qs = qs.filter(state=state)
        code = text_param(req, "category", max_length=20)
        category = Category.objects.filter(code=code).first() if code else None
        if code and category is None:
            raise exceptions.ValidationError({"category": [_("未知的事件类别")]})
        return case_filter(
            qs,
            category=category,
            channel=choice_param(req, "channel", Channel),
            urgency=choice_param(req, "urgency", Urgency),
            grid=grid_from_param(req, "grid"),
        )

    def represent(self, case: Case) -> dict:  # type: ignore[override]  # the case itself, not its pk
        fresh = self.scoped_queryset(self.request.user, "view").filter(pk=case.pk).first()
        return self.get_serializer(fresh or case).data

    @extend_schema(
        request=CaseCreateSerializer,
        responses={201: CaseSerializer, 200: CaseSerializer},
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="同一键重复提交时返回第一次创建的事件(200),不会重复创建",
            )
        ],
    )
    def create(self, request: Request) -> Response:
        user = self.actor
        raw_key = request.headers.get("Idempotency-Key", "").strip()
        if len(raw_key) > MAX_KEY or "\x00" in raw_key:
            raise exceptions.ValidationError(
                {"Idempotency-Key": [_("不能超过%(max)s个字符") % {"max": MAX_KEY}]}
            )
        key = f"api:{user.pk}:{raw_key}" if raw_key else None
        if key and (first := Case.objects.filter(idempotency_key=key).first()):
            return Response(self.represent(first), status=status.HTTP_200_OK)
        serializer = CaseCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data["grid"] = _object_or_400(Grid.objects.restrict(user), data.get("grid"), "grid")
        data["reporter_resident"] = _object_or_400(
            resident_list_for(user), data.get("reporter_resident"), "reporter_resident"
        )
        case = case_create(
            by=user, idempotency_key=key, attachments=request.FILES.getlist("attachments"), **data
        )
        return Response(self.represent(case), status=status.HTTP_201_CREATED)

    @extend_schema(responses=CaseEventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def timeline(self, request: Request, ref: str | None = None) -> Response:
        case = self.get_object()
        events = case.events.select_related("actor__staff").order_by("at", "pk")
        return Response(CaseEventSerializer(events, many=True).data)

    @extend_schema(
        request=ActionSerializer,
        responses={200: CaseSerializer},
        parameters=[
            OpenApiParameter("action_name", OpenApiTypes.STR, OpenApiParameter.PATH, enum=ACTIONS)
        ],
    )
    @action(detail=True, methods=["post"], url_path=r"actions/(?P<action_name>[a-z_]{1,30})")
    def act(
        self, request: Request, ref: str | None = None, action_name: str | None = None
    ) -> Response:
        """Perform one workflow action; a stale expected_version answers 409."""
        if action_name not in ACTIONS:
            raise Http404
        serializer = ActionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        params = action_params(request.user, data.get("params") or {})
        return self._act(action_name, data["expected_version"], data.get("comment", ""), params)

    @extend_schema(request=FollowUpSerializer, responses={200: CaseSerializer})
    @action(detail=True, methods=["post"], url_path="follow-up")
    def follow_up(self, request: Request, ref: str | None = None) -> Response:
        """回访评价: 满意 / 基本满意 / 不满意 (which reopens the case), 1–5 stars."""
        serializer = FollowUpSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        params = {"rating": d["rating"], "stars": d["stars"]}
        return self._act("follow_up", d["expected_version"], d.get("comment", ""), params)

    def _act(self, action_name: str, version: int, comment: str, params: dict) -> Response:
        case = self.get_object()
        try:
            case_act(
                case=case,
                by=self.actor,
                action=action_name,
                expected_version=version,
                comment=comment,
                attachments=self.request.FILES.getlist("attachments"),
                **params,
            )
        except (StaleCase, TransitionError) as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        return Response(self.represent(case))


class _Choices:
    """choice_param wants .values and .choices; inbox names are plain strings."""

    def __init__(self, values: Iterable[str]) -> None:
        self.values = list(values)
        self.choices = [(v, v) for v in values]


class CategoryViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The active category catalogue (two levels; `parent` is the parent's code)."""

    serializer_class = CategorySerializer
    pagination_class = None

    def get_queryset(self) -> QuerySet[Category]:
        return (
            Category.objects.filter(active=True).select_related("parent").order_by("order", "code")
        )
