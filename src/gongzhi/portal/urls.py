"""The residents' portal lives at the site root, so its URL names carry a "portal_" prefix
(no namespace: base.html and others reverse the plain name "home")."""

from django.urls import path

from gongzhi.portal import kiosk, pwa
from gongzhi.portal.views import account, board, message_center, pages, staff

urlpatterns = [
    path("", pages.home, name="home"),
    path("manifest.webmanifest", pwa.manifest, name="portal_manifest"),
    path("sw.js", pwa.service_worker, name="portal_sw"),
    path("offline/", pwa.offline, name="portal_offline"),
    path("portal-icon-<int:size>.png", pwa.icon, name="portal_icon"),
    path("login/", account.login, name="portal_login"),
    path("login/verify/", account.verify, name="portal_verify"),
    path("logout/", account.logout, name="portal_logout"),
    path("bind/", account.bind_request, name="portal_bind"),
    path("bind/<str:token>/", account.bind_qr, name="portal_bind_qr"),
    path("hotline/", pages.hotline, name="portal_hotline"),
    path("card/", pages.card, name="portal_card"),
    path("diary/", pages.diary, name="portal_diary"),
    path("me/", pages.me, name="portal_me"),
    path("board/", board.board_index, name="portal_board_index"),
    path("board/<int:community>/", board.board, name="portal_board"),
    path("board/post/<int:pk>/", board.post_detail, name="portal_post"),
    path("board/post/<int:pk>/react/", board.post_react, name="portal_post_react"),
    path("post/new/", board.post_new, name="portal_post_new"),
    path("post/suggest/", board.suggest, name="portal_suggest"),
    path("me/posts/", board.my_posts, name="portal_my_posts"),
    path("me/messages/", message_center.inbox, name="portal_messages"),
    path("me/notify/", message_center.settings, name="portal_notify_settings"),
    path("me/wechat/", message_center.wechat_link, name="portal_wechat_link"),
    path("me/posts/<int:pk>/rate/", board.rate, name="portal_rate"),
    path("me/photos/<int:pk>/", board.my_attachment, name="portal_my_attachment"),
    path("portal-staff/binds/", staff.binds, name="portal_staff_binds"),
    path("portal-staff/moderation/", staff.moderation, name="portal_staff_moderation"),
    path(
        "portal-staff/board-settings/",
        staff.board_settings,
        name="portal_staff_board_settings",
    ),
    path("policies/", pages.policies, name="portal_policies"),
    path("policies/<int:pk>/", pages.policy_detail, name="portal_policy"),
    path("kiosk/", kiosk.start, name="portal_kiosk"),
    path("kiosk/reset/", kiosk.reset, name="portal_kiosk_reset"),
    path("kiosk/ping/", kiosk.ping, name="portal_kiosk_ping"),
    path("kiosk/ticket/", kiosk.ticket, name="portal_kiosk_ticket"),
    path("kiosk/exit/", kiosk.exit_kiosk, name="portal_kiosk_exit"),
    path("kiosk/register/<int:center_pk>/", kiosk.register_device, name="portal_kiosk_register"),
]
