"""Grid admin. Every tree change goes through grids.services so codes, paths and full names
stay consistent; treebeard's drag-and-drop move is deliberately not offered."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gongzhi.grids.models import Grid, Level

# grids.geometry and grids.services load numpy and shapely (~18 MB in every process): the admin
# imports them when a grid is saved, not when Django starts (issue 19, memory).

PLAIN_FIELDS = ("boundary", "center_lat", "center_lng", "is_synthetic")


class GridAdminForm(forms.ModelForm):
    parent_code = forms.CharField(label=_("上级网格编码"), required=False, max_length=40)

    class Meta:
        model = Grid
        fields = ("name", *PLAIN_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["parent_code"].label = _("移动到(新上级网格编码)")
            self.fields["parent_code"].help_text = _("留空则不移动;下级网格的编码会随之更新")
        else:
            self.fields["parent_code"].required = True

    def clean_boundary(self):
        """A boundary typed in the admin passes the same checks as an imported one."""
        from gongzhi.grids.geometry import GeometryError, as_geojson, parse

        boundary = self.cleaned_data.get("boundary")
        if boundary is None:
            return None
        try:
            return as_geojson(parse(boundary))
        except GeometryError as exc:
            raise ValidationError(str(exc)) from None

    def clean_parent_code(self) -> Grid | None:
        code = (self.cleaned_data.get("parent_code") or "").strip()
        if not code:
            return None
        parent = Grid.objects.filter(code=code).first()
        if parent is None:
            raise ValidationError(_("没有这个编码的网格"))
        grid = self.instance
        if grid.pk is None:
            if parent.level >= Level.UNIT:
                raise ValidationError(_("五级网格(单元楼)下不能再划分网格"))
            return parent
        if parent.path == grid.path[: -Grid.steplen]:
            return None  # already there
        if parent.path.startswith(grid.path):
            raise ValidationError(_("不能把网格移动到它自己的下级"))
        if parent.level != grid.level - 1:
            raise ValidationError(_("只能移动到上一级网格之下"))
        return parent


@admin.register(Grid)
class GridAdmin(admin.ModelAdmin):
    form = GridAdminForm
    list_display = ("code", "name", "level", "full_name", "is_synthetic")
    list_filter = ("level", "is_synthetic")
    search_fields = ("^code", "name")
    ordering = ("path",)
    list_per_page = 100
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        return ("code", "level", "full_name", "path", "depth", "numchild") if obj else ()

    def has_delete_permission(self, request, obj=None):
        return False  # households and residents hang off grids; retire them by moving

    def save_model(self, request, obj, form, change):
        from gongzhi.grids.services import grid_add_child, grid_boundary_set, grid_move, grid_rename

        plain = {f: form.cleaned_data[f] for f in PLAIN_FIELDS}
        parent = form.cleaned_data.get("parent_code")
        if not change:
            created = grid_add_child(parent=parent, name=obj.name, **plain)
            obj.pk = created.pk
        else:
            stored = Grid.objects.get(pk=obj.pk)
            boundary = plain.pop("boundary")
            Grid.objects.filter(pk=obj.pk).update(**plain)
            if boundary != stored.boundary:
                stored = grid_boundary_set(grid=stored, boundary=boundary)
            if obj.name != stored.name:
                stored = grid_rename(grid=stored, name=obj.name)
            if parent is not None:
                grid_move(grid=stored, new_parent=parent)
        obj.refresh_from_db()
