from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "gongzhi.cases"
    label = "cases"
    verbose_name = "事件"

    def ready(self) -> None:
        from . import policies  # noqa: F401 - connects the policy-cache signals
