from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "gongzhi.portal"
    label = "portal"
    verbose_name = _("金泉之窗")
