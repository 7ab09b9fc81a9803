"""The monthly report of a township or the district (综治工作月度报告), as a PDF.

ReportLab with the CJK font the mediation documents use (mediation.documents.pdf_font_name);
the charts are ReportLab graphics (vector, no browser). Every figure comes from the same
selectors as the command center's panels, and the KPIs from the daily aggregates, so the
report is generated in the request (a few hundred milliseconds on the demo district).
"""

from __future__ import annotations

import datetime as dt
import io

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.cases.kpis import RATE_LABELS, kpis_compute
from gongzhi.core import clock
from gongzhi.core.text import xml_safe
from gongzhi.grids.models import Grid
from gongzhi.mediation.documents import pdf_font_name

from . import selectors as s

PALETTE = ("#3ba1ff", "#36cfc9", "#ffc53d", "#ff7a45", "#9254de", "#73d13d", "#f759ab", "#597ef7")


def _esc(text) -> str:
    text = xml_safe("" if text is None else str(text))
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _show(value, suffix: str = "") -> str:
    return "—" if value is None else f"{value}{suffix}"


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    """The month's first day and its last day that has begun (today for this month)."""
    last = s.add_months(month, 1) - dt.timedelta(days=1)
    return month, min(last, clock.today())


def report_figures(user, grid: Grid, month: dt.date) -> dict:
    """Everything the report prints; the tests compare it with the panels' numbers."""
    first, last = month_bounds(month)
    period = s.period_custom(first, last)
    days = (last - first).days + 1
    return {
        "kpis": kpis_compute(period=period, grid=grid, user=user),
        "days": s.trend_days(user, grid, end=last, days=days),
        "categories": s.categories(user, grid, end=last, days=days),
        "rates": s.rates_per_child(user, grid, period=period),
        "top": s.top_grids(user, grid),
        "rooms": s.rooms(user, grid),
        "first": first,
        "last": last,
    }


def monthly_report_pdf(user, grid: Grid, month: dt.date) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = pdf_font_name()
    f = report_figures(user, grid, month)
    body = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=16, wordWrap="CJK")
    head = ParagraphStyle("head", parent=body, fontSize=13, leading=20, spaceBefore=8, spaceAfter=4)
    title = ParagraphStyle("title", parent=body, fontSize=19, leading=28, alignment=TA_CENTER)
    center = ParagraphStyle("center", parent=body, alignment=TA_CENTER)
    name = grid.full_name or grid.name

    def table(rows, widths=None):
        t = Table(rows, colWidths=widths, repeatRows=1)
        t.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), font),
                    ("FONTSIZE", (0, 0), (-1, -1), 9),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef7")),
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa7b8")),
                    ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ]
            )
        )
        return t

    story = [
        Paragraph(_esc(_("%(name)s综治工作月度报告") % {"name": name}), title),
        Paragraph(_esc(f"{f['first']:%Y-%m-%d} — {f['last']:%Y-%m-%d}"), center),
        Paragraph(
            _esc(
                _("生成时间:%(at)s") % {"at": f"{timezone.localtime(clock.now()):%Y-%m-%d %H:%M}"}
            ),
            center,
        ),
    ]
    if grid.is_synthetic or settings.DEMO_MODE:
        story.append(Paragraph(_esc(_("【演示数据(合成),不对应真实个人】")), center))
    story.append(Spacer(1, 4 * mm))

    kpis = f["kpis"]
    rows = [[_("指标"), _("数值"), _("分子"), _("分母")]]
    for key, rate in kpis.rates():
        rows.append([str(RATE_LABELS[key]), str(rate), rate.numerator, rate.denominator])
    hours = kpis.avg_handling_hours
    rows.append(
        [_("平均办理时长(小时)"), _show(None if hours is None else round(hours, 1)), "", ""]
    )
    rows.append([_("综合得分"), _show(kpis.score), "", ""])
    story += [
        Paragraph(_esc(_("一、主要考核指标")), head),
        table(rows, [60 * mm, 35 * mm, 30 * mm, 30 * mm]),
    ]

    story += [Paragraph(_esc(_("二、每日事件量")), head), _day_chart(f["days"], font)]
    story += [Paragraph(_esc(_("三、事件类别")), head), _category_chart(f["categories"], font)]

    rates = f["rates"]
    rows = [[_("网格"), *rates["labels"].values()]]
    for r in rates["rows"]:
        rows.append([r["name"], *(_show(r[k]["percent"], "%") for k in rates["labels"])])
    story += [Paragraph(_esc(_("四、三率与网格内、社区内化解率")), head), table(rows)]

    rows = [[_("网格"), _("办理中"), _("超时")]]
    rows += [[Paragraph(_esc(r["name"]), body), r["open"], r["overdue"]] for r in f["top"]]
    if len(rows) == 1:
        rows.append([_("暂无"), "", ""])
    story += [
        Paragraph(_esc(_("五、办理中事件较多的网格(截至生成时)")), head),
        table(rows, [110 * mm, 25 * mm, 25 * mm]),
    ]

    rooms = f["rooms"]
    rows = [[_("科室"), _("指标"), _("数值")]]
    for room, label in (("mediation", _("矛盾纠纷调解室")), ("care", _("关爱工作室"))):
        for key, value in rooms[room].items():
            rows.append([label, str(s.ROOM_LABELS[room][key]), _show(value)])
    story += [Paragraph(_esc(_("六、调解室与关爱工作室")), head), table(rows)]

    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=_("%(name)s综治工作月度报告") % {"name": name},
        author=settings.DISTRICT_NAME,
    )
    doc.build(story)
    return buf.getvalue()


def _day_chart(points: list[dict], font: str):
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.charts.legends import Legend
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors

    drawing = Drawing(480, 190)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 36, 30, 430, 130
    chart.data = [[p["accept_due"] for p in points] or [0], [p["closed"] for p in points] or [0]]
    chart.categoryAxis.categoryNames = [p["label"][-2:] for p in points] or [""]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 6
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 7
    chart.barSpacing, chart.groupSpacing = 0.5, 2
    for i, colour in enumerate(PALETTE[:2]):
        chart.bars[i].fillColor = colors.HexColor(colour)
        chart.bars[i].strokeColor = None
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y, legend.fontName, legend.fontSize = 40, 182, font, 8
    legend.alignment, legend.columnMaximum, legend.dx, legend.dy = "right", 1, 8, 8
    legend.colorNamePairs = [
        (colors.HexColor(PALETTE[0]), str(s.TREND_LABELS["accept_due"])),
        (colors.HexColor(PALETTE[1]), str(s.TREND_LABELS["closed"])),
    ]
    drawing.add(legend)
    return drawing


def _category_chart(rows: list[dict], font: str):
    from reportlab.graphics.charts.legends import Legend
    from reportlab.graphics.charts.piecharts import Pie
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors

    drawing = Drawing(480, 170)
    if not rows:
        drawing.add(String(20, 80, _("本月暂无上报事件"), fontName=font, fontSize=10))
        return drawing
    shown = rows[:8]
    pie = Pie()
    pie.x, pie.y, pie.width, pie.height = 20, 10, 150, 150
    pie.data = [r["count"] for r in shown]
    pie.labels = None
    pie.slices.strokeWidth = 0.5
    for i in range(len(shown)):
        pie.slices[i].fillColor = colors.HexColor(PALETTE[i % len(PALETTE)])
    drawing.add(pie)
    legend = Legend()
    legend.x, legend.y, legend.fontName, legend.fontSize = 210, 150, font, 9
    legend.alignment, legend.columnMaximum, legend.dy = "right", 8, 9
    legend.colorNamePairs = [
        (colors.HexColor(PALETTE[i % len(PALETTE)]), f"{r['name']}  {r['count']}")
        for i, r in enumerate(shown)
    ]
    drawing.add(legend)
    return drawing
