from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "gongzhi.core"
    label = "core"
    verbose_name = _("核心")

    def ready(self) -> None:
        from django.conf import settings

        from gongzhi.core import checks, login_throttle  # noqa: F401 - registers checks, signals

        if any(
            db["ENGINE"] == "django.db.backends.postgresql" for db in settings.DATABASES.values()
        ):
            from gongzhi.core.inserts import widen_statement_cache

            widen_statement_cache()
