from django.urls import path

from . import views

app_name = "care"
urlpatterns = [
    path("", views.target_list, name="target_list"),
    path("export/", views.target_export, name="target_export"),
    path("overdue/", views.overdue_list, name="overdue_list"),
    path("targets/<int:pk>/", views.target_detail, name="target_detail"),
    path("targets/<int:pk>/<slug:step>/", views.target_step, name="target_step"),
    path("calendar/", views.calendar, name="calendar"),
]
