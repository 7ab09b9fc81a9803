from django.urls import path

from . import publicity_views as pv
from . import views

app_name = "hall"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:center_pk>/", views.desk, name="desk"),
    path("<int:center_pk>/issue/", views.issue, name="issue"),
    path("<int:center_pk>/setup/", views.setup, name="setup"),
    path("<int:center_pk>/display/", views.display, name="display"),
    path("<int:center_pk>/display/board/", views.display_board_partial, name="display_board"),
    path("<int:center_pk>/visits/new/", views.visit_create, name="visit_create"),
    path("windows/<int:window_pk>/call/", views.call_next, name="call_next"),
    path("tickets/<int:pk>/<slug:action>/", views.ticket_action, name="ticket_action"),
    path("visits/", views.visit_list, name="visit_list"),
    path("referrals/", views.referral_list, name="referral_list"),
    path("referrals/<int:pk>/receive/", views.referral_receive, name="referral_receive"),
    path("publicity/", pv.publicity, name="publicity"),
    path("publicity/<int:pk>/", pv.article_detail, name="article_detail"),
    path("publicity/manage/", pv.manage, name="publicity_manage"),
    path("publicity/<slug:kind>/new/", pv.edit, name="publicity_new"),
    path("publicity/<slug:kind>/<int:pk>/edit/", pv.edit, name="publicity_edit"),
    path("publicity/<slug:kind>/<int:pk>/delete/", pv.delete, name="publicity_delete"),
]
