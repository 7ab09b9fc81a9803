from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "gongzhi.realtime"
    label = "realtime"
    verbose_name = "实时消息"
