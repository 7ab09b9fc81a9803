"""Policy publicity (政策宣传区): a public list/search, and the staff editor."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core.access import can, require
from gongzhi.core.forms import service_errors
from gongzhi.core.roles import PUBLICITY

from .. import services as svc
from ..forms import ArticleForm, FAQForm
from ..models import FAQ, PolicyArticle
from ..selectors import publicity_search

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def publicity(request):
    """Public: published articles and FAQs, searchable."""
    q = (request.GET.get("q") or "").strip()[:50]
    articles, faqs = publicity_search(q)
    page = Paginator(articles, 20).get_page(request.GET.get("page"))
    context = {
        "q": q,
        "page": page,
        "faqs": faqs[:50],
        "can_edit": can(request.user, PUBLICITY),
    }
    return render(request, "hall/publicity.html", context)


def article_detail(request, pk: int):
    article = get_object_or_404(PolicyArticle, pk=pk, published=True)
    return render(request, "hall/article_detail.html", {"article": article})


def _require_editor(user, kind: str | None = None) -> None:
    require(user, PUBLICITY)
    if kind is not None and kind not in KINDS:
        raise Http404(_("未知的内容类型"))


@login_required
def manage(request):
    _require_editor(request.user)
    context = {"articles": PolicyArticle.objects.all()[:200], "faqs": FAQ.objects.all()[:200]}
    return render(request, "hall/publicity_manage.html", context)


KINDS: dict[str, tuple[Any, Any, Callable[..., Any], Callable[..., Any], StrOrPromise]] = {
    "article": (PolicyArticle, ArticleForm, svc.article_save, svc.article_delete, _("政策文章")),
    "faq": (FAQ, FAQForm, svc.faq_save, svc.faq_delete, _("常见问题")),
}


@login_required
def edit(request, kind: str, pk: int | None = None):
    _require_editor(request.user, kind)
    model, form_cls, save, _delete, label = KINDS[kind]
    obj = get_object_or_404(model, pk=pk) if pk else None
    initial = {f: getattr(obj, f) for f in form_cls.base_fields} if obj else None
    form = form_cls(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            save(by=request.user, **form.cleaned_data, **{kind: obj})
            messages.success(request, _("已保存%(k)s") % {"k": label})
            return redirect("hall:publicity_manage")
    status = 400 if form.is_bound else 200
    context = {"form": form, "obj": obj, "label": label}
    return render(request, "hall/publicity_form.html", context, status=status)


@require_POST
@login_required
def delete(request, kind: str, pk: int):
    _require_editor(request.user, kind)
    model, _form, _save, remove, label = KINDS[kind]
    remove(by=request.user, **{kind: get_object_or_404(model, pk=pk)})
    messages.success(request, _("已删除%(k)s") % {"k": label})
    return redirect("hall:publicity_manage")
