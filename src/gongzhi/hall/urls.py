from django.urls import path

from .views import desk, publicity

app_name = "hall"
urlpatterns = [
    path("", desk.index, name="index"),
    path("<int:center_pk>/", desk.desk, name="desk"),
    path("<int:center_pk>/issue/", desk.issue, name="issue"),
    path("<int:center_pk>/setup/", desk.setup, name="setup"),
    path("<int:center_pk>/display/", desk.display, name="display"),
    path("<int:center_pk>/display/board/", desk.display_board_partial, name="display_board"),
    path("<int:center_pk>/visits/new/", desk.visit_create, name="visit_create"),
    path("windows/<int:window_pk>/call/", desk.call_next, name="call_next"),
    path("tickets/<int:pk>/<slug:action>/", desk.ticket_action, name="ticket_action"),
    path("visits/", desk.visit_list, name="visit_list"),
    path("referrals/", desk.referral_list, name="referral_list"),
    path("referrals/<int:pk>/receive/", desk.referral_receive, name="referral_receive"),
    path("publicity/", publicity.publicity, name="publicity"),
    path("publicity/<int:pk>/", publicity.article_detail, name="article_detail"),
    path("publicity/manage/", publicity.manage, name="publicity_manage"),
    path("publicity/<slug:kind>/new/", publicity.edit, name="publicity_new"),
    path("publicity/<slug:kind>/<int:pk>/edit/", publicity.edit, name="publicity_edit"),
    path("publicity/<slug:kind>/<int:pk>/delete/", publicity.delete, name="publicity_delete"),
]
