from typing import Any

from django.conf import settings
from django.http import HttpRequest

from gongzhi.core.access import role_of, staff_of


def site(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "DEMO_MODE": settings.DEMO_MODE,
        "DISTRICT_NAME": settings.DISTRICT_NAME,
        "MAP_TILE_URL": settings.MAP_TILE_URL,
        "MAP_TILE_ATTRIBUTION": settings.MAP_TILE_ATTRIBUTION,
        "current_role": role_of(user) if user else None,
        "current_staff": staff_of(user) if user else None,
    }
