"""Writes for the residents' portal: accounts, unit binding, posts (as cases), moderation,
reactions and ratings. Cases are created and moved only through cases.services."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.cases.models import Case, Category, Channel
from gongzhi.cases.notify import notify_users
from gongzhi.cases.resident_notify import center_staff_ids
from gongzhi.cases.services import case_act, case_create
from gongzhi.core import clock, crypto
from gongzhi.core.access import require
from gongzhi.core.masking import mask_name
from gongzhi.core.roles import BIND_APPROVE, MODERATE
from gongzhi.grids.models import Grid, Level
from gongzhi.people.models import Resident

from .models import BindRequest, BoardSetting, PostModeration, PostReaction, ResidentAccount
from .workflow import BIND_REQUEST

if TYPE_CHECKING:
    from collections.abc import Sequence

    from django.core.files.uploadedfile import UploadedFile

    from gongzhi.core.types import Actor


BIND_SALT = "gongzhi.portal.bind"
BIND_MAX_AGE = 10 * 365 * 24 * 3600  # printed cards hang on a wall for years
MAX_PHOTOS = 9
MAX_TEXT = 2000

# Keyword → top-level category code (REFERENCE §6). First match wins, so the more specific
# words come first. Top-level categories have no required extra questions, which a
# resident could not answer.
KEYWORDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("吵架", "纠纷", "邻居", "噪音", "扰民", "拖欠工资", "物业费", "打架"), "01"),
    (("偷", "盗", "可疑", "诈骗", "监控", "门禁", "治安"), "02"),
    (("垃圾", "乱贴", "小广告", "占道", "摆摊", "施工", "脏", "异味", "杂草"), "03"),
    (("路灯", "井盖", "道路", "坑", "绿化", "树", "座椅", "漏水", "电梯", "停车"), "04"),
    (("社保", "医保", "看病", "就业", "上学", "低保", "办证", "停水", "停电", "暖气"), "05"),
    (("独居", "老人", "残疾", "困难", "留守", "照顾"), "07"),
    (("心理", "焦虑", "抑郁", "想不开"), "08"),
    (("政策", "法律", "咨询", "怎么办理"), "10"),
    (("建议", "意见", "希望"), "09"),
)
PORTAL_CATEGORY_CODES = ("01", "02", "03", "04", "05", "07", "08", "09", "10", "12")


def category_suggest(text: str) -> Category | None:
    """The category a post's text most likely belongs to (gongzhi.intel: the trained model,
    this module's keyword table before one exists), one a resident can file without extras."""
    from gongzhi.intel.suggest import suggest_category, usable_for_resident

    suggestion = suggest_category(text)
    return usable_for_resident(suggestion) if suggestion.source != "none" else None


def category_suggest_keywords(text: str) -> Category | None:
    """The cold-start rule: the first keyword group found in the text."""
    text = text or ""
    for words, code in KEYWORDS:
        if any(w in text for w in words):
            return Category.objects.filter(code=code, active=True).first()
    return None


def portal_categories() -> list[Category]:
    return list(Category.objects.filter(code__in=PORTAL_CATEGORY_CODES, active=True))


@transaction.atomic
def account_get_or_create(*, phone: str) -> ResidentAccount:
    """The account for a verified phone. A registry resident with that phone is linked,
    and their household's unit bound: the SMS code proved they own the number."""
    phone_hash = crypto.blind_index("phone", phone)
    account = ResidentAccount.objects.filter(
        phone_hash__in=crypto.blind_indexes("phone", phone)
    ).first()
    if account is None:
        user = get_user_model().objects.create_user(username=f"resident-{phone_hash[:20]}")
        user.set_unusable_password()
        user.save(update_fields=["password"])
        account = ResidentAccount(user=user)
        account.set_phone(phone)
        account.save()
    if account.resident_id is None:
        residents = Resident.objects.filter(
            phone_hash__in=crypto.blind_indexes("phone", phone)
        ).select_related("household")
        resident = residents.order_by("pk").first()
        if resident is not None:
            account.resident = resident
            if account.unit_id is None:
                account.unit, account.household = resident.grid, resident.household
                account.house_number = resident.household.house_number
                account.bound_via = "registry"
            account.save()
    return account


def _unit_or_error(unit: Grid) -> Grid:
    if unit is None or unit.level != Level.UNIT:
        raise ValidationError({"unit": _("请选择一个具体的单元(五级网格)")})
    return unit


@transaction.atomic
def account_bind_unit(*, account: ResidentAccount, unit: Grid, via: str) -> ResidentAccount:
    account.unit = _unit_or_error(unit)
    if account.household is not None and account.household.unit_id != unit.pk:
        account.household = None
    account.bound_via = via
    account.save(update_fields=["unit", "household", "bound_via"])
    return account


def bind_token_for(unit: Grid) -> str:
    """The signed part of a connection card's QR URL (/bind/<token>/)."""
    return signing.dumps({"g": unit.pk}, salt=BIND_SALT, compress=True)


def bind_token_unit(token: str) -> Grid:
    try:
        data = signing.loads(token, salt=BIND_SALT, max_age=BIND_MAX_AGE)
    except signing.SignatureExpired:
        raise ValidationError(_("该二维码已过期,请联系网格员获取新的连心卡")) from None
    except signing.BadSignature:
        raise ValidationError(_("二维码无效,请确认扫描的是本社区的连心卡")) from None
    unit = Grid.objects.filter(pk=data.get("g"), level=Level.UNIT).first()
    if unit is None:
        raise ValidationError(_("该二维码对应的单元已不存在,请联系社区"))
    return unit


@transaction.atomic
def bind_request_create(
    *, account: ResidentAccount, unit: Grid, house_number: str = "", note: str = ""
) -> BindRequest:
    unit = _unit_or_error(unit)
    if BindRequest.objects.filter(account=account, status=BindRequest.Status.PENDING).exists():
        raise ValidationError({"unit": _("您已有一条待确认的绑定申请,请等待社区工作人员确认")})
    request = BindRequest.objects.create(
        account=account,
        unit=unit,
        house_number=(house_number or "").strip()[:30],
        note=(note or "").strip()[:200],
    )
    notify_users(
        center_staff_ids(unit),
        kind="waits_bind",
        title=_("绑定申请待确认:%(unit)s") % {"unit": unit.full_name[-60:]},
    )
    return request


@transaction.atomic
def bind_request_decide(*, by: Actor, request: BindRequest, approve: bool) -> BindRequest:
    locked = BindRequest.objects.select_for_update().get(pk=request.pk)
    require(by, BIND_APPROVE, locked.unit)
    locked.status = BIND_REQUEST.next_status(locked.status, "approve" if approve else "reject")
    locked.decided_by, locked.decided_at = by, clock.now()
    locked.save()
    if approve:
        account = account_bind_unit(account=locked.account, unit=locked.unit, via="staff")
        account.house_number = locked.house_number
        account.save(update_fields=["house_number"])
    return locked


def community_of(grid: Grid) -> Grid:
    """The level-1 grid (社区/乡镇) a grid belongs to."""
    if grid.level <= Level.TOWNSHIP:
        return grid
    return Grid.objects.get(path=grid.path[: Grid.steplen * (Level.TOWNSHIP + 1)])


@transaction.atomic
def post_create(
    *,
    account: ResidentAccount,
    text: str,
    category: Category | None = None,
    photos: Sequence[UploadedFile] = (),
    lat: float | None = None,
    lng: float | None = None,
    is_public: bool = True,
    show_name: bool = False,
    idempotency_key: str = "",
) -> Case:
    """A message-board post becomes a case (channel 留言板). Replays return the same case."""
    text = (text or "").strip()
    errors = {}
    if account.unit_id is None:
        errors["unit"] = _("请先绑定您居住的单元,再发布留言")
    if not text:
        errors["text"] = _("请填写留言内容")
    elif len(text) > MAX_TEXT:
        errors["text"] = _("留言内容不能超过%(n)d个字") % {"n": MAX_TEXT}
    if len(photos) > MAX_PHOTOS:
        errors["photos"] = _("最多上传%(n)d张照片") % {"n": MAX_PHOTOS}
    if errors:
        raise ValidationError(errors)
    category = category or category_suggest(text) or Category.objects.get(code="12")
    key = (idempotency_key or "").strip()[:60]
    # A pin on the map places the case in the grid that contains it; else the home unit.
    pinned = lat is not None and lng is not None
    case = case_create(
        by=None,
        title=text[:30],
        description=text,
        category=category,
        channel=Channel.MESSAGE_BOARD,
        grid=None if pinned else account.unit,
        lat=lat if pinned else None,
        lng=lng if pinned else None,
        reporter_resident=account.resident,
        reporter_user=account.user,
        is_public=is_public,
        attachments=photos,
        idempotency_key=f"portal-{account.pk}-{key}" if key else None,
    )
    setting = BoardSetting.objects.filter(community=community_of(case.grid)).first()
    status = PostModeration.Status.PUBLISHED
    if setting and setting.require_approval:
        status = PostModeration.Status.PENDING
    author = "匿名居民"
    if show_name and account.resident is not None:
        author = f"居民{mask_name(account.resident.name)}"
    _row, created = PostModeration.objects.get_or_create(
        case=case, defaults={"status": status, "author_display": author}
    )
    if created and status == PostModeration.Status.PENDING:
        notify_users(
            center_staff_ids(case.grid),
            case=case,
            kind="waits_moderation",
            title=_("留言待审核:%(number)s") % {"number": case.number},
            body=case.title,
        )
    return case


def _require_moderator(by: Actor, case: Case) -> None:
    require(by, MODERATE, case.grid)


@transaction.atomic
def post_moderate(
    *,
    by: Actor,
    case: Case,
    status: str | None = None,
    redacted_text: str | None = None,
    reason: str = "",
) -> PostModeration:
    """Hide, publish (approve) or redact a post. The case itself is never changed."""
    _require_moderator(by, case)
    row, _created = PostModeration.objects.select_for_update().get_or_create(case=case)
    if status is not None:
        if status not in PostModeration.Status.values:
            raise ValidationError({"status": _("未知的审核状态")})
        row.status = status
    if redacted_text is not None:
        row.redacted_text = redacted_text.strip()[:MAX_TEXT]
    row.reason = (reason or "").strip()[:200]
    row.moderated_by, row.moderated_at = by, clock.now()
    row.save()
    return row


@transaction.atomic
def board_setting_set(*, by: Actor, community: Grid, require_approval: bool) -> BoardSetting:
    require(by, MODERATE, community, _("您无权修改该社区留言板设置"))
    row, _created = BoardSetting.objects.update_or_create(
        community=community, defaults={"require_approval": require_approval}
    )
    return row


@transaction.atomic
def post_react(*, account: ResidentAccount, case: Case, kind: str, on: bool = True) -> int:
    """Add (or, for follows, remove) a reaction; returns the post's count of that kind.

    "Me too" counts once per account; pressing it again changes nothing.
    """
    if kind not in PostReaction.Kind.values:
        raise ValidationError({"kind": _("未知的操作")})
    if on:
        PostReaction.objects.get_or_create(case=case, account=account, kind=kind)
    elif kind == PostReaction.Kind.FOLLOW:
        PostReaction.objects.filter(case=case, account=account, kind=kind).delete()
    return PostReaction.objects.filter(case=case, kind=kind).count()


def post_rate(
    *,
    account: ResidentAccount,
    case: Case,
    rating: str,
    stars: int | str | None,
    comment: str = "",
    resolved: bool | None = None,
) -> Case:
    """The reporter's confirmation and rating (the workflow's follow_up, reporter rule)."""
    mine = case.reporter_user_id == account.user_id or (
        not case.reporter_user_id
        and account.resident_id
        and case.reporter_resident_id == account.resident_id
    )
    if not mine:
        raise PermissionDenied(_("只能评价自己的留言"))
    return case_act(
        case=case,
        by=account.user,
        action="follow_up",
        expected_version=case.version,
        comment=comment,
        rating=rating,
        stars=stars,
        resolved=resolved,
    )


@transaction.atomic
def portal_demo_resident() -> ResidentAccount | None:
    """The demo resident: 茹玉芳 of the seed story (phone 13800000000), bound to her unit in
    公园路46号楼院 with every channel (a synthetic WeChat link). Idempotent; None when the
    demo district has not been seeded."""
    from gongzhi.seeding.story import DEMO_PHONE, story_residents_ensure

    ruyufang = story_residents_ensure().get("茹玉芳")
    if ruyufang is None:
        return None
    account = account_get_or_create(phone=DEMO_PHONE)
    account.resident, account.household = ruyufang, ruyufang.household
    account.unit_id, account.bound_via = ruyufang.grid_id, "registry"
    account.house_number = ruyufang.household.house_number
    account.wechat_openid = account.wechat_openid or DEMO_OPENID
    account.save()
    return account


DEMO_OPENID = "demo-openid-ruyufang"


OPENID_RE = re.compile(r"[A-Za-z0-9_-]{6,64}")


@transaction.atomic
def account_notify_set(*, account: ResidentAccount, sms: bool, wechat: bool) -> ResidentAccount:
    """The resident's channels besides the message centre (which always gets every update)."""
    account.notify_sms, account.notify_wechat = bool(sms), bool(wechat)
    account.save(update_fields=["notify_sms", "notify_wechat"])
    return account


@transaction.atomic
def account_wechat_link(*, account: ResidentAccount, openid: str) -> ResidentAccount:
    """Link the WeChat user the mini-program signed in (its openid; empty unlinks)."""
    openid = (openid or "").strip()
    if openid and not OPENID_RE.fullmatch(openid):
        raise ValidationError({"openid": _("微信标识格式不正确")})
    account.wechat_openid = openid
    account.save(update_fields=["wechat_openid"])
    return account
