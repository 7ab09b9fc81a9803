"""The bind-request state table, over every (state, action) pair: through the table and
through bind_request_decide (an allowed move is made; any other is refused in Chinese and
writes nothing, the account stays unbound)."""

import pytest
from django.core.exceptions import ValidationError

from gongzhi.core.testing import row_of, table_pairs
from gongzhi.portal import services
from gongzhi.portal.models import BindRequest
from gongzhi.portal.workflow import BIND_REQUEST, TRANSITIONS

from .conftest import resident

S = BindRequest.Status
PAIRS = table_pairs(BIND_REQUEST)


def test_a_decided_request_is_final():
    assert {s for (s, _a) in TRANSITIONS} == {S.PENDING}


@pytest.mark.parametrize(("status", "action"), PAIRS)
def test_deciding_follows_the_table(district, status, action):
    account = resident(district, phone="13855556666")
    request = services.bind_request_create(account=account, unit=district.unit_a)
    BindRequest.objects.filter(pk=request.pk).update(status=status)
    before, account_before = row_of(request), row_of(account)

    def decide():
        services.bind_request_decide(
            by=district.users["center"], request=request, approve=action == "approve"
        )

    if (status, action) in TRANSITIONS:
        decide()
        assert row_of(request)["status"] == TRANSITIONS[(status, action)]
    else:
        with pytest.raises(ValidationError, match="不能"):
            decide()
        assert row_of(request) == before
        assert row_of(account) == account_before
