from django.urls import path

from .views import resident, staff

app_name = "intel"
urlpatterns = [
    path("alerts/", staff.alert_list, name="alert_list"),
    path("alerts/<int:pk>/", staff.alert_detail, name="alert_detail"),
    path("alerts/<int:pk>/<str:step>/", staff.alert_act, name="alert_act"),
    path("suggest/", staff.suggest_panel, name="suggest_panel"),
    path("cases/<str:ref>/duplicates/", staff.case_duplicates, name="case_duplicates"),
    # resident pages (the portal's own session, portal/base.html)
    path("me/duplicates/", resident.duplicates, name="portal_duplicates"),
    path("me/join/<int:pk>/", resident.join, name="portal_join"),
    path("me/following/", resident.following, name="following"),
    path("me/following/<int:pk>/rate/", resident.rate, name="following_rate"),
]
