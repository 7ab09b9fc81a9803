"""Portal pages: home, hotline numbers, the connection card and "me"."""

from django.shortcuts import render

from .auth import current_account, resident_required
from .selectors import communities, connection_card, hotlines


def home(request):
    """The residents' portal. Signed-in staff also get a link to their workspace (/grids/)."""
    account = current_account(request)
    return render(
        request,
        "portal/home.html",
        {"account": account, "communities": communities(),
         "is_staff_user": getattr(request.user, "is_authenticated", False)},
    )  # fmt: skip


def hotline(request):
    return render(request, "portal/hotline.html", {"centers": hotlines()})


@resident_required
def card(request):
    account = request.resident_account
    ctx = {"account": account, "card": connection_card(account.unit) if account.unit else None}
    return render(request, "portal/card.html", ctx)


@resident_required
def me(request):
    return render(request, "portal/me.html", {"account": request.resident_account})
