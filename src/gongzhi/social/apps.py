from django.apps import AppConfig


class SocialConfig(AppConfig):
    name = "gongzhi.social"
    label = "social"
    verbose_name = "社会组织工作室"
