from django.apps import AppConfig


class CardsConfig(AppConfig):
    name = "gongzhi.cards"
    label = "cards"
    verbose_name = "民情连心卡"
