from django.urls import path

from .views import desk, key_persons

app_name = "liaison"
urlpatterns = [
    path("", desk.index, name="index"),
    path("referrals/", desk.referral_list, name="referral_list"),
    path("referrals/ledger.xlsx", desk.referral_export, name="referral_export"),
    path("referrals/new/", desk.referral_create, name="referral_create"),
    path("referrals/<int:pk>/", desk.referral_detail, name="referral_detail"),
    path("referrals/<int:pk>/<slug:step>/", desk.referral_detail, name="referral_step"),
    path("hazards/", desk.hazard_list, name="hazard_list"),
    path("hazards/new/", desk.hazard_create, name="hazard_create"),
    path("hazards/<int:pk>/", desk.hazard_detail, name="hazard_detail"),
    path("hazards/photos/<int:pk>/", desk.hazard_photo, name="hazard_photo"),
    path("roster/", desk.roster, name="roster"),
    path("patrols/", desk.patrols, name="patrols"),
    path("key-persons/", key_persons.key_person_list, name="key_person_list"),
    path(
        "key-persons/new/<int:resident_pk>/",
        key_persons.key_person_open,
        name="key_person_open",
    ),
    path("key-persons/<int:pk>/", key_persons.key_person_detail, name="key_person_detail"),
    path(
        "key-persons/<int:pk>/<slug:step>/",
        key_persons.key_person_step,
        name="key_person_step",
    ),
]
