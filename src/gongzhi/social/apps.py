from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SocialConfig(AppConfig):
    name = "gongzhi.social"
    label = "social"
    verbose_name = _("社会组织工作室")
