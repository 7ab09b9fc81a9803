from django.urls import path

from . import views

app_name = "care"
urlpatterns = [
    path("", views.target_list, name="target_list"),
    path("calendar/", views.calendar, name="calendar"),
]
