"""The CJK font every PDF uses (mediation agreements, connection cards).

An installed TrueType CJK font when one is found (MEDIATION_PDF_FONT first), and otherwise
ReportLab's built-in STSong-Light CID font, which needs no font files at all, so Chinese
renders on a machine that has only Python.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from django.conf import settings

CID_FALLBACK = "STSong-Light"
# TrueType (glyf) CJK fonts only: ReportLab cannot embed CFF/OpenType outlines (Noto CJK .ttc).
TRUETYPE_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/System/Library/Fonts/STHeiti Light.ttc",
    "C:/Windows/Fonts/simsun.ttc",
    "C:/Windows/Fonts/msyh.ttc",
)


@lru_cache(maxsize=1)
def pdf_font_name() -> str:
    """Register and return the CJK font for PDFs (once per process)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont

    configured = getattr(settings, "MEDIATION_PDF_FONT", "") or ""
    for path in (configured, *TRUETYPE_CANDIDATES):
        if not path or not Path(path).is_file():
            continue
        try:
            pdfmetrics.registerFont(TTFont("GongzhiCJK", path, subfontIndex=0))
        except Exception:  # noqa: BLE001,S112 - CFF outlines or a broken file: try the next one
            continue
        return "GongzhiCJK"
    pdfmetrics.registerFont(UnicodeCIDFont(CID_FALLBACK))
    return CID_FALLBACK
