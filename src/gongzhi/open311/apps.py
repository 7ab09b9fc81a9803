from django.apps import AppConfig


class Open311Config(AppConfig):
    name = "gongzhi.open311"
    label = "open311"
    verbose_name = "Open311 开放接口"
