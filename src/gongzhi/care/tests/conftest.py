import pytest

from gongzhi.core.roles import Role
from gongzhi.core.testing import PASSWORD
from gongzhi.org.models import Center, RoomKind
from gongzhi.org.services import staff_create


@pytest.fixture
def care_worker(district):
    return staff_create(
        username="care",
        name="关爱丁",
        role=Role.CARE_WORKER,
        center=Center.objects.get(grid=district.jinquan),
        room_kind=RoomKind.CARE,
        password=PASSWORD,
    )
