from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from gongzhi.core.roles import Role
from gongzhi.org.models import Staff


@login_required
def worker_list(request):
    workers = (
        Staff.objects.restrict(request.user).filter(role=Role.GRID_WORKER).order_by("name")[:50]
    )
    return render(request, "org/worker_list.html", {"workers": workers})
