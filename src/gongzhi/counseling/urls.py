from django.urls import path

from . import views, views_calendar, views_resident

app_name = "counseling"
urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("notes/", views.note_list, name="note_list"),
    path("notes/<int:pk>/", views.note_detail, name="note_detail"),
    path("appointments/<int:appointment_pk>/note/", views.note_create, name="note_create"),
    path("stats/", views.stats, name="stats"),
    path("slots/new/", views_calendar.slot_new, name="slot_new"),
    path("slots/<int:pk>/cancel/", views_calendar.slot_cancel, name="slot_cancel"),
    path(
        "appointments/<int:pk>/cancel/",
        views_calendar.appointment_cancel,
        name="appointment_cancel",
    ),
    path("requests/", views_calendar.request_list, name="request_list"),
    path("requests/<int:pk>/schedule/", views_calendar.request_schedule, name="request_schedule"),
    path("requests/<int:pk>/decline/", views_calendar.request_decline, name="request_decline"),
    path("supervision/", views_calendar.supervision, name="supervision"),
    path(
        "supervision/<int:pk>/revoke/",
        views_calendar.supervision_revoke,
        name="supervision_revoke",
    ),
    path("ask/", views_resident.ask, name="resident_ask"),  # resident session (portal)
]
