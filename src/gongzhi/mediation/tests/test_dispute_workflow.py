"""The dispute state table (its outcome: 调解中 until an agreement or failure), over every
(state, action) pair: through the table and through the services (an allowed move is made;
any other is refused in Chinese and writes nothing)."""

import pytest
from django.core.exceptions import ValidationError

from gongzhi.core import clock
from gongzhi.core.testing import row_of, table_pairs
from gongzhi.mediation import services as svc
from gongzhi.mediation.models import (
    Agreement,
    Consent,
    Dispute,
    FollowUpVisit,
    MediationKind,
    Mediator,
    Outcome,
    Party,
    Session,
)
from gongzhi.mediation.workflow import DISPUTE, TRANSITIONS

from .conftest import agreement_fields, consent_both

PAIRS = table_pairs(DISPUTE)
WRITES = (Party, Consent, Session, Mediator, Agreement, FollowUpVisit)


def test_only_a_running_mediation_ends_and_an_ended_one_only_takes_follow_ups():
    ending = {a for (s, a), t in TRANSITIONS.items() if s != t}
    assert ending == {"agree_written", "agree_oral", "fail"}
    assert {a for (s, a) in TRANSITIONS if s != Outcome.PENDING} == {"follow_up"}


CALLS = {
    "add_party": lambda by, d, ap: svc.party_add(
        by=by, dispute=d, side=Party.Side.RESPONDENT, name="王某"
    ),
    "record_consent": lambda by, d, ap: svc.consent_record(by=by, party=ap, consented=False),
    "record_session": lambda by, d, ap: svc.session_record(
        by=by, dispute=d, held_at=clock.now(), notes="双方陈述了各自意见。"
    ),
    "assign_mediator": lambda by, d, ap: svc.mediator_assign(
        by=by, dispute=d, kind=MediationKind.PEOPLE, volunteer_name="李调解"
    ),
    "agree_written": lambda by, d, ap: svc.agreement_create(by=by, dispute=d, **agreement_fields()),
    "agree_oral": lambda by, d, ap: svc.oral_agreement_record(by=by, dispute=d, terms="赔偿两万元"),
    "fail": lambda by, d, ap: svc.dispute_fail(
        by=by, dispute=d, note="双方分歧过大", routes_explained=True
    ),
    "follow_up": lambda by, d, ap: svc.follow_up_record(by=by, dispute=d, note="双方已和好。"),
}


def _written() -> list:
    consents = sorted(Consent.objects.values_list("party_id", "consented"))
    return [m.objects.count() for m in WRITES] + consents


def test_every_action_has_a_service():
    assert set(CALLS) == set(DISPUTE.actions)


@pytest.mark.parametrize(("status", "action"), PAIRS)
def test_the_services_follow_the_table(district, nursery, status, action):
    dispute, applicant, respondent = nursery
    by = district.users["xifeng_center"]
    consent_both(by, applicant, respondent)
    Dispute.objects.filter(pk=dispute.pk).update(outcome=status)
    dispute.refresh_from_db()
    before = row_of(dispute), _written()
    if (status, action) in TRANSITIONS:
        CALLS[action](by, dispute, applicant)
        assert row_of(dispute)["outcome"] == TRANSITIONS[(status, action)]
    else:
        with pytest.raises(ValidationError, match="不能"):
            CALLS[action](by, dispute, applicant)
        assert (row_of(dispute), _written()) == before
