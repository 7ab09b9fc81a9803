"""The residents' portal lives at the site root, so its URL names carry a "portal_" prefix
(no namespace: base.html and others reverse the plain name "home")."""

from django.urls import path

from gongzhi.portal import (
    kiosk,
    pwa,
    views,
    views_auth,
    views_board,
    views_messages,
    views_staff,
)

urlpatterns = [
    path("", views.home, name="home"),
    path("manifest.webmanifest", pwa.manifest, name="portal_manifest"),
    path("sw.js", pwa.service_worker, name="portal_sw"),
    path("offline/", pwa.offline, name="portal_offline"),
    path("portal-icon-<int:size>.png", pwa.icon, name="portal_icon"),
    path("login/", views_auth.login, name="portal_login"),
    path("login/verify/", views_auth.verify, name="portal_verify"),
    path("logout/", views_auth.logout, name="portal_logout"),
    path("bind/", views_auth.bind_request, name="portal_bind"),
    path("bind/<str:token>/", views_auth.bind_qr, name="portal_bind_qr"),
    path("hotline/", views.hotline, name="portal_hotline"),
    path("card/", views.card, name="portal_card"),
    path("diary/", views.diary, name="portal_diary"),
    path("me/", views.me, name="portal_me"),
    path("board/", views_board.board_index, name="portal_board_index"),
    path("board/<int:community>/", views_board.board, name="portal_board"),
    path("board/post/<int:pk>/", views_board.post_detail, name="portal_post"),
    path("board/post/<int:pk>/react/", views_board.post_react, name="portal_post_react"),
    path("post/new/", views_board.post_new, name="portal_post_new"),
    path("post/suggest/", views_board.suggest, name="portal_suggest"),
    path("me/posts/", views_board.my_posts, name="portal_my_posts"),
    path("me/messages/", views_messages.inbox, name="portal_messages"),
    path("me/notify/", views_messages.settings, name="portal_notify_settings"),
    path("me/wechat/", views_messages.wechat_link, name="portal_wechat_link"),
    path("me/posts/<int:pk>/rate/", views_board.rate, name="portal_rate"),
    path("me/photos/<int:pk>/", views_board.my_attachment, name="portal_my_attachment"),
    path("portal-staff/binds/", views_staff.binds, name="portal_staff_binds"),
    path("portal-staff/moderation/", views_staff.moderation, name="portal_staff_moderation"),
    path(
        "portal-staff/board-settings/",
        views_staff.board_settings,
        name="portal_staff_board_settings",
    ),
    path("policies/", views.policies, name="portal_policies"),
    path("policies/<int:pk>/", views.policy_detail, name="portal_policy"),
    path("kiosk/", kiosk.start, name="portal_kiosk"),
    path("kiosk/reset/", kiosk.reset, name="portal_kiosk_reset"),
    path("kiosk/ping/", kiosk.ping, name="portal_kiosk_ping"),
    path("kiosk/ticket/", kiosk.ticket, name="portal_kiosk_ticket"),
    path("kiosk/exit/", kiosk.exit_kiosk, name="portal_kiosk_exit"),
    path("kiosk/register/<int:center_pk>/", kiosk.register_device, name="portal_kiosk_register"),
]
