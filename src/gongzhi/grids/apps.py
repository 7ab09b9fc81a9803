from django.apps import AppConfig


class GridsConfig(AppConfig):
    name = "gongzhi.grids"
    label = "grids"
    verbose_name = "网格"
