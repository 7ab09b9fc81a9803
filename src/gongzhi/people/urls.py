from django.urls import path

from gongzhi.people import views

app_name = "people"
urlpatterns = [
    path("residents/", views.resident_list, name="resident_list"),
    path("residents/<int:pk>/", views.resident_detail, name="resident_detail"),
    path("residents/<int:pk>/reveal/", views.resident_reveal_view, name="resident_reveal"),
    path("residents/<int:pk>/edit/", views.resident_edit_view, name="resident_edit"),
    path("households/new/", views.household_create_view, name="household_create"),
    path("households/<int:pk>/", views.household_detail, name="household_detail"),
    path(
        "households/<int:household_pk>/residents/new/",
        views.resident_create_view,
        name="resident_create",
    ),
]
