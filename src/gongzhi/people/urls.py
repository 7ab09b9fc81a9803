from django.urls import path

from gongzhi.people import views

app_name = "people"
urlpatterns = [
    path("residents/", views.resident_list, name="resident_list"),
]
