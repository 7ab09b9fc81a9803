import datetime as dt

import pytest

from gongzhi.core import clock
from gongzhi.mediation import services as svc
from gongzhi.mediation.models import MediationKind, Party
from gongzhi.org.models import Center


@pytest.fixture
def xifeng(district):
    return Center.objects.get(grid=district.xifeng)


@pytest.fixture
def nursery(district, xifeng):
    """The seed's story: 张某 burned corn straw and set fire to 陈某's tree nursery."""
    by = district.users["xifeng_center"]
    dispute = svc.dispute_register(
        by=by,
        center=xifeng,
        title="焚烧秸秆引燃苗圃赔偿纠纷",
        facts="张某在自家承包地焚烧玉米秸秆,火势蔓延引燃相邻陈某的苗圃,烧毁树苗约两千株。",
        dispute_type="损害赔偿",
        amount="86000",
        kinds=[MediationKind.PEOPLE],
    )
    applicant = svc.party_add(
        by=by,
        dispute=dispute,
        side=Party.Side.APPLICANT,
        name="陈树林",
        resident=district.residents["x_head"],
        address="西峰镇西峰村一组",
    )
    respondent = svc.party_add(
        by=by,
        dispute=dispute,
        side=Party.Side.RESPONDENT,
        name="张德福",
        address="西峰镇西峰村一组",
    )
    return dispute, applicant, respondent


def consent_both(by, applicant, respondent):
    for p in (applicant, respondent):
        svc.consent_record(by=by, party=p, consented=True)


def agreement_fields(**over):
    today = clock.today()
    return {
        "facts": "张某焚烧秸秆引燃陈某苗圃。",
        "disputed_matters": "树苗损失的赔偿数额。",
        "responsibilities": "张某负全部责任。",
        "terms": "张某赔偿陈某树苗损失。",
        "performance_method": "现金一次性支付",
        "performance_place": "西峰镇综治中心",
        "performance_deadline": today + dt.timedelta(days=10),
        "effective_on": today,
        "compensation": "60000",
    } | over
