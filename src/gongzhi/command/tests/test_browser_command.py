"""The command center in a real browser, as the leader at 1920×1080: the wall fits the
screen without scrolling, no request leaves the server, the grid map draws the children's
boundaries and drilling down (on the map, as on the table) shows figures that add up to the
area clicked, down to a unit grid; a new case streams into the events panel."""

import pytest
from django.test import Client

from gongzhi.cases.models import Category, Channel
from gongzhi.cases.services import case_create
from gongzhi.grids.testing import bound_district

pytestmark = pytest.mark.browser
PANELS = 9


def _report(d, grid, title):
    return case_create(
        by=d.users["admin"],
        title=title,
        description=title,
        channel=Channel.HOTLINE,
        grid=grid,
        category=Category.objects.get(code="0102"),
    )


@pytest.fixture
def wall_page(browser, live_server_url, district):
    bound_district(district)
    for i, grid in enumerate([district.unit_a, district.unit_a, district.unit_b, district.unit_x]):
        _report(district, grid, f"楼道堆放杂物{i}")
    client = Client()
    client.force_login(district.users["leader"])
    context = browser.new_context(
        viewport={"width": 1920, "height": 1080},
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        bypass_csp=False,
    )
    context.set_default_timeout(20_000)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server_url}]
    )
    page = context.new_page()
    page.requests, page.csp = [], []
    page.on("request", lambda r: page.requests.append(r.url))
    page.on("console", lambda m: "Content Security Policy" in m.text and page.csp.append(m.text))
    yield page
    context.close()


def _loaded(page) -> None:
    page.wait_for_selector(f"[data-panel][data-loaded] >> nth={PANELS - 1}", state="attached")
    page.wait_for_selector("[data-panel='grids'] [data-total]", state="attached")


def _map_counts(page) -> dict[int, int]:
    """The open cases the map labels show, per child grid drawn."""
    labels = page.locator("[data-panel='grids'] [data-map-grid]")
    return {
        int(g): int(n)
        for g, n in labels.evaluate_all("els => els.map(e => [e.dataset.mapGrid, e.dataset.open])")
    }


def _click_area(page, grid_id: int) -> None:
    page.locator(f"[data-panel='grids'] path.cc-area-{grid_id}").click()


def _cell(page, grid_id: int, col: str) -> int:
    return int(
        page.locator(
            f"[data-panel='grids'] tr[data-grid='{grid_id}'] [data-col='{col}']"
        ).inner_text()
    )


def _total(page, col: str) -> int:
    return int(page.locator(f"[data-panel='grids'] tr[data-total] [data-col='{col}']").inner_text())


def test_the_wall_fits_1920x1080_stays_local_and_drills_down_one_level(
    wall_page, live_server_url, district
):
    from playwright.sync_api import expect

    page = wall_page
    page.goto(f"{live_server_url}/command/wall/")
    _loaded(page)
    assert page.locator("[data-panel][data-failed]").count() == 0
    size = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight,"
        " document.body.scrollWidth, document.body.scrollHeight, innerWidth, innerHeight]"
    )
    assert size[0] <= size[4] and size[2] <= size[4], size
    assert size[1] <= size[5] and size[3] <= size[5], size
    for box in page.locator("[data-panel]").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().toJSON())"
    ):
        assert box["bottom"] <= 1080 and box["right"] <= 1920, box
    # Every chart drew on a canvas.
    assert page.locator("[data-panel='trend12'] canvas").count() >= 1

    # The district table: 金泉路社区 holds three open cases, 西峰镇 one; the rows add up.
    assert _cell(page, district.jinquan.pk, "open") == 3
    assert _cell(page, district.xifeng.pk, "open") == 1
    assert _total(page, "open") == 4

    # The map draws both townships, labelled with the same figures as the table.
    assert _map_counts(page) == {district.jinquan.pk: 3, district.xifeng.pk: 1}
    assert page.locator("[data-panel='grids'] .leaflet-tile").count() == 0  # no tiles

    # Drill down one level on the map: the township's own table adds up to the area clicked.
    _click_area(page, district.jinquan.pk)
    page.wait_for_url(f"**/command/wall/?grid={district.jinquan.pk}")
    _loaded(page)
    assert _total(page, "open") == 3
    rows = page.locator("[data-panel='grids'] tbody tr:not([data-total]) [data-col='open']")
    assert sum(int(t) for t in rows.all_inner_texts()) == 3
    expect(page.locator(".cc-crumbs")).to_contain_text(district.root.name)

    # A case reported now streams into the events panel over the socket.
    expect(page.locator("[data-status]")).to_have_attribute("data-state", "live")
    case = _report(district, district.unit_b, "新上报的楼道杂物")
    expect(page.locator("[data-panel='events'] li").first).to_contain_text(case.number)

    ws = f"ws://{live_server_url.split('://', 1)[1]}"
    foreign = [
        u for u in page.requests if not u.startswith((live_server_url, ws, "data:", "blob:"))
    ]
    assert foreign == []
    assert page.csp == []


def test_the_dashboard_drills_down_from_the_district_to_a_township(
    wall_page, live_server_url, district
):
    page = wall_page
    page.goto(f"{live_server_url}/command/")
    _loaded(page)
    row_open = _cell(page, district.xifeng.pk, "open")
    page.locator(f"[data-panel='grids'] a[data-drill='{district.xifeng.pk}']").click()
    page.wait_for_url(f"**/command/?grid={district.xifeng.pk}")
    _loaded(page)
    assert _total(page, "open") == row_open == 1
    assert page.locator("[data-panel='live'] [data-count='open'] b").inner_text() == "1"
    foreign = [u for u in page.requests if not u.startswith((live_server_url, "ws://", "data:"))]
    assert foreign == []
    assert page.csp == []


@pytest.mark.parametrize("where", ["/command/", "/command/wall/"])
def test_a_leader_drills_from_the_district_to_a_unit_grid_and_each_level_adds_up(
    wall_page, live_server_url, district, where
):
    """Issue 16: on the map of the dashboard and of the wall, from the district down five
    levels to a unit grid; at each level the children's counts (map labels and table rows,
    with the cases located on the grid itself) add up to the figure of the area clicked."""
    _report(district, district.group1, "小组办公室门前积水")  # located on a level-2 grid
    page = wall_page
    page.goto(f"{live_server_url}{where}")
    chain = [
        district.jinquan,
        district.group1,
        district.courtyard,
        district.building,
        district.unit_a,
    ]
    expected, grid = 5, district.root  # every case of the district
    for level, child in enumerate([*chain, None], start=0):
        _loaded(page)
        assert page.locator("[data-panel][data-failed]").count() == 0
        assert grid.name in page.locator(".cc-crumbs strong").inner_text()
        total = _total(page, "open")
        assert total == expected, (grid.name, total, expected)
        rows = page.locator("[data-panel='grids'] tbody tr:not([data-total])")
        for col in ("open", "overdue", "today"):
            cells = rows.locator(f"[data-col='{col}']").all_inner_texts()
            assert sum(int(t) for t in cells) == _total(page, col), (grid.name, col)
        own = page.locator("[data-panel='grids'] tr[data-own] [data-col='open']")
        own_open = int(own.inner_text()) if own.count() else 0
        if child is None:  # the unit grid: no children, its own cases only
            assert level == 5 and _map_counts(page) == {} and own_open == total == 2
            break
        counts = _map_counts(page)
        assert child.pk in counts, (grid.name, counts)
        assert sum(counts.values()) + own_open == total, (grid.name, counts, own_open)
        for grid_id, n in counts.items():
            assert _cell(page, grid_id, "open") == n
        expected = counts[child.pk]
        _click_area(page, child.pk)
        page.wait_for_url(f"**{where}?grid={child.pk}")
        grid = child
    assert expected == 2  # 1单元 holds two of the district's five cases

    ws = f"ws://{live_server_url.split('://', 1)[1]}"
    foreign = [
        u for u in page.requests if not u.startswith((live_server_url, ws, "data:", "blob:"))
    ]
    assert foreign == []
    assert page.csp == []
