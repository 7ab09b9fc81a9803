from django.urls import path

from gongzhi.portal import views

urlpatterns = [
    path("", views.home, name="home"),
]
