"""The residents' portal page: the public notices of one's own community.

Behind the portal's resident sign-in (not staff login); it only links to the public
token pages, so it shows nothing those pages do not already show."""

from __future__ import annotations

from django.shortcuts import render

from gongzhi.portal.auth import resident_required

from ..selectors import public_notices_for_unit


@resident_required
def public_for_me(request):
    account = request.resident_account
    context = {"account": account, "notices": public_notices_for_unit(account.unit)}
    return render(request, "deliberation/public_for_me.html", context)
