"""The tap-to-dial page: POST reveals (audited) and shows the number as a tel: link."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from ..callback import case_callback
from .handling import _case_or_404

if TYPE_CHECKING:
    from gongzhi.core.types import AuthedRequest


@require_POST
@login_required
def case_callback_view(request: AuthedRequest, ref: str) -> HttpResponse:
    case = _case_or_404(request.user, ref)
    try:
        callback = case_callback(case=case, by=request.user, request=request)
    except (PermissionDenied, ValidationError) as exc:
        status = 403 if isinstance(exc, PermissionDenied) else 400
        text = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
        return render(request, "cases/callback.html", {"case": case, "error": text}, status=status)
    return render(request, "cases/callback.html", {"case": case, "callback": callback})
