"""/api/v1/grids/: the grid tree, read-only, scoped to the user's subtrees."""

from django.db.models import OuterRef, Subquery
from django.db.models.functions import Length, Substr
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from gongzhi.core.api import ScopedViewSetMixin, id_param, text_param
from gongzhi.core.paths import subtree_q
from gongzhi.grids.models import Grid, Level
from gongzhi.grids.selectors import grid_children, grid_subtree_summary, grids_search


def grid_from_param(request, name: str = "grid") -> Grid | None:
    """A grid named in the query string; any grid may be used as a filter bound."""
    pk = id_param(request, name)
    if pk is None:
        return None
    grid = Grid.objects.filter(pk=pk).first()
    if grid is None:
        raise exceptions.ValidationError({name: [_("网格不存在")]})
    return grid


def with_parent_pk(qs):
    """Annotate each grid with its parent's id: one indexed lookup on the unique path."""
    parent_path = Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Grid.steplen)
    parents = Grid.objects.filter(path=parent_path).order_by().values("pk")[:1]
    return qs.annotate(parent_pk=Subquery(parents))


class GridSerializer(serializers.ModelSerializer):
    # A field named like DRF's Field.parent (the serializer a field belongs to).
    parent = serializers.IntegerField(  # type: ignore[assignment]
        source="parent_pk", read_only=True, allow_null=True
    )
    level_label = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = Grid
        fields = ["id", "code", "name", "full_name", "level", "level_label", "parent", "numchild"]
        read_only_fields = fields


class GridCountsSerializer(serializers.Serializer):
    households = serializers.IntegerField(default=0)
    residents = serializers.IntegerField(default=0)
    care_targets = serializers.IntegerField(default=0)
    workers = serializers.IntegerField(default=0)


class GridChildSummarySerializer(GridSerializer):
    counts = GridCountsSerializer()

    class Meta(GridSerializer.Meta):
        fields = [*GridSerializer.Meta.fields, "counts"]


class GridWorkerBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    role = serializers.CharField()


class GridSummarySerializer(serializers.Serializer):
    grid = GridSerializer()
    total = GridCountsSerializer()
    children = GridChildSummarySerializer(many=True)
    workers = GridWorkerBriefSerializer(many=True)


_COUNT_KEYS = tuple(GridCountsSerializer().fields)


def _counts(raw: dict) -> dict[str, int]:
    return {key: raw.get(key, 0) for key in _COUNT_KEYS}


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("parent", OpenApiTypes.INT, description="上级网格编号(只列直接下级)"),
            OpenApiParameter("level", OpenApiTypes.INT, enum=Level.values, description="网格层级"),
            OpenApiParameter("q", OpenApiTypes.STR, description="名称包含或编码前缀"),
        ]
    )
)
class GridViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = GridSerializer

    def scoped_queryset(self, user, action: str):
        return with_parent_pk(Grid.objects.restrict(user, action))

    def filter_queryset(self, qs):
        if self.action != "list":
            return qs
        parent = grid_from_param(self.request, "parent")
        if parent is not None:
            qs = qs.filter(subtree_q("path", parent.path), depth=parent.depth + 1)
        level = id_param(self.request, "level")
        if level is not None:
            if level not in Level.values:
                raise exceptions.ValidationError({"level": [_("层级应为0到5")]})
            qs = qs.filter(level=level)
        return grids_search(qs, text_param(self.request, "q"))

    @extend_schema(responses=GridSummarySerializer)
    @action(detail=True, methods=["get"])
    def summary(self, request, pk=None):
        """The grid's subtree counts and each child's counts (households, residents, ...)."""
        grid = self.get_object()
        children = list(with_parent_pk(grid_children(grid)))
        summary = grid_subtree_summary(grid, children)
        for child in children:
            child.counts = _counts(summary["children"].get(child.path, {}))
        data = {
            "grid": grid,
            "total": _counts(summary["total"]),
            "children": children,
            "workers": summary["workers"],
        }
        return Response(GridSummarySerializer(data).data)
