"""Card printing pages. Thin: permission check, form, then a call into cards.services."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from gongzhi.cards import selectors
from gongzhi.cards.forms import CardPrintForm
from gongzhi.cards.services import NO_PRINT, card_print_file, card_print_job_create
from gongzhi.core.access import can
from gongzhi.core.roles import PRINT_CARDS


def _forbidden(request, message: str):
    return render(request, "cards/forbidden.html", {"message": message}, status=403)


@login_required
@require_http_methods(["GET", "POST"])
def print_start(request):
    if not can(request.user, PRINT_CARDS):
        return _forbidden(request, NO_PRINT)
    form = CardPrintForm(request.POST or None, user=request.user, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        try:
            job = card_print_job_create(
                by=request.user,
                root=form.cleaned_data["grid"],
                per=form.cleaned_data["per"],
                base_url=request.build_absolute_uri("/"),
            )
        except PermissionDenied as exc:
            return _forbidden(request, str(exc))
        return redirect("cards:job", pk=job.pk)
    context = {
        "form": form,
        "grids": selectors.printable_grids_for(request.user)[:2000],
        "jobs": selectors.card_print_jobs_for(request.user)[:10],
    }
    return render(
        request, "cards/print.html", context, status=400 if request.method == "POST" else 200
    )


@login_required
@require_GET
def job(request, pk: int):
    found = selectors.card_print_job_for(request.user, pk)
    if found is None:
        raise Http404
    template = "cards/_job_status.html" if request.htmx else "cards/job.html"
    return render(request, template, {"job": found})


@login_required
@require_GET
def download(request, pk: int):
    found = selectors.card_print_job_for(request.user, pk)
    path = card_print_file(found) if found else None
    if found is None or path is None:
        raise Http404
    name = f"民情连心卡-{found.root.code}.pdf"
    return FileResponse(path.open("rb"), as_attachment=True, filename=name)
