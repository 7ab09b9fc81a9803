"""The seed story's residents are demo residents bound to their units (issue 15.9)."""

import io

import pytest
from django.core.management import call_command

from gongzhi.core.idcard import parse_id_number
from gongzhi.people.models import Resident
from gongzhi.portal.models import ResidentAccount
from gongzhi.seeding.story import DEMO_PHONE


@pytest.fixture
def demo(db, settings):
    settings.DEMO_MODE = True
    call_command("seed", "--scale", "demo", "--no-history", stdout=io.StringIO())
    out = io.StringIO()
    call_command("demo_accounts", stdout=out)
    return out.getvalue()


def test_ru_yufang_and_zhou_jinyu_live_in_their_compounds_and_are_synthetic(demo):
    ru = Resident.objects.get(name="茹玉芳", is_synthetic=True)
    zhou = Resident.objects.get(name="周金玉", is_synthetic=True)

    assert "金泉路社区" in ru.grid.full_name and "公园路46号楼院" in ru.grid.full_name
    assert "金泉路社区" in zhou.grid.full_name and "悦和家园" in zhou.grid.full_name
    assert ru.household.is_synthetic and zhou.household.is_synthetic
    assert parse_id_number(ru.id_number).gender == "F"  # checksum-valid, like all demo IDs


def test_the_demo_resident_account_is_ru_yufang_bound_to_her_unit(demo):
    account = ResidentAccount.objects.get(phone_hash=Resident.objects.get(name="茹玉芳").phone_hash)

    assert account.phone == DEMO_PHONE
    assert account.resident.name == "茹玉芳"
    assert account.unit_id == account.resident.grid_id
    assert account.house_number == account.resident.household.house_number
    assert account.wechat_openid  # the demo shows all three channels
    assert "茹玉芳" in demo


def test_running_demo_accounts_again_creates_no_second_story_resident(demo):
    call_command("demo_accounts", stdout=io.StringIO())

    assert Resident.objects.filter(name__in=["茹玉芳", "周金玉"], is_synthetic=True).count() == 2
    assert ResidentAccount.objects.count() == 1
