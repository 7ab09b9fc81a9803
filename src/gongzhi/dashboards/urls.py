from django.urls import path

from . import views

app_name = "dashboards"
urlpatterns = [
    path("resident/<int:pk>/", views.resident_360, name="resident"),
    path("household/<int:pk>/", views.household_360, name="household"),
]
