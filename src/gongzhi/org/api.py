"""/api/v1/workers/: grid workers (staff with role grid_worker), read-only and scoped."""

from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from gongzhi.core.api import ScopedViewSetMixin, text_param
from gongzhi.core.paths import subtree_q
from gongzhi.core.roles import Role
from gongzhi.grids.api import grid_from_param
from gongzhi.org.models import GridAssignment, Staff


class AssignedGridSerializer(serializers.ModelSerializer):
    grid_name = serializers.CharField(source="grid.full_name")

    class Meta:
        model = GridAssignment
        fields = ["grid", "grid_name", "duty"]
        read_only_fields = fields


class WorkerSerializer(serializers.ModelSerializer):
    five_roles = serializers.ListField(
        source="five_role_labels", child=serializers.CharField(), help_text="五大员"
    )
    grids = AssignedGridSerializer(source="grid_assignments", many=True)

    class Meta:
        model = Staff
        fields = ["id", "name", "phone", "full_time", "working_hours", "five_roles", "grids"]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("grid", OpenApiTypes.INT, description="网格编号(含下级)"),
            OpenApiParameter("q", OpenApiTypes.STR, description="姓名包含"),
        ]
    )
)
class WorkerViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = WorkerSerializer

    def scoped_queryset(self, user, action: str):
        assignments = GridAssignment.objects.select_related("grid").order_by("grid__path")
        return (
            Staff.objects.restrict(user, action)
            .filter(role=Role.GRID_WORKER)
            .prefetch_related(Prefetch("grid_assignments", queryset=assignments))
            .order_by("name", "id")
        )

    def filter_queryset(self, qs):
        if self.action != "list":
            return qs
        grid = grid_from_param(self.request, "grid")
        if grid is not None:
            # The assignment join can repeat a worker; keep each once.
            qs = qs.filter(subtree_q("grid_assignments__grid__path", grid.path)).distinct()
        q = text_param(self.request, "q")
        return qs.filter(name__contains=q) if q else qs
