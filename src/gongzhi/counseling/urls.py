from django.urls import path

from . import views

app_name = "counseling"
urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("notes/", views.note_list, name="note_list"),
    path("notes/<int:pk>/", views.note_detail, name="note_detail"),
    path("appointments/<int:appointment_pk>/note/", views.note_create, name="note_create"),
    path("stats/", views.stats, name="stats"),
]
