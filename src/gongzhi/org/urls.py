from django.urls import path

from gongzhi.org import views

app_name = "org"
urlpatterns = [
    path("workers/", views.worker_list, name="worker_list"),
    path("staff/<int:pk>/", views.staff_detail, name="staff_detail"),
]
