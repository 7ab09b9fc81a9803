from django.apps import AppConfig


class WorkbenchConfig(AppConfig):
    name = "gongzhi.workbench"
    label = "workbench"
    verbose_name = "网格员工作台"
