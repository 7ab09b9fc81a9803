from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from gongzhi.people.selectors import resident_list_for


@login_required
def resident_list(request):
    residents = resident_list_for(request.user).order_by("grid__path", "id")[:50]
    return render(request, "people/resident_list.html", {"residents": residents})
