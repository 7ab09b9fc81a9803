from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "gongzhi.care"
    label = "care"
    verbose_name = "关爱工作室"
