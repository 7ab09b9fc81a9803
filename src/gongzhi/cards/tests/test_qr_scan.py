"""The printed cards' QR codes scan: render the real PDF page and decode it like a phone would."""

import pypdfium2
import zxingcpp

from gongzhi.cards.content import UNIT
from gongzhi.cards.services import cards_print
from gongzhi.portal.services import bind_token_unit

BASE = "https://gz.example.cn"


def _decoded(pdf_path, scale: float) -> list[str]:
    doc = pypdfium2.PdfDocument(str(pdf_path))
    try:
        image = doc[0].render(scale=scale).to_pil().convert("L")
    finally:
        doc.close()
    return [
        r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode
    ]


def test_every_card_on_the_printed_page_scans_to_its_units_bind_link(street, tmp_path):
    out = tmp_path / "cards.pdf"
    cards_print(root=street.community, per=UNIT, out=out, base_url=BASE)
    for scale in (4, 2):  # ~300 and ~150 dpi: a good print and a cheap one
        texts = _decoded(out, scale)
        units = {bind_token_unit(t.removeprefix(f"{BASE}/bind/").rstrip("/")) for t in texts}
        assert len(texts) == 2, f"at scale {scale} decoded {texts}"
        assert units == {street.unit_1, street.unit_2}
