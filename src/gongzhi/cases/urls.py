"""The cases app's pages under three prefixes, each with its own namespace: `cases:` (the
case handling, under cases/), `consultations:` (joint consultations) and `kpis:` (KPI pages,
see cases/kpis/ and docs/kpis.md); gongzhi/urls.py includes each list."""

from django.urls import path

from .views import callback, consultations, handling, kpis, maps

app_name = "cases"
urlpatterns = [
    path("", handling.case_inbox, name="inbox"),
    path("new/", handling.case_create_view, name="create"),
    path("new/reporters/", handling.reporter_search, name="reporter_search"),
    path("export.xlsx", handling.case_export, name="export"),
    path("notifications/", handling.notification_inbox, name="notifications"),
    path("notifications/read/", handling.notification_read, name="notifications_read"),
    path("attachments/<int:pk>/", handling.attachment_download, name="attachment"),
    path("map/", maps.case_map, name="map"),
    path("map/cases.json", maps.case_map_data, name="map_points"),
    path("<str:ref>/", handling.case_detail, name="detail"),
    path("<str:ref>/act/<str:action>/", handling.case_action, name="act"),
    path("<str:ref>/callback/", callback.case_callback_view, name="callback"),
]

# Included as ("consultations/", namespace "consultations").
consultation_patterns = [
    path("", consultations.consultation_calendar, name="calendar"),
    path("new/<str:ref>/", consultations.consultation_new, name="new"),
    path(
        "new/dispute/<str:ref>/",
        consultations.consultation_new,
        {"kind": "dispute"},
        name="new_dispute",
    ),
    path(
        "new/alert/<str:ref>/",
        consultations.consultation_new,
        {"kind": "alert"},
        name="new_alert",
    ),
    path("<int:pk>/", consultations.consultation_detail, name="detail"),
    path("<int:pk>/respond/", consultations.consultation_respond, name="respond"),
    path("<int:pk>/record/", consultations.consultation_record, name="record"),
    path("<int:pk>/opinion/", consultations.consultation_opinion, name="opinion"),
    path("<int:pk>/tasks/", consultations.consultation_task_add, name="task_add"),
    path(
        "<int:pk>/tasks/<int:task_pk>/done/",
        consultations.consultation_task_done,
        name="task_done",
    ),
]

# Included as ("kpis/", namespace "kpis").
kpi_patterns = [
    path("", kpis.kpi_home, name="home"),
    path("grid/<int:pk>/", kpis.kpi_grid, name="grid"),
    path("grid/<int:pk>/export.xlsx", kpis.kpi_export, name="export"),
]
