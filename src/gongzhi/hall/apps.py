from django.apps import AppConfig


class HallConfig(AppConfig):
    name = "gongzhi.hall"
    label = "hall"
    verbose_name = "群众接待大厅"
