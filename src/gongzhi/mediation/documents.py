"""The mediation agreement (调解协议书) as PDF (ReportLab) and DOCX (python-docx).

Both render the same content from `agreement_content`; the PDF's CJK font is core.pdf's.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from gongzhi.core.pdf import pdf_font_name
from gongzhi.core.text import xml_safe

from .models import Agreement, Party


@dataclass(frozen=True)
class PartyLine:
    side: str
    text: str


@dataclass(frozen=True)
class AgreementContent:
    title: str
    number: str
    center: str
    parties: list[PartyLine]
    sections: list[tuple[str, str]]
    closing: str
    signatures: list[str]
    synthetic: bool


def _party_text(p: Party) -> str:
    bits = [p.name]
    if p.kind == Party.Kind.PERSON:
        bits += [x for x in (p.gender, f"{p.age}岁" if p.age is not None else "") if x]
        if p.id_masked:  # the template's 身份证号, masked: first 6 and last 4 digits only
            bits.append(f"身份证号:{p.id_masked}")
    else:
        bits.append("(单位)")
    if p.address:
        bits.append(f"住址:{p.address}")
    if p.representative:
        label = "法定代表人" if p.kind == Party.Kind.ORGANISATION else "代理人"
        bits.append(f"{label}:{p.representative}")
    return ",".join(bits)


def money(amount) -> str:
    return f"{amount:,.2f}元" if amount is not None else ""


def agreement_content(agreement: Agreement) -> AgreementContent:
    d = agreement.dispute
    ordered = list(d.parties.order_by("side", "pk"))
    parties = [PartyLine(p.get_side_display(), _party_text(p)) for p in ordered]
    performance = f"履行方式:{agreement.performance_method}"
    if agreement.performance_place:
        performance += f";履行地点:{agreement.performance_place}"
    performance += f";履行期限:{agreement.performance_deadline:%Y年%m月%d日}前履行完毕。"
    sections = [
        ("纠纷主要事实", agreement.facts),
        ("争议事项", agreement.disputed_matters),
        ("各方责任", agreement.responsibilities),
        ("经调解,双方自愿达成如下协议", agreement.terms),
    ]
    if agreement.compensation is not None:
        sections.append(("赔偿金额", f"人民币{money(agreement.compensation)}"))
    sections.append(("履行方式、地点和期限", performance))
    closing = (
        f"本协议自{agreement.effective_on:%Y年%m月%d日}起生效。本协议一式{agreement.copies}份,"
        "当事人各执一份,人民调解委员会留存一份。当事人可以自协议生效之日起三十日内"
        "共同向人民法院申请司法确认。"
    )
    # Each party signs on their own day: the date is printed once recorded, else left to fill.
    signatures = [
        f"{p.get_side_display()}(签名或按指印):{p.name}    日期:"
        + (f"{p.signed_on:%Y年%m月%d日}" if p.signed_on else "    年  月  日")
        for p in ordered
    ]
    signatures += [
        f"调解员(签名):{agreement.mediator_names}",
        f"{d.center.name}人民调解委员会(印章)",
        f"{agreement.effective_on:%Y年%m月%d日}",
    ]
    return AgreementContent(
        title="人民调解协议书",
        number=d.number,
        center=d.center.name,
        parties=parties,
        sections=sections,
        closing=closing,
        signatures=signatures,
        synthetic=d.is_synthetic,
    )


# PDF ------------------------------------------------------------------------------------


def agreement_pdf(agreement: Agreement, *, font: str | None = None) -> bytes:
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    font = font or pdf_font_name()
    c = agreement_content(agreement)
    body = ParagraphStyle("body", fontName=font, fontSize=11.5, leading=19, wordWrap="CJK")
    head = ParagraphStyle("head", parent=body, fontSize=12.5, spaceBefore=6)
    title = ParagraphStyle("title", parent=body, fontSize=20, leading=28, alignment=TA_CENTER)
    center = ParagraphStyle("center", parent=body, alignment=TA_CENTER)
    story = [Paragraph(c.title, title), Paragraph(c.number, center), Spacer(1, 4 * mm)]
    for line in c.parties:
        story.append(Paragraph(_esc(f"{line.side}:{line.text}"), body))
    for heading, text in c.sections:
        story.append(Paragraph(_esc(f"{heading}:"), head))
        for para in xml_safe(text).splitlines() or [""]:
            story.append(Paragraph(_esc(para), body))
    story += [Spacer(1, 3 * mm), Paragraph(_esc(c.closing), body), Spacer(1, 8 * mm)]
    story += [Paragraph(_esc(s), body) for s in c.signatures]
    if c.synthetic:
        story += [Spacer(1, 6 * mm), Paragraph("【演示数据,不对应真实个人】", center)]
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=25 * mm,
        rightMargin=25 * mm,
        topMargin=22 * mm,
        bottomMargin=22 * mm,
        title=f"{c.title} {c.number}",
        author=c.center,
    )
    doc.build(story)
    return buf.getvalue()


def _esc(text: str) -> str:
    return xml_safe(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# DOCX -----------------------------------------------------------------------------------


def agreement_docx(agreement: Agreement) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    c = agreement_content(agreement)
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = "SimSun", Pt(12)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")  # Word picks CJK fonts from here
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(xml_safe(c.title))
    run.bold, run.font.size = True, Pt(20)
    number = doc.add_paragraph(xml_safe(c.number))
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for line in c.parties:
        doc.add_paragraph(xml_safe(f"{line.side}:{line.text}"))
    for title, text in c.sections:
        doc.add_paragraph().add_run(xml_safe(f"{title}:")).bold = True
        for para in xml_safe(text).splitlines() or [""]:
            doc.add_paragraph(xml_safe(para))
    doc.add_paragraph(xml_safe(c.closing))
    for s in c.signatures:
        doc.add_paragraph(xml_safe(s))
    if c.synthetic:
        doc.add_paragraph("【演示数据,不对应真实个人】")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
