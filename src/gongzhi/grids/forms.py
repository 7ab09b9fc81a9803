"""Form helpers shared by grid-scoped pages: the grid picker and the grid filter."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from gongzhi.core.forms import BootstrapMixin
from gongzhi.grids.models import Grid
from gongzhi.grids.navigation import grid_in_scope_by_pk, grid_picker_choices


class LongSelect(forms.Select):
    """A Select for long option lists (1,500+ grids): Django's per-option templates are slow."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        selected = "" if value is None else str(value)
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((v, " selected" if str(v) == selected else "", label) for v, label in self.choices),
        )
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(attrs), options)


class GridFilterForm(BootstrapMixin, forms.Form):
    """A GET filter form with a `grid` picker limited to the user's subtree."""

    # A CharField with a Select, so clean_grid (not the choice list) judges foreign grids.
    grid = forms.CharField(label=_("网格"), required=False, widget=LongSelect)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        choices = grid_picker_choices(user)
        wanted = self.data.get("grid") if self.is_bound else None
        if wanted and wanted not in {pk for pk, _label in choices}:
            # A deeper grid linked from the tree: offer it so the picker shows the filter.
            grid = grid_in_scope_by_pk(user, wanted)
            if grid is not None:
                choices.append((str(grid.pk), grid.full_name or grid.name))
        self.fields["grid"].widget.choices = [("", _("全部网格")), *choices]

    def clean_grid(self) -> Grid | None:
        value = self.cleaned_data.get("grid")
        if not value:
            return None
        grid = grid_in_scope_by_pk(self.user, value)
        if grid is None:
            raise ValidationError(_("网格不存在或不在您的管辖范围内"))
        return grid
