from django.apps import AppConfig


class LiaisonConfig(AppConfig):
    name = "gongzhi.liaison"
    label = "liaison"
    verbose_name = "警民联络室"
