from django.urls import path

from . import callback_views, map_views, views

app_name = "cases"
urlpatterns = [
    path("", views.case_inbox, name="inbox"),
    path("new/", views.case_create_view, name="create"),
    path("new/reporters/", views.reporter_search, name="reporter_search"),
    path("export.xlsx", views.case_export, name="export"),
    path("notifications/", views.notification_inbox, name="notifications"),
    path("notifications/read/", views.notification_read, name="notifications_read"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("map/", map_views.case_map, name="map"),
    path("map/cases.json", map_views.case_map_data, name="map_points"),
    path("<str:ref>/", views.case_detail, name="detail"),
    path("<str:ref>/act/<str:action>/", views.case_action, name="act"),
    path("<str:ref>/callback/", callback_views.case_callback_view, name="callback"),
]
