from django.urls import path

from . import pwa, views

app_name = "workbench"
urlpatterns = [
    path("", views.index, name="index"),
    path("sw.js", pwa.service_worker, name="sw"),
    path("diary/", views.diary_list, name="diary_list"),
    path("diary/new/", views.diary_new, name="diary_new"),
    path("diary/preview/", views.diary_preview, name="diary_preview"),
    path("diary/<int:pk>/", views.diary_detail, name="diary_detail"),
    path("diary/<int:pk>/photos/<int:photo_pk>/", views.diary_photo, name="diary_photo"),
    path("report/", views.report_new, name="report_new"),
    path("inspections/new/", views.inspection_new, name="inspection_new"),
    path("collect/", views.collect, name="collect"),
    path("collect/households/new/", views.household_new, name="household_new"),
    path("collect/households/<int:household>/residents/new/", views.resident_new,
         name="resident_new"),
    path("collect/residents/<int:pk>/", views.resident_edit, name="resident_edit"),
    path("reviews/", views.change_requests, name="change_requests"),
    path("reviews/<int:pk>/<slug:decision>/", views.change_request_review,
         name="change_request_review"),
    path("care-visits/new/", views.care_visit_new, name="care_visit_new"),
    path("stats/", views.stats, name="stats"),
]  # fmt: skip
