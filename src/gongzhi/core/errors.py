"""handler404 / handler403: the site's Chinese error pages (English through i18n).

A page says why when the code raised Http404 or PermissionDenied with a message of ours
("纠纷不存在或您无权查看"); Django's own texts ("No Dispute matches the given query.") and bare
exceptions get the page's general wording instead.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.http import HttpRequest
from django.shortcuts import render

if TYPE_CHECKING:
    from django.http import HttpResponse

_DJANGO_TEXT = re.compile(r"^No .+ matches the given query\.$|^The requested resource was not")


def _message(exception: Exception | None) -> str:
    args = getattr(exception, "args", ())
    text = args[0] if args and isinstance(args[0], str) else ""
    return "" if _DJANGO_TEXT.match(text) else text


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", {"message": _message(exception)}, status=404)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", {"message": _message(exception)}, status=403)
