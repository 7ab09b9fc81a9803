"""/api/v1/residents/ and /api/v1/households/.

Every representation is masked (name, ID number, phone); only the audited
`POST residents/{id}/reveal/` returns full values. Special-population tags are hidden from
users without VIEW_SPECIAL because tags are read through ResidentTag.objects.restrict.
"""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from gongzhi.core.api import ScopedViewSetMixin, choice_param, text_param
from gongzhi.core.paths import subtree_q
from gongzhi.grids.api import grid_from_param
from gongzhi.grids.models import Grid
from gongzhi.people.models import Household, Resident, ResidentKind, ResidentTag, Tag
from gongzhi.people.selectors import household_list_for, resident_list_for, resident_search
from gongzhi.people.services import (
    StaleResident,
    household_create,
    resident_create,
    resident_reveal,
    resident_update,
)

# --- representations (always masked) ---


class ResidentTagSerializer(serializers.ModelSerializer):
    # A field named like DRF's Field.label (its title in forms).
    label = serializers.CharField(source="get_tag_display")  # type: ignore[assignment]
    # A plain string: a second "kind" enum would clash with Resident.kind in the schema.
    kind = serializers.CharField(help_text="care(关爱对象)或 special(重点人员)")

    class Meta:
        model = ResidentTag
        fields = ["tag", "label", "kind"]
        read_only_fields = fields


class MaskedResidentFields(serializers.ModelSerializer):
    name = serializers.CharField(source="masked_name", help_text="姓名(已脱敏)")
    id_number = serializers.CharField(source="masked_id_number", help_text="身份证号(已脱敏)")
    phone = serializers.CharField(source="masked_phone", help_text="电话(已脱敏)")

    class Meta:
        model = Resident
        fields = ["id", "name", "id_number", "phone", "gender", "kind", "relation"]
        read_only_fields = fields


class ResidentSerializer(MaskedResidentFields):
    grid_name = serializers.CharField(source="grid.full_name")
    tags = ResidentTagSerializer(source="visible_tags", many=True)

    class Meta(MaskedResidentFields.Meta):
        fields = [
            *MaskedResidentFields.Meta.fields,
            "household",
            "grid",
            "grid_name",
            "tags",
            "is_synthetic",
            "version",
        ]
        read_only_fields = fields


class HouseholdSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.full_name")
    members = MaskedResidentFields(source="visible_members", many=True)

    class Meta:
        model = Household
        fields = ["id", "unit", "unit_name", "house_number", "members", "is_synthetic"]
        read_only_fields = fields


# --- input ---


def _user(serializer):
    """The requesting user; anonymous (so an empty scope) when the schema generator asks."""
    request = serializer.context.get("request")
    return request.user if request is not None else AnonymousUser()


class ResidentUpdateSerializer(serializers.Serializer):
    """Types and lengths only; the service validates the ID checksum, phone and choices."""

    name = serializers.CharField(max_length=50)
    id_number = serializers.CharField(max_length=30)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    kind = serializers.CharField(max_length=20, required=False, allow_blank=True)
    relation = serializers.CharField(max_length=20, required=False, allow_blank=True)
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text="编辑所依据的版本号(读取时的 version);已被他人修改时返回 409",
    )


class ResidentCreateSerializer(ResidentUpdateSerializer):
    household = serializers.PrimaryKeyRelatedField(queryset=Household.objects.none())
    version = None  # type: ignore[assignment]  # a new record has no version yet

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Out-of-scope households answer "does not exist", like unknown ones.
        user = _user(self)
        self.fields["household"].queryset = household_list_for(user, action="change")


class HouseholdCreateSerializer(serializers.Serializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=Grid.objects.none())
    house_number = serializers.CharField(max_length=30)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Grid.objects.restrict(_user(self), "change")


class RevealRequestSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, allow_blank=True, help_text="查看事由")


class RevealedSerializer(serializers.Serializer):
    name = serializers.CharField()
    id_number = serializers.CharField()
    phone = serializers.CharField(allow_blank=True)


# --- viewsets ---


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="姓名、身份证号后4位、电话或地址"),
            OpenApiParameter("grid", OpenApiTypes.INT, description="网格编号(含下级)"),
            OpenApiParameter("tag", OpenApiTypes.STR, enum=Tag.values, description="人员标签"),
            OpenApiParameter("kind", OpenApiTypes.STR, enum=ResidentKind.values),
        ]
    )
)
class ResidentViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ResidentSerializer
    read_actions = frozenset({"list", "retrieve", "reveal"})

    def scoped_queryset(self, user, action: str):
        tags = ResidentTag.objects.restrict(user).order_by("tag")
        return (
            resident_list_for(user, action=action)
            .prefetch_related(Prefetch("tags", queryset=tags, to_attr="visible_tags"))
            .order_by("id")
        )

    def filter_queryset(self, qs):
        if self.action != "list":
            return qs
        return resident_search(
            qs,
            q=text_param(self.request, "q"),
            grid=grid_from_param(self.request, "grid"),
            tag=choice_param(self.request, "tag", Tag),
            kind=choice_param(self.request, "kind", ResidentKind),
            user=self.request.user,
        )

    @extend_schema(request=ResidentCreateSerializer, responses={201: ResidentSerializer})
    def create(self, request):
        data = self.validated(ResidentCreateSerializer)
        resident = resident_create(by=request.user, **data)
        return Response(self.represent(resident.pk), status=status.HTTP_201_CREATED)

    @extend_schema(request=ResidentUpdateSerializer, responses=ResidentSerializer)
    def update(self, request, pk=None):
        return self._update(partial=False)

    @extend_schema(request=ResidentUpdateSerializer(partial=True), responses=ResidentSerializer)
    def partial_update(self, request, pk=None):
        return self._update(partial=True)

    def _update(self, *, partial: bool) -> Response:
        resident = self.get_object()
        data = self.validated(ResidentUpdateSerializer, partial=partial)
        # PATCH keeps what was not sent; PUT replaces every field.
        current = {
            "name": resident.name,
            "id_number": resident.id_number,
            "phone": resident.phone,
            "kind": resident.kind,
            "relation": resident.relation,
        }
        fields = (current | data) if partial else data
        fields["expected_version"] = fields.pop("version", None)
        try:
            resident_update(by=self.actor, resident=resident, **fields)
        except StaleResident as exc:
            return Response(exc.message_dict, status=status.HTTP_409_CONFLICT)
        return Response(self.represent(resident.pk))

    @extend_schema(request=RevealRequestSerializer, responses=RevealedSerializer)
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        """Full name, ID number and phone; needs the reveal permission and writes an audit row."""
        resident = self.get_object()
        reason = self.validated(RevealRequestSerializer)["reason"]
        values = resident_reveal(by=request.user, resident=resident, reason=reason, request=request)
        return Response(RevealedSerializer(values).data)


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("grid", OpenApiTypes.INT, description="网格编号(含下级)")]
    )
)
class HouseholdViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = HouseholdSerializer

    def scoped_queryset(self, user, action: str):
        members = Resident.objects.restrict(user).order_by("id")
        return (
            household_list_for(user, action=action)
            .prefetch_related(Prefetch("members", queryset=members, to_attr="visible_members"))
            .order_by("id")
        )

    def filter_queryset(self, qs):
        if self.action != "list":
            return qs
        grid = grid_from_param(self.request, "grid")
        return qs if grid is None else qs.filter(subtree_q("unit__path", grid.path))

    @extend_schema(request=HouseholdCreateSerializer, responses={201: HouseholdSerializer})
    def create(self, request):
        data = self.validated(HouseholdCreateSerializer)
        household = household_create(by=request.user, **data)
        return Response(self.represent(household.pk), status=status.HTTP_201_CREATED)
