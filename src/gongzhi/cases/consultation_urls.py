from django.urls import path

from . import consultation_views as views

app_name = "consultations"
urlpatterns = [
    path("", views.consultation_calendar, name="calendar"),
    path("new/<str:ref>/", views.consultation_new, name="new"),
    path("new/dispute/<str:ref>/", views.consultation_new, {"kind": "dispute"}, name="new_dispute"),
    path("new/alert/<str:ref>/", views.consultation_new, {"kind": "alert"}, name="new_alert"),
    path("<int:pk>/", views.consultation_detail, name="detail"),
    path("<int:pk>/respond/", views.consultation_respond, name="respond"),
    path("<int:pk>/record/", views.consultation_record, name="record"),
    path("<int:pk>/opinion/", views.consultation_opinion, name="opinion"),
    path("<int:pk>/tasks/", views.consultation_task_add, name="task_add"),
    path("<int:pk>/tasks/<int:task_pk>/done/", views.consultation_task_done, name="task_done"),
]
