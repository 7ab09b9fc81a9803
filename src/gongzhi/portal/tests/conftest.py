"""Portal test helpers. Residents and posts are built through the portal's services."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gongzhi.portal import services


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def png_bytes(size=(40, 30), color="red") -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def photo(name="photo.png", data=None):
    return SimpleUploadedFile(name, data if data is not None else png_bytes(), "image/png")


def resident(d, phone="13800001234", unit=None):
    """A signed-up resident account; a registry phone binds the registry unit."""
    account = services.account_get_or_create(phone=phone)
    if unit is not None:
        services.account_bind_unit(account=account, unit=unit, via="qr")
    return account


def sign_in(client, account):
    from gongzhi.portal.auth import SESSION_KEY

    session = client.session
    session[SESSION_KEY] = account.pk
    session.save()
    return client


@pytest.fixture
def world(district, settings, tmp_path):
    """One of everything a portal page can show (the accessibility checks, issue 15.8): the demo
    resident 茹玉芳 with a case to rate, a rated one, a call, a live session, an open household
    vote, a policy article and FAQ, and her messages."""
    import datetime as dt

    from django.utils import timezone

    from gongzhi.cases.services import case_act
    from gongzhi.core.roles import Role
    from gongzhi.core.testing import PASSWORD
    from gongzhi.deliberation.services.procedure import deliberation_open, proposal_create
    from gongzhi.deliberation.services.voting import vote_create
    from gongzhi.hall import services as hall
    from gongzhi.org.services import staff_create
    from gongzhi.realtime import services as realtime

    settings.MEDIA_ROOT = tmp_path
    d = district
    account = services.portal_demo_resident()
    assert account is not None and account.unit_id == d.unit_a.pk
    gridworker, center = d.users["gridworker"], d.users["center"]
    steps = [
        (gridworker, "accept", ""), (gridworker, "self_handle", ""),
        (gridworker, "resolve", "已处理"), (center, "verify", ""), (center, "close", "已办结"),
    ]  # fmt: skip

    def closed(text, key):
        case = services.post_create(account=account, text=text, idempotency_key=key)
        for user, action, comment in steps:
            case = case_act(
                case=case, by=user, action=action, expected_version=case.version, comment=comment
            )
        return case

    to_rate = closed("公园路46号楼院杂草清除不及时,希望能及时清除。", "world-1")
    rated = closed("楼道灯坏了,晚上看不见", "world-2")
    services.post_rate(account=account, case=rated, rating="satisfied", stars=5, resolved=True)

    admin = d.users["admin"]
    article = hall.article_save(
        by=admin,
        title="城乡最低生活保障申请办理指南",
        body="申请低保需要准备身份证、户口簿和收入证明。" * 5,
        category="民生保障",
    )
    hall.faq_save(by=admin, question="低保多久审批?", answer="20个工作日")
    live = realtime.live_session_create(
        by=center, topic="物业费答疑", scheduled_at=timezone.now(), hosts=[center]
    )
    call = realtime.onekey_call_create(account=account)

    worker = staff_create(
        username="courtyard_worker",
        name="网格员丁",
        role=Role.GRID_WORKER,
        grids=[d.courtyard],
        password=PASSWORD,
    ).user
    proposal = proposal_create(
        grid=d.courtyard,
        title="楼院路灯太少",
        description="晚上回家太黑,建议增设路灯。",
        resident=account.resident,
    )
    deliberation = deliberation_open(
        by=worker,
        proposal=proposal,
        title="楼院增设路灯",
        description="楼院夜间照明不足,议定增设路灯。",
    )
    now = timezone.now()
    vote = vote_create(
        deliberation=deliberation,
        by=worker,
        question="是否同意每户集资50元增设路灯",
        opens_at=now - dt.timedelta(minutes=5),
        closes_at=now + dt.timedelta(days=3),
        quorum_pct="50",
        threshold_pct="50",
    )
    return {
        "account": account, "to_rate": to_rate, "rated": rated, "article": article,
        "live": live, "call": call, "vote": vote, "community": d.jinquan,
        "token": services.bind_token_for(d.unit_a),
    }  # fmt: skip
