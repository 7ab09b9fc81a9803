from django.shortcuts import redirect


def home(request):
    """The residents' portal home; staff are sent to their workspace."""
    return redirect("grids:tree")
