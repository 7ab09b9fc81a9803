from django.urls import reverse

from gongzhi.grids.services import grid_add_child
from gongzhi.org.models import Center, RoomKind


def test_a_center_added_in_the_admin_gets_its_hall_and_five_rooms(district, login):
    grid = grid_add_child(parent=district.root, name="东北街街道")
    data = {
        "name": "东北街综治中心", "level": "township", "grid": grid.pk, "address": "", "duty_phone": "",
        "hotline": "", "rooms-TOTAL_FORMS": "0", "rooms-INITIAL_FORMS": "0",
        "departments-TOTAL_FORMS": "0", "departments-INITIAL_FORMS": "0",
    }  # fmt: skip
    response = login("admin").post(reverse("admin:org_center_add"), data)
    assert response.status_code == 302
    center = Center.objects.get(name="东北街综治中心")
    assert set(center.rooms.values_list("kind", flat=True)) == set(RoomKind.values)


def test_the_staff_admin_lists_staff(district, login):
    body = login("admin").get(reverse("admin:org_staff_changelist")).content.decode()
    assert "网格员甲" in body and "民警丙" in body
