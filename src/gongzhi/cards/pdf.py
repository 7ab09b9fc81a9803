"""Connection cards as a printable PDF: A4 pages of 2 × 4 cards with dashed cut lines.

Drawn straight onto a ReportLab canvas (no platypus layout), and the QR code as vector
rectangles, one per run of dark modules: both matter at 8,093 cards per file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, BinaryIO

from django.urls import reverse

from gongzhi.cards.content import CardData, Person
from gongzhi.core.pdf import pdf_font_name
from gongzhi.core.text import xml_safe
from gongzhi.grids.models import Grid
from gongzhi.portal.services import bind_token_for

TITLE = "民情连心卡"
SYNTHETIC_MARK = "演示数据(合成)"
COLS, ROWS = 2, 4
MAX_WORKERS = 2  # more would not fit; the card then says how many more there are
PROGRESS_EVERY = 100
# A fixed mask: choosing the best of eight costs ~5x the encoding itself, and any mask
# gives a valid code that phone scanners read.
QR_MASK = 2

Progress = Callable[[int, int], None]

if TYPE_CHECKING:  # segno is imported when a card is drawn, not by every process
    import segno


def bind_url(unit_id: int, base_url: str) -> str:
    """The URL a card's QR code holds: the portal's signed bind link for that unit."""
    token = bind_token_for(Grid(pk=unit_id))
    return base_url.rstrip("/") + reverse("portal_bind_qr", args=[token])


def qr_for(payload: str) -> segno.QRCode:
    import segno

    return segno.make(payload, error="m", mask=QR_MASK, micro=False)


def card_lines(card: CardData) -> list[str]:
    """The card's text below the title, in print order (also what tests read back)."""
    lines = [f"地址:{card.address}"]
    for w in card.workers[:MAX_WORKERS]:
        lines.append(f"网格员:{w.name} {w.phone}".rstrip())
        if w.roles:
            lines.append("五大员:" + "、".join(w.roles))
        if w.hours:
            lines.append(f"工作时间:{w.hours}")
    if len(card.workers) > MAX_WORKERS:
        lines.append(f"(另有网格员 {len(card.workers) - MAX_WORKERS} 人)")
    if not card.workers:
        lines.append("网格员:待分配")
    lines += [f"社区民警:{_people(card.police) or '待分配'}"]
    if card.duty_phone:
        lines.append(f"社区值班电话:{card.duty_phone}")
    if card.hotline:
        lines.append(f"民情热线:{card.hotline}")
    if card.center_name or card.center_address:
        lines.append(f"综治中心:{card.center_name} {card.center_address}".rstrip())
    return [xml_safe(line) for line in lines]


def _people(people: Iterable[Person]) -> str:
    return ";".join(f"{p.name} {p.phone}".rstrip() for p in people)


class CardSheet:
    """Lays cards out on A4 pages; `add` one card at a time, then `close`."""

    def __init__(self, out: BinaryIO, *, title: str = TITLE, font: str | None = None):
        from reportlab.lib.pagesizes import A4
        from reportlab.lib.units import mm
        from reportlab.pdfgen.canvas import Canvas

        self.mm = mm
        self.font = font or pdf_font_name()
        self.page_w, self.page_h = A4
        self.margin = 8 * mm
        self.card_w = (self.page_w - 2 * self.margin) / COLS
        self.card_h = (self.page_h - 2 * self.margin) / ROWS
        self.canvas = Canvas(out, pagesize=A4, pageCompression=1)
        self.canvas.setTitle(title)
        self.canvas.setAuthor("gongzhi")
        self.slot = 0
        self.count = 0

    def add(self, card: CardData, qr_payload: str) -> None:
        col, row = self.slot % COLS, self.slot // COLS
        x = self.margin + col * self.card_w
        y = self.page_h - self.margin - (row + 1) * self.card_h
        self._card(card, qr_payload, x, y)
        self.count += 1
        self.slot += 1
        if self.slot == COLS * ROWS:
            self._finish_page()

    def close(self) -> None:
        if self.slot:
            self._finish_page()
        if not self.count:  # an empty subtree still gives a valid one-page PDF
            self.canvas.setFont(self.font, 12)
            self.canvas.drawString(self.margin, self.page_h / 2, "所选网格下没有可打印的连心卡。")
            self.canvas.showPage()
        self.canvas.save()

    def _finish_page(self) -> None:
        self._cut_lines()
        self.canvas.showPage()
        self.slot = 0

    def _cut_lines(self) -> None:
        c, m = self.canvas, self.margin
        c.saveState()
        c.setStrokeGray(0.6)
        c.setLineWidth(0.3)
        c.setDash(3, 3)
        for i in range(COLS + 1):
            x = m + i * self.card_w
            c.line(x, m, x, self.page_h - m)
        for j in range(ROWS + 1):
            y = m + j * self.card_h
            c.line(m, y, self.page_w - m, y)
        c.restoreState()

    def _card(self, card: CardData, payload: str, x: float, y: float) -> None:
        c, mm = self.canvas, self.mm
        pad = 4 * mm
        top = y + self.card_h - pad
        c.setFont(self.font, 13)
        c.drawString(x + pad, top - 12, TITLE)
        if card.synthetic:
            c.saveState()
            c.setFillColorRGB(0.75, 0.1, 0.1)
            c.setFont(self.font, 7)
            c.drawString(x + pad + 70, top - 11, SYNTHETIC_MARK)
            c.restoreState()
        qr_size = 26 * mm
        qr_x = x + self.card_w - pad - qr_size
        qr_top = top - 2
        self._qr(qr_for(payload), qr_x, qr_top - qr_size, qr_size)
        c.setFont(self.font, 6)
        c.drawCentredString(qr_x + qr_size / 2, qr_top - qr_size - 8, "微信扫码 绑定金泉之窗")
        self._text(
            card_lines(card), x + pad, top - 25, y + pad, qr_x - 2 * mm, qr_top - qr_size - 10
        )

    def _text(self, lines, left, top, bottom, narrow_right, qr_bottom) -> None:
        size, leading = 7.5, 9.6
        c = self.canvas
        c.setFont(self.font, size)
        wide_right = left + self.card_w - 8 * self.mm
        y = top
        for line in lines:
            while line:
                if y < bottom:
                    return
                right = narrow_right if y + size > qr_bottom else wide_right
                head, line = _split(line, right - left, self.font, size)
                c.drawString(left, y, head)
                y -= leading

    def _qr(self, qr: segno.QRCode, x: float, y: float, size: float) -> None:
        matrix = qr.matrix
        n = len(matrix) + 8  # the 4-module quiet zone on each side
        unit = size / n
        path = self.canvas.beginPath()
        top = y + size - 4 * unit
        for r, row in enumerate(matrix):
            row_y = top - (r + 1) * unit
            start = None
            for col, dark in enumerate((*row, 0)):
                if dark and start is None:
                    start = col
                elif not dark and start is not None:
                    path.rect(x + (4 + start) * unit, row_y, (col - start) * unit, unit)
                    start = None
        self.canvas.drawPath(path, stroke=0, fill=1)


@lru_cache(maxsize=4096)
def _char_width(ch: str, font: str, size: float) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return stringWidth(ch, font, size)


def _split(text: str, width: float, font: str, size: float) -> tuple[str, str]:
    """The longest head of `text` that fits `width`, and the rest (CJK: break anywhere)."""
    used = 0.0
    for i, ch in enumerate(text):
        used += _char_width(ch, font, size)
        if used > width:
            return text[: max(i, 1)], text[max(i, 1) :]
    return text, ""


def cards_pdf_write(
    cards: Iterable[CardData],
    out: BinaryIO,
    *,
    base_url: str,
    total: int = 0,
    progress: Progress | None = None,
) -> int:
    """Render every card into `out`; calls progress(done, total) every PROGRESS_EVERY cards."""
    sheet = CardSheet(out)
    for card in cards:
        sheet.add(card, bind_url(card.unit_id, base_url))
        if progress and sheet.count % PROGRESS_EVERY == 0:
            progress(sheet.count, total)
    sheet.close()
    if progress:
        progress(sheet.count, total)
    return sheet.count
