from django.urls import path

from .views import bodies, funding, procedure, public, resident, voting

app_name = "deliberation"
urlpatterns = [
    path("", procedure.deliberation_list, name="list"),
    path("ledger.xlsx", procedure.ledger_export, name="ledger_export"),
    path("new/", procedure.deliberation_create_view, name="create"),
    path("<int:pk>/", procedure.deliberation_detail, name="detail"),
    path("<int:pk>/do/<str:action>/", procedure.deliberation_action, name="action"),
    path("<int:pk>/meetings/new/", procedure.meeting_create_view, name="meeting_create"),
    path("<int:pk>/vote/new/", voting.vote_create_view, name="vote_create"),
    path("<int:pk>/cost-share/new/", funding.cost_share_create_view, name="cost_share_create"),
    path("<int:pk>/tasks/new/", funding.task_create_view, name="task_create"),
    path("proposals/", procedure.proposal_list, name="proposal_list"),
    path("proposals/new/", procedure.proposal_create_view, name="proposal_create"),
    path("proposals/<int:pk>/", procedure.proposal_detail, name="proposal_detail"),
    path("meetings/<int:pk>/", procedure.meeting_detail, name="meeting_detail"),
    path("votes/<int:pk>/", voting.vote_detail, name="vote_detail"),
    path("votes/<int:pk>/close/", voting.vote_close_view, name="vote_close"),
    path("cost-shares/<int:pk>/", funding.cost_share_detail, name="cost_share_detail"),
    path(
        "cost-shares/<int:pk>/expenditures/new/",
        funding.expenditure_create_view,
        name="expenditure_create",
    ),
    path("ledger/<int:pk>/pay/", funding.payment_create_view, name="payment_create"),
    path("ledger/<int:pk>/exempt/", funding.exempt_create_view, name="exempt_create"),
    path("tasks/<int:pk>/", funding.task_detail, name="task_detail"),
    path("files/<str:kind>/<int:pk>/", funding.staff_file, name="staff_file"),
    path("bodies/", bodies.body_list, name="body_list"),
    path("bodies/new/", bodies.body_create_view, name="body_create"),
    path("bodies/<int:pk>/", bodies.body_detail, name="body_detail"),
    path("bodies/<int:pk>/members/new/", bodies.member_create_view, name="member_create"),
    path("bodies/<int:pk>/issues/new/", bodies.issue_create_view, name="issue_create"),
    path(
        "bodies/<int:pk>/meetings/new/",
        procedure.body_meeting_create_view,
        name="body_meeting_create",
    ),
    path("issues/<int:pk>/resolve/", bodies.issue_resolve_view, name="issue_resolve"),
    # Public: no login, no names.
    path("public/for-me/", resident.public_for_me, name="public_for_me"),  # resident session
    path("public/vote/<int:pk>/", resident.resident_vote, name="resident_vote"),  # resident session
    path("public/votes/<str:token>/", public.public_vote, name="public_vote"),
    path("public/notice/<str:token>/", public.public_notice, name="public_notice"),
    path("public/notice/<str:token>/photos/<int:pk>/", public.public_photo, name="public_photo"),
]
