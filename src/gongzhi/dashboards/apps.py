from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "gongzhi.dashboards"
    label = "dashboards"
    verbose_name = "综合视图"
