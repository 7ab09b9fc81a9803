"""KPI pages (see cases/kpis/ and docs/kpis.md)."""

from django.urls import path

from . import kpi_views

app_name = "kpis"
urlpatterns = [
    path("", kpi_views.kpi_home, name="home"),
    path("grid/<int:pk>/", kpi_views.kpi_grid, name="grid"),
    path("grid/<int:pk>/export.xlsx", kpi_views.kpi_export, name="export"),
]
