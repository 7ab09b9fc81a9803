from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CardsConfig(AppConfig):
    name = "gongzhi.cards"
    label = "cards"
    verbose_name = _("民情连心卡")
