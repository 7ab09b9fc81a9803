from django.apps import AppConfig


class CounselingConfig(AppConfig):
    name = "gongzhi.counseling"
    label = "counseling"
    verbose_name = "心理咨询室"
