from django.urls import path

from . import key_person_views, views

app_name = "liaison"
urlpatterns = [
    path("", views.index, name="index"),
    path("referrals/", views.referral_list, name="referral_list"),
    path("referrals/ledger.xlsx", views.referral_export, name="referral_export"),
    path("referrals/new/", views.referral_create, name="referral_create"),
    path("referrals/<int:pk>/", views.referral_detail, name="referral_detail"),
    path("referrals/<int:pk>/<slug:step>/", views.referral_detail, name="referral_step"),
    path("hazards/", views.hazard_list, name="hazard_list"),
    path("hazards/new/", views.hazard_create, name="hazard_create"),
    path("hazards/<int:pk>/", views.hazard_detail, name="hazard_detail"),
    path("hazards/photos/<int:pk>/", views.hazard_photo, name="hazard_photo"),
    path("roster/", views.roster, name="roster"),
    path("patrols/", views.patrols, name="patrols"),
    path("key-persons/", key_person_views.key_person_list, name="key_person_list"),
    path(
        "key-persons/new/<int:resident_pk>/",
        key_person_views.key_person_open,
        name="key_person_open",
    ),
    path("key-persons/<int:pk>/", key_person_views.key_person_detail, name="key_person_detail"),
    path(
        "key-persons/<int:pk>/<slug:step>/",
        key_person_views.key_person_step,
        name="key_person_step",
    ),
]
