import pytest

from gongzhi.hall import services as svc
from gongzhi.org.models import Center


@pytest.fixture
def center(district):
    return Center.objects.get(grid=district.jinquan)


@pytest.fixture
def hall(district, center):
    """Two services (A 矛盾调解, B 政策咨询) and three windows: 1 and 2 serve A, 3 serves B."""
    by = district.users["center"]
    a = svc.service_create(by=by, center=center, name="矛盾调解", prefix="A")
    b = svc.service_create(by=by, center=center, name="政策咨询", prefix="B")
    w1 = svc.window_save(by=by, center=center, name="1号窗口", services=[a])
    w2 = svc.window_save(by=by, center=center, name="2号窗口", services=[a])
    w3 = svc.window_save(by=by, center=center, name="3号窗口", services=[b])
    return {"A": a, "B": b, "w1": w1, "w2": w2, "w3": w3, "by": by}
