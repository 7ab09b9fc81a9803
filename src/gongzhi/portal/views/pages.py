"""Portal pages: home, hotline numbers, the connection card, "me" and policy search."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render

from gongzhi.hall.models import PolicyArticle
from gongzhi.hall.selectors import publicity_search

from .. import kiosk
from ..auth import current_account, resident_required
from ..selectors import communities, connection_card, hotlines


def home(request):
    """The residents' portal. Signed-in staff also get a link to their workspace (/grids/)."""
    if kiosk.config(request) is not None:
        return redirect("portal_kiosk")  # the kiosk's start screen is its home
    account = current_account(request)
    return render(
        request,
        "portal/home.html",
        {
            "account": account,
            "communities": communities(),
            "is_staff_user": getattr(request.user, "is_authenticated", False),
        },
    )


def hotline(request):
    return render(request, "portal/hotline.html", {"centers": hotlines()})


@resident_required
def card(request):
    account = request.resident_account
    ctx = {"account": account, "card": connection_card(account.unit) if account.unit else None}
    return render(request, "portal/card.html", ctx)


def _neighbourhood(unit):
    """The resident's compound (level-3 grid): the diaries of the workers around them."""
    from gongzhi.grids.selectors import grid_ancestors

    compound = [g for g in grid_ancestors(unit) if g.level == 3]
    return compound[0] if compound else unit


@resident_required
def diary(request):
    """民情日记: public diary entries of the grid workers of the resident's compound."""
    from gongzhi.workbench.selectors import diary_public_feed

    account = request.resident_account
    entries = diary_public_feed(_neighbourhood(account.unit)) if account.unit else []
    return render(request, "portal/diary.html", {"account": account, "entries": entries})


@resident_required
def me(request):
    return render(request, "portal/me.html", {"account": request.resident_account})


POLICY_PAGE = 10


def policies(request):
    """政策查询: residents search the hall's policy articles and FAQ (no sign-in needed)."""
    current_account(request)  # in kiosk mode this keeps an active visitor signed in
    q = (request.GET.get("q") or "").replace("\x00", "").strip()[:50]
    articles, faqs = publicity_search(q)
    page = Paginator(articles, POLICY_PAGE).get_page(request.GET.get("page"))
    ctx = {"q": q, "page": page, "faqs": faqs[:30]}
    return render(request, "portal/policies.html", ctx)


def policy_detail(request, pk: int):
    current_account(request)
    article = get_object_or_404(PolicyArticle, pk=pk, published=True)
    return render(request, "portal/policy_detail.html", {"article": article})
