"""The installable-app shell: manifest, service worker, offline page and icons.

The service worker is served by a view at /sw.js so its scope can be the whole site
(a worker under /static/ could only control /static/). Icons are drawn with Pillow at
first request, so the repository ships no binary or third-party assets.
"""

from __future__ import annotations

import io
import json
from functools import lru_cache

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

ICON_SIZES = (192, 512)
SHELL_VERSION = "gongzhi-portal-v2"
THEME = "#c0392b"


@require_GET
def manifest(request):
    data = {
        "name": "金泉之窗 · 居民服务",
        "short_name": "金泉之窗",
        "lang": "zh-CN",
        "start_url": reverse("home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME,
        "icons": [
            {"src": reverse("portal_icon", args=[s]), "sizes": f"{s}x{s}", "type": "image/png",
             "purpose": "any maskable"}
            for s in ICON_SIZES
        ],
    }  # fmt: skip
    body = json.dumps(data, ensure_ascii=False)
    return HttpResponse(body, content_type="application/manifest+json; charset=utf-8")


def shell_urls() -> list[str]:
    return [
        reverse("portal_offline"),
        reverse("portal_manifest"),
        static("portal/portal.css"),
        static("portal/portal.js"),
        *(reverse("portal_icon", args=[s]) for s in ICON_SIZES),
    ]


@require_GET
@cache_control(no_cache=True)
def service_worker(request):
    body = render(
        request,
        "portal/sw.js",
        {
            "version": SHELL_VERSION,
            "shell": json.dumps(shell_urls()),
            "offline_url": reverse("portal_offline"),
            "logout_url": reverse("portal_logout"),
            "keep": json.dumps([reverse("portal_card"), reverse("portal_hotline")]),
            "public_keep": json.dumps([reverse("portal_hotline")]),
        },
    ).content
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def offline(request):
    return render(request, "portal/offline.html")


@lru_cache(maxsize=len(ICON_SIZES))
def icon_png(size: int) -> bytes:
    """A window (窗) glyph drawn as shapes: red tile, white frame, four panes."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (size, size), THEME)
    draw = ImageDraw.Draw(img)
    m, w = size // 5, max(2, size // 24)
    draw.rounded_rectangle([m, m, size - m, size - m], radius=size // 16, outline="white", width=w)
    mid = size // 2
    draw.line([mid, m, mid, size - m], fill="white", width=w)
    draw.line([m, mid, size - m, mid], fill="white", width=w)
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


@require_GET
@cache_control(max_age=86400, public=True)
def icon(request, size: int):
    if size not in ICON_SIZES:
        raise Http404
    return HttpResponse(icon_png(size), content_type="image/png")
