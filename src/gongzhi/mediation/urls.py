from django.urls import path

from . import views

app_name = "mediation"
urlpatterns = [
    path("", views.dispute_list, name="dispute_list"),
    path("new/", views.dispute_create, name="dispute_create"),
    path("ledger.xlsx", views.ledger_export, name="ledger_export"),
    path("<int:pk>/", views.dispute_detail, name="dispute_detail"),
    path("<int:pk>/<slug:step>/", views.dispute_step, name="dispute_step"),
    path(
        "agreements/<int:pk>/download.<str:fmt>",
        views.agreement_download,
        name="agreement_download",
    ),
]
