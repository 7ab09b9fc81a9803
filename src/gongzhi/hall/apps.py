from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HallConfig(AppConfig):
    name = "gongzhi.hall"
    label = "hall"
    verbose_name = _("群众接待大厅")
