"""The agreement's DOCX and PDF are safe on their own: a control character stored in the
agreement (past the input boundary) does not break either writer (issue 12, finding 2)."""

import io
import zipfile

from gongzhi.mediation import services as svc
from gongzhi.mediation.documents import agreement_docx, agreement_pdf
from gongzhi.mediation.models import Agreement

from .conftest import agreement_fields, consent_both
from .test_story import pdf_text


def test_docx_and_pdf_drop_control_characters_instead_of_failing(district, nursery):
    by = district.users["xifeng_center"]
    dispute, applicant, respondent = nursery
    consent_both(by, applicant, respondent)
    agreement = svc.agreement_create(by=by, dispute=dispute, **agreement_fields())
    Agreement.objects.filter(pk=agreement.pk).update(facts="张某焚烧\x0b秸秆\x0c引燃\x1b苗圃。")
    agreement.refresh_from_db()

    docx = agreement_docx(agreement)
    pdf = agreement_pdf(agreement)

    xml = zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml").decode()
    assert "张某焚烧秸秆引燃苗圃。" in xml
    assert "张某焚烧秸秆引燃苗圃" in pdf_text(pdf).replace("\n", "")
