"""KPI pages (see kpis.py)."""

app_name = "kpis"
urlpatterns: list = []
