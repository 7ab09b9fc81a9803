"""Members of social organisations (和事佬协会, 妈妈唠嗑队 …) can be assigned as mediators."""

import pytest
from django.core.exceptions import ValidationError

from gongzhi.mediation import services as svc
from gongzhi.mediation.models import MediationKind, Mediator
from gongzhi.social.models import OrgKind
from gongzhi.social.services import member_add, organisation_create


@pytest.fixture
def heshilao(district, xifeng):
    by = district.users["xifeng_center"]
    org = organisation_create(by=by, center=xifeng, name="西峰和事佬协会", kind=OrgKind.PEACEMAKERS)
    return member_add(by=by, organisation=org, name="老周", can_mediate=True)


def test_a_volunteer_mediator_from_a_social_organisation_can_be_assigned(
    district, nursery, heshilao
):
    dispute = nursery[0]
    m = svc.mediator_assign(
        by=district.users["xifeng_center"],
        dispute=dispute,
        kind=MediationKind.PEOPLE,
        volunteer=heshilao,
    )
    assert (m.volunteer_name, m.volunteer_org) == ("老周", "西峰和事佬协会")


def test_a_member_not_marked_as_mediator_is_refused_and_nothing_is_written(
    district, nursery, heshilao, xifeng
):
    by = district.users["xifeng_center"]
    visitor = member_add(by=by, organisation=heshilao.organisation, name="刘姐", can_visit=True)
    with pytest.raises(ValidationError, match="不能担任"):
        svc.mediator_assign(by=by, dispute=nursery[0], kind=MediationKind.PEOPLE, volunteer=visitor)
    assert not Mediator.objects.exists()


def test_the_mediator_step_offers_and_assigns_organisation_members(
    district, login, nursery, heshilao
):
    client = login("xifeng_center")
    dispute = nursery[0]
    page = client.get(f"/mediation/{dispute.pk}/")
    assert "老周(西峰和事佬协会)" in page.content.decode()
    response = client.post(
        f"/mediation/{dispute.pk}/mediator/", {"kind": "people", "volunteer": heshilao.pk}
    )
    assert response.status_code == 302
    assert Mediator.objects.get(dispute=dispute).volunteer_name == "老周"
