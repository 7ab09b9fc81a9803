from django.urls import path

from . import portal_views, views

app_name = "intel"
urlpatterns = [
    path("alerts/", views.alert_list, name="alert_list"),
    path("alerts/<int:pk>/", views.alert_detail, name="alert_detail"),
    path("alerts/<int:pk>/<str:step>/", views.alert_act, name="alert_act"),
    path("suggest/", views.suggest_panel, name="suggest_panel"),
    path("cases/<str:ref>/duplicates/", views.case_duplicates, name="case_duplicates"),
    # resident pages (the portal's own session, portal/base.html)
    path("me/duplicates/", portal_views.duplicates, name="portal_duplicates"),
    path("me/join/<int:pk>/", portal_views.join, name="portal_join"),
    path("me/following/", portal_views.following, name="following"),
    path("me/following/<int:pk>/rate/", portal_views.rate, name="following_rate"),
]
