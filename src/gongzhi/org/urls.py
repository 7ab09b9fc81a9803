from django.urls import path

from gongzhi.org import views

app_name = "org"
urlpatterns = [
    path("workers/", views.worker_list, name="worker_list"),
    path("staff/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("departments/", views.department_list, name="department_list"),
    path("departments/officers/", views.officer_add, name="officer_add"),
    path("officers/<int:pk>/leave/", views.officer_leave, name="officer_leave"),
]
