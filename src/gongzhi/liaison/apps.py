from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiaisonConfig(AppConfig):
    name = "gongzhi.liaison"
    label = "liaison"
    verbose_name = _("警民联络室")
