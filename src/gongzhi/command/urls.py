"""The command center (综治指挥中心): /command/ for the leader, /command/wall/ for the wall."""

from django.urls import path

from . import views

app_name = "command"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("wall/", views.wall, name="wall"),
    path("report.pdf", views.report_pdf, name="report"),
    path("api/<slug:name>/", views.panel_json, name="panel"),
    path("api/<slug:name>.xlsx", views.panel_xlsx, name="panel_xlsx"),
]
