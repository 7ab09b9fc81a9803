"""/api/v1/cases/suggest/ and /api/v1/alerts/.

Suggest writes nothing: a category for a text (the trained model, or the keyword table
before one exists) and the open cases the text probably duplicates, read through the
caller's scope. Alerts are listed through restrict() and the kind rules
(intel.permissions); acknowledging and closing go through intel.services.
"""

from __future__ import annotations

import math

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from gongzhi.cases.models import Case
from gongzhi.cases.selectors import case_list_for
from gongzhi.cases.services import MAX_DESCRIPTION
from gongzhi.core.access import role_of
from gongzhi.core.api import ScopedViewSetMixin, choice_param
from gongzhi.core.text import clean_text
from gongzhi.grids.models import Grid

from .duplicates import duplicates_for
from .models import Alert, AlertKind, AlertState
from .selectors import alert_list_for
from .services import alert_acknowledge, alert_close
from .suggest import suggest_category


class StaffOnly(BasePermission):
    message = _("仅工作人员可以使用该接口")

    def has_permission(self, request, view) -> bool:
        return role_of(request.user) is not None


# --- suggest -------------------------------------------------------------------------------


class SuggestInputSerializer(serializers.Serializer):
    text = serializers.CharField(help_text="居民或工作人员描述的问题(最多4000字)")
    grid = serializers.CharField(
        required=False, allow_blank=True, max_length=40, help_text="网格编码(可选)"
    )
    lat = serializers.FloatField(required=False, allow_null=True, min_value=-90, max_value=90)
    lng = serializers.FloatField(required=False, allow_null=True, min_value=-180, max_value=180)

    def validate_text(self, value: str) -> str:
        try:
            return clean_text(value, field="text", label=_("问题描述"), max_length=MAX_DESCRIPTION)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict["text"]) from None

    def validate(self, data: dict) -> dict:
        lat, lng = data.get("lat"), data.get("lng")
        if (lat is None) != (lng is None):
            raise serializers.ValidationError({"lat": [_("经纬度需同时提供")]})
        if lat is not None and lng is not None and not (math.isfinite(lat) and math.isfinite(lng)):
            raise serializers.ValidationError({"lat": [_("经纬度应为有效数字")]})
        return data


class ChoiceSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class AlternativeSerializer(ChoiceSerializer):
    confidence = serializers.FloatField()


class DuplicateSerializer(serializers.Serializer):
    number = serializers.CharField()
    title = serializers.CharField()
    score = serializers.FloatField(help_text="文本相似度(0–1)")


class SuggestSerializer(serializers.Serializer):
    category = ChoiceSerializer(allow_null=True, help_text="建议的一级类别")
    confidence = serializers.FloatField(help_text="0–1")
    subcategory = ChoiceSerializer(allow_null=True, help_text="一级类别下最可能的具体类别")
    alternatives = AlternativeSerializer(many=True, help_text="其他可能的一级类别(最多3个)")
    duplicates = DuplicateSerializer(many=True, help_text="可能重复的未办结事件")
    # A field named like DRF's Field.source (the attribute it reads).
    source = serializers.ChoiceField(choices=["model", "keywords", "none"])  # type: ignore[assignment]
    model_version = serializers.IntegerField(allow_null=True)


def _choice(category) -> dict | None:
    return {"code": category.code, "name": category.name} if category is not None else None


class SuggestView(APIView):
    """建议类别与疑似重复:不写入任何数据。"""

    permission_classes = [IsAuthenticated, StaffOnly]

    @extend_schema(request=SuggestInputSerializer, responses={200: SuggestSerializer})
    def post(self, request):
        data = SuggestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        grid = None
        if code := (d.get("grid") or "").strip():
            grid = Grid.objects.restrict(request.user).filter(code=code).first()
            if grid is None:
                raise exceptions.ValidationError(
                    {"grid": [_("网格编码不存在或不在您的管辖范围内")]}
                )
        s = suggest_category(d["text"])
        dups = duplicates_for(
            text=d["text"],
            grid=grid,
            lat=d.get("lat"),
            lng=d.get("lng"),
            within=case_list_for(request.user),
        )
        body = {
            "category": _choice(s.category), "confidence": s.confidence,
            "subcategory": _choice(s.subcategory),
            "alternatives": [{**_choice(a.category), "confidence": a.confidence}
                             for a in s.alternatives],
            "duplicates": [{"number": x.number, "title": x.title, "score": x.score}
                           for x in dups],
            "source": s.source, "model_version": s.version,
        }  # fmt: skip
        return Response(SuggestSerializer(body).data)


# --- alerts --------------------------------------------------------------------------------


class AlertSerializer(serializers.ModelSerializer):
    # A plain string: an enum named "kind" would clash with other apps' "kind" enums.
    kind = serializers.CharField(help_text="预警类型:" + " / ".join(AlertKind.values))
    grid = serializers.CharField(source="grid.code", help_text="网格编码")
    grid_name = serializers.CharField(source="grid.full_name")
    cases = serializers.SerializerMethodField(help_text="关联事件编号(您有权查看的)")

    class Meta:
        model = Alert
        fields = [
            "id",
            "kind",
            "severity",
            "grid",
            "grid_name",
            "reason",
            "cases",
            "created_at",
            "state",
            "note",
            "acknowledged_at",
            "closed_at",
        ]
        read_only_fields = fields

    def get_cases(self, alert: Alert) -> list[str]:
        return [c.number for c in alert.visible_cases]  # type: ignore[attr-defined]  # prefetched to_attr


class AlertNoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("state", OpenApiTypes.STR, enum=AlertState.values),
            OpenApiParameter("kind", OpenApiTypes.STR, enum=AlertKind.values),
        ]
    )
)
class AlertViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """预警:列表与详情;签收、关闭由负责的科室处理。"""

    serializer_class = AlertSerializer
    read_actions = frozenset({"list", "retrieve", "acknowledge", "close"})  # checked by services

    def scoped_queryset(self, user, action: str):
        visible = Case.objects.restrict(user).only("pk", "number").order_by("-created_at")
        return alert_list_for(user).prefetch_related(
            Prefetch("cases", queryset=visible, to_attr="visible_cases")
        )

    def filter_queryset(self, qs):
        if self.action == "list":
            state = choice_param(self.request, "state", AlertState)
            kind = choice_param(self.request, "kind", AlertKind)
            qs = qs.filter(**{k: v for k, v in (("state", state), ("kind", kind)) if v})
        return qs

    def _act(self, service, request):
        alert = self.get_object()
        data = AlertNoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        service(by=request.user, alert=alert, note=data.validated_data.get("note", ""))
        return Response(self.get_serializer(self.get_queryset().get(pk=alert.pk)).data)

    @extend_schema(request=AlertNoteSerializer, responses={200: AlertSerializer})
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        return self._act(alert_acknowledge, request)

    @extend_schema(request=AlertNoteSerializer, responses={200: AlertSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """关闭预警:须填写处理说明。"""
        return self._act(alert_close, request)
