from django.apps import AppConfig


class MediationConfig(AppConfig):
    name = "gongzhi.mediation"
    label = "mediation"
    verbose_name = "矛盾纠纷调解室"
