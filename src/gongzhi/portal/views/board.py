"""民情留言板: posting, the public boards, reactions, and "my posts" with rating."""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongzhi.cases.models import Case, Category, State
from gongzhi.cases.workflow import TransitionError
from gongzhi.core.forms import service_errors
from gongzhi.core.ratelimit import RateLimited, rate_limit_check
from gongzhi.grids.models import Grid, Level
from gongzhi.grids.selectors import map_bounds_for

from .. import selectors, services
from ..auth import current_account, resident_required
from ..forms import PostForm, RateForm

BOARD_PAGE = 30


# Case-service field names → this form's field names.
FIELD_OF = {"attachments": "photos", "title": "text", "description": "text"}


def _errors(exc: ValidationError) -> dict[str, str]:
    if hasattr(exc, "error_dict"):
        return {FIELD_OF.get(k, k): ";".join(v) for k, v in exc.message_dict.items()}
    return {"__all__": ";".join(exc.messages)}


def board_index(request):
    account = current_account(request)
    if account and account.unit_id:
        return redirect("portal_board", community=services.community_of(account.unit).pk)
    return render(request, "portal/board_index.html", {"communities": selectors.communities()})


def board(request, community: int):
    grid = get_object_or_404(Grid, pk=community, level=Level.TOWNSHIP)
    posts = list(selectors.board_posts(grid)[:BOARD_PAGE])
    account = current_account(request)
    ctx = {
        "community": grid,
        "posts": posts,
        "account": account,
        "mine": selectors.reactions_of(account, posts),
    }
    return render(request, "portal/board.html", ctx)


def post_detail(request, pk: int):
    case = selectors.board_post(pk)
    if case is None:
        raise Http404
    account = current_account(request)
    mine = selectors.reactions_of(account, [case])
    ctx = {"case": case, "timeline": selectors.public_timeline(case), "account": account,
           "followed": (case.pk, "follow") in mine,
           "supports": case.portal_reactions.filter(kind="support").count()}  # fmt: skip
    return render(request, "portal/post_detail.html", ctx)


@require_POST
@resident_required
def post_react(request, pk: int):
    case = selectors.board_post(pk)
    if case is None:
        raise Http404
    kind = request.POST.get("kind", "")
    on = request.POST.get("on", "1") == "1"
    with service_errors(request=request, sep=";"):
        services.post_react(account=request.resident_account, case=case, kind=kind, on=on)
        if kind == "support":
            messages.success(request, _("已记录:您也遇到了这个问题"))
        elif on:
            messages.success(request, _("已关注这条留言"))
        else:
            messages.success(request, _("已取消关注"))
    return redirect("portal_post", pk=case.pk)


@require_GET
def suggest(request):
    category = services.category_suggest(request.GET.get("text", "")[:2000])
    top = category.parent if category is not None and category.parent_id else category
    return JsonResponse({"code": top.code if top else "", "name": top.name if top else ""})


@resident_required
@require_http_methods(["GET", "POST"])
def post_new(request):
    account = request.resident_account
    categories = services.portal_categories()
    wants_json = request.headers.get("X-Portal-Fetch") == "1"
    form = PostForm(
        request.POST or None,
        categories=categories,
        initial={"key": uuid.uuid4().hex, "is_public": True},
    )
    if request.method == "POST":
        try:
            rate_limit_check(request, "board_post", account=account.pk)
        except RateLimited as exc:
            if wants_json:
                return JsonResponse({"ok": False, "errors": {"__all__": str(exc)}}, status=429)
            form.is_valid()
            form.add_error(None, str(exc))
            return render(
                request, "portal/post_new.html", {"form": form, "account": account}, status=429
            )
        errors = {}
        if form.is_valid():
            data = form.cleaned_data
            category = (
                Category.objects.filter(code=data["category"]).first() if data["category"] else None
            )
            try:
                case = services.post_create(
                    account=account,
                    text=data["text"],
                    category=category,
                    photos=request.FILES.getlist("photos"),
                    lat=data["lat"],
                    lng=data["lng"],
                    is_public=data["is_public"],
                    show_name=data["show_name"],
                    idempotency_key=data["key"],
                )
            except ValidationError as exc:
                errors = _errors(exc)
                for field, text in errors.items():
                    form.add_error(None if field not in form.fields else field, text)
            else:
                target = reverse("portal_my_posts") + f"#case-{case.pk}"
                # Shown on the page the post lands on, whether the form was sent by the
                # script (fetch, then a page load) or by the browser itself.
                messages.success(
                    request,
                    _("提交成功!您的留言编号 %(number)s,办理进展会在“消息”里告诉您。")
                    % {"number": case.number},
                )
                if wants_json:
                    return JsonResponse({"ok": True, "case": case.number, "redirect": target})
                return redirect(target)
        else:
            errors = {k: ";".join(v) for k, v in form.errors.items()}
        if wants_json:
            return JsonResponse({"ok": False, "errors": errors}, status=400)
    ctx = {"form": form, "account": account, "bounds": map_bounds_for(request.user)}
    return render(request, "portal/post_new.html", ctx, status=400 if form.errors else 200)


@resident_required
def my_posts(request):
    account = request.resident_account
    cases = list(selectors.my_posts(account))
    for case in cases:
        case.public_events = selectors.public_timeline(case)
        case.can_rate = case.state == State.CLOSED
    ctx = {"cases": cases, "rate_form": RateForm(), "account": account}
    return render(request, "portal/my_posts.html", ctx)


@resident_required
def my_attachment(request, pk: int):
    """A photo of the resident's own post (media files are not served publicly)."""
    from django.http import FileResponse, Http404

    from gongzhi.cases.models import Attachment

    if pk > 2**31:
        raise Http404
    mine = Case.objects.filter(selectors.mine_q(request.resident_account))
    att = get_object_or_404(Attachment, pk=pk, case__in=mine)
    f = att.thumbnail if att.thumbnail else att.file
    response = FileResponse(
        f.open("rb"), content_type="image/jpeg" if att.thumbnail else att.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@resident_required
def rate(request, pk: int):
    account = request.resident_account
    case = get_object_or_404(Case.objects.filter(selectors.mine_q(account)), pk=pk)
    form = RateForm(request.POST)
    if not form.is_valid():
        messages.error(request, ";".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(reverse("portal_my_posts") + f"#case-{case.pk}")
    data = form.cleaned_data
    try:
        services.post_rate(
            account=account,
            case=case,
            rating=data["rating"],
            stars=data["stars"],
            comment=data["comment"],
            resolved=data["resolved"],
        )
    except (ValidationError, TransitionError, PermissionDenied) as exc:
        text = ";".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, text)
    else:
        messages.success(request, _("感谢您的评价"))
    return redirect(reverse("portal_my_posts") + f"#case-{case.pk}")
