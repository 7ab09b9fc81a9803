from django.urls import path

from .views import resident, scheduling, sessions

app_name = "counseling"
urlpatterns = [
    path("", sessions.calendar, name="calendar"),
    path("notes/", sessions.note_list, name="note_list"),
    path("notes/<int:pk>/", sessions.note_detail, name="note_detail"),
    path("appointments/<int:appointment_pk>/note/", sessions.note_create, name="note_create"),
    path("stats/", sessions.stats, name="stats"),
    path("slots/new/", scheduling.slot_new, name="slot_new"),
    path("slots/<int:pk>/cancel/", scheduling.slot_cancel, name="slot_cancel"),
    path(
        "appointments/<int:pk>/cancel/",
        scheduling.appointment_cancel,
        name="appointment_cancel",
    ),
    path("requests/", scheduling.request_list, name="request_list"),
    path("requests/<int:pk>/schedule/", scheduling.request_schedule, name="request_schedule"),
    path("requests/<int:pk>/decline/", scheduling.request_decline, name="request_decline"),
    path("supervision/", scheduling.supervision, name="supervision"),
    path(
        "supervision/<int:pk>/revoke/",
        scheduling.supervision_revoke,
        name="supervision_revoke",
    ),
    path("ask/", resident.ask, name="resident_ask"),  # resident session (portal)
]
