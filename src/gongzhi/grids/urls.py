from django.urls import path

from gongzhi.grids import views

app_name = "grids"
urlpatterns = [
    path("", views.grid_tree, name="tree"),
    path("<int:pk>/", views.grid_tree, name="detail"),
]
