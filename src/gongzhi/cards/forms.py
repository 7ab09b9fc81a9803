from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.cards.models import CardPrintJob
from gongzhi.cards.services import BAD_PER, OUT_OF_SCOPE
from gongzhi.core.access import grid_in_scope
from gongzhi.grids.models import Grid


class CardPrintForm(forms.Form):
    grid = forms.CharField(
        label=_("网格编码"),
        max_length=40,
        help_text=_("打印该网格及其下所有单元的连心卡,例如社区或楼院的网格编码"),
        error_messages={"required": _("请填写网格编码")},
    )
    per = forms.ChoiceField(
        label=_("打印方式"),
        choices=CardPrintJob.Per.choices,
        initial=CardPrintJob.Per.UNIT,
        error_messages={"invalid_choice": BAD_PER, "required": BAD_PER},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_grid(self) -> Grid:
        code = self.cleaned_data["grid"].strip()
        grid = Grid.objects.filter(code=code).first()
        if grid is None:
            raise forms.ValidationError(_("找不到网格编码“%(code)s”。"), params={"code": code})
        if not grid_in_scope(self.user, grid):
            raise forms.ValidationError(OUT_OF_SCOPE)
        return grid
