from django.urls import path

from . import views

app_name = "realtime"
urlpatterns: list = [
    path("call/", views.call_page, name="call"),
    path("call/<int:pk>/", views.call_status, name="call_status"),
    path("staff/", views.staff_console, name="staff_console"),
    path("staff/alerts/", views.staff_alerts, name="staff_alerts"),
    path("call/<int:pk>/ack/", views.call_ack, name="call_ack"),
    path("call/<int:pk>/cancel/", views.call_cancel, name="call_cancel"),
    path("live/", views.live_list, name="live_list"),
    path("live/new/", views.live_create, name="live_create"),
    path("live/<int:pk>/", views.live_room, name="live_room"),
    path("live/<int:pk>/events/", views.live_events, name="live_events"),
    path("live/<int:pk>/ask/", views.live_ask, name="live_ask"),
    path("live/<int:pk>/end/", views.live_end, name="live_end"),
    path("live/q/<int:pk>/like/", views.live_like, name="live_like"),
    path("live/q/<int:pk>/<str:action>/", views.live_host, name="live_host"),
]
