from django.urls import path

from . import views

app_name = "social"
urlpatterns = [
    path("", views.organisation_list, name="organisation_list"),
    path("ledger.xlsx", views.organisation_export, name="organisation_export"),
    path("<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("ranking/", views.ranking, name="ranking"),
]
