from django.urls import path

from . import views

app_name = "liaison"
urlpatterns = [
    path("", views.index, name="index"),
    path("referrals/", views.referral_list, name="referral_list"),
    path("referrals/new/", views.referral_create, name="referral_create"),
    path("referrals/<int:pk>/", views.referral_detail, name="referral_detail"),
    path("referrals/<int:pk>/<slug:step>/", views.referral_detail, name="referral_step"),
    path("hazards/", views.hazard_list, name="hazard_list"),
    path("hazards/new/", views.hazard_create, name="hazard_create"),
    path("hazards/<int:pk>/", views.hazard_detail, name="hazard_detail"),
    path("hazards/photos/<int:pk>/", views.hazard_photo, name="hazard_photo"),
    path("roster/", views.roster, name="roster"),
    path("patrols/", views.patrols, name="patrols"),
]
