"""The staff hotline intake. Its URLs and URL names are those it had in the portal app (the
telephony API's intake_url, bookmarks and the navigation keep working)."""

from django.urls import path

from . import views

urlpatterns = [
    path("portal-staff/hotline/", views.index, name="portal_staff_hotline"),
    path("portal-staff/hotline/pending/", views.pending, name="portal_staff_hotline_pending"),
    path("portal-staff/hotline/<int:pk>/", views.call, name="portal_staff_hotline_call"),
]
