"""An elderly resident can use the portal (issue 15.8), checked in real Chromium at 360 px.

- axe-core (from npm at build time: package.json "gongzhiTestAssets", copied to
  var/test-assets/ by tools/build_assets.py --test, never shipped) finds no serious or critical
  violation on any portal page, signed out and signed in as the demo resident 茹玉芳;
- every control is at least 44×44 px and, in 大字 mode, every piece of text at least 18 px;
- the home page's tiles and the one-key call fit a 360×740 screen above the bottom bar.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gongzhi.core.pytest_browser import new_phone_context

pytestmark = [pytest.mark.browser]

AXE = Path(__file__).resolve().parents[4] / "var" / "test-assets" / "axe-core" / "axe.min.js"
BAD = ("serious", "critical")
MIN_TARGET = 44  # px, WCAG 2.5.5 (AAA) and the bar for every control
MIN_BIG_TEXT = 18  # px, body text in 大字 mode

# Every control the resident can press or type into. Hidden inputs and the visually hidden
# inputs of toggle buttons (Bootstrap .btn-check: the label is the target) are left out.
CONTROLS_JS = """(min) => {
  const out = [];
  const sel = 'a[href], button, input:not([type=hidden]), select, textarea, summary, label.btn';
  for (const el of document.querySelectorAll(sel)) {
    if (el.matches('.btn-check')) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;  // not rendered (e.g. inside a closed <details>)
    if (r.width < min - 0.5 || r.height < min - 0.5) {
      out.push({tag: el.tagName.toLowerCase(), text: (el.innerText || el.value || el.name || el.type || '').trim().slice(0, 30),
                w: Math.round(r.width), h: Math.round(r.height)});
    }
  }
  return out;
}"""

# Every element that itself holds visible text, with its computed font size.
SMALL_TEXT_JS = """(min) => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.textContent.trim()) continue;
    const el = node.parentElement;
    if (!el || el.closest('.visually-hidden, [hidden], script, style, noscript')) continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    const size = parseFloat(style.fontSize);
    if (size < min - 0.01) out.push({tag: el.tagName.toLowerCase(), text: node.textContent.trim().slice(0, 30), size});
  }
  return out;
}"""


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `make assets` (tools/build_assets.py --test)")
    return AXE.read_text(encoding="utf-8")


def axe_serious(page, axe_source: str) -> list[dict]:
    """The serious and critical violations axe-core finds on the page as it is now."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(content=axe_source)
    found = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
             .map(v => ({id: v.id, impact: v.impact, help: v.help,
                         nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}))"""
    )
    return [v for v in found if v["impact"] in BAD]


def signed_out_pages(w) -> list[str]:
    return [
        "/",
        "/login/",
        "/hotline/",
        "/policies/",
        f"/policies/{w['article'].pk}/",
        "/board/",
        f"/board/{w['community'].pk}/",
        f"/board/post/{w['to_rate'].pk}/",
        "/offline/",
        "/realtime/live/",
        f"/realtime/live/{w['live'].pk}/",
    ]


def signed_in_pages(w) -> list[str]:
    return [
        "/",
        "/post/new/",
        "/me/",
        "/me/posts/",
        "/me/messages/",
        "/me/notify/",
        "/card/",
        "/diary/",
        f"/bind/?community={w['community'].pk}&q=1",
        f"/bind/{w['token']}/",
        "/realtime/call/",
        f"/realtime/call/{w['call'].pk}/",
        "/counseling/ask/",
        "/deliberation/public/for-me/",
        f"/deliberation/public/vote/{w['vote'].pk}/",
        "/board/",
        f"/board/{w['community'].pk}/",
        f"/board/post/{w['to_rate'].pk}/",
        "/policies/",
        f"/policies/{w['article'].pk}/",
        "/hotline/",
        "/realtime/live/",
        f"/realtime/live/{w['live'].pk}/",
        "/intel/me/following/",
    ]


def sign_in(page, base: str, phone: str, check=None) -> None:
    """Through the pages, as she would; `check(page)` runs on the login and code pages."""
    page.goto(base + "/login/")
    page.get_by_label("手机号").fill(phone)
    page.get_by_role("button", name="获取验证码").click()
    page.wait_for_url(base + "/login/verify/")
    if check:
        check(page)
    code = page.locator("[data-demo-code]").get_attribute("data-demo-code")
    page.get_by_label("验证码").fill(code)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url(base + "/")


def big_font(page, base: str) -> None:
    page.context.add_cookies([{"name": "portal_bigfont", "value": "1", "url": base}])


def too_wide(page) -> list[dict]:
    """The page scrolls sideways at 360 px (nothing may stick out)."""
    width, view = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    return [{"id": "too-wide", "scroll_width": width}] if width > view else []


def report(problems: dict) -> str:
    return json.dumps(problems, ensure_ascii=False, indent=1)


# Shown with an error status on purpose: a kiosk screen on a browser not registered as one.
REFUSED = {"/kiosk/ticket/": 403}
# Last, as they turn the browser into a hall kiosk (its home is then /kiosk/).
KIOSK_PAGES = ["/kiosk/?idle=90", "/kiosk/ticket/"]


def visit_all(page, base: str, paths: list[str], check) -> dict[str, list]:
    problems = {}
    for path in paths:
        response = page.goto(base + path)
        expected = REFUSED.get(path)
        ok = response.status == expected if expected else response.status < 400
        assert ok, (path, response.status)
        found = check(page)
        if found:
            problems[path] = found
    return problems


# --- axe-core ------------------------------------------------------------------------------


def test_no_portal_page_has_a_serious_accessibility_violation_signed_out(
    live_server_url, phone_page, world, axe_source
):
    page, problems = phone_page, {}
    page.goto(live_server_url + "/login/")  # a refused phone number: the page with its error
    page.get_by_label("手机号").fill("12345")
    page.get_by_role("button", name="获取验证码").click()
    page.get_by_text("请输入正确的11位手机号").wait_for()
    if found := axe_serious(page, axe_source):
        problems["/login/ (error)"] = found
    paths = signed_out_pages(world) + KIOSK_PAGES
    problems |= visit_all(page, live_server_url, paths, lambda p: axe_serious(p, axe_source))
    assert problems == {}, report(problems)


def test_no_portal_page_has_a_serious_accessibility_violation_signed_in(
    live_server_url, phone_page, world, axe_source
):
    from gongzhi.seeding.story import DEMO_PHONE

    page, problems = phone_page, {}

    def on_sign_in(p):
        if found := axe_serious(p, axe_source):
            problems["/login/verify/"] = found

    sign_in(page, live_server_url, DEMO_PHONE, on_sign_in)
    problems |= visit_all(
        page, live_server_url, signed_in_pages(world), lambda p: axe_serious(p, axe_source)
    )
    assert problems == {}, report(problems)


def test_no_portal_page_has_a_serious_accessibility_violation_in_big_font_and_english(
    live_server_url, phone_page, world, axe_source
):
    from gongzhi.seeding.story import DEMO_PHONE

    page = phone_page
    big_font(page, live_server_url)
    sign_in(page, live_server_url, DEMO_PHONE)
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    paths = ["/", "/me/posts/", "/post/new/", "/me/notify/", "/realtime/call/", "/card/"]
    problems = visit_all(
        page, live_server_url, paths, lambda p: axe_serious(p, axe_source) + too_wide(p)
    )
    assert problems == {}, report(problems)


def test_the_accessibility_check_notices_a_serious_violation(
    live_server_url, phone_page, world, axe_source
):
    """The check can fail: an image without alt text and an unlabelled field are caught."""
    page = phone_page
    page.goto(live_server_url + "/hotline/")
    page.evaluate("""() => {
      const img = document.createElement('img'); img.src = '/portal-icon-192.png';
      const input = document.createElement('input');
      document.querySelector('main').append(img, input);
    }""")
    ids = {v["id"] for v in axe_serious(page, axe_source)}
    assert {"image-alt", "label"} <= ids


# --- sizes ---------------------------------------------------------------------------------


def test_every_control_on_the_main_portal_pages_is_at_least_44_px(
    live_server_url, phone_page, world
):
    from gongzhi.seeding.story import DEMO_PHONE

    page, problems = phone_page, {}
    small = lambda p: p.evaluate(CONTROLS_JS, MIN_TARGET)  # noqa: E731
    problems |= visit_all(page, live_server_url, ["/", "/login/", "/hotline/", "/policies/"], small)
    sign_in(page, live_server_url, DEMO_PHONE)
    main = [
        "/",
        "/post/new/",
        "/me/",
        "/me/posts/",
        "/me/messages/",
        "/me/notify/",
        "/card/",
        f"/bind/?community={world['community'].pk}&q=1",
        "/realtime/call/",
        f"/board/{world['community'].pk}/",
        f"/board/post/{world['to_rate'].pk}/",
    ]
    problems |= visit_all(page, live_server_url, main, small)
    big_font(page, live_server_url)
    problems |= {f"{p} (大字)": v for p, v in visit_all(page, live_server_url, main, small).items()}
    assert problems == {}, report(problems)


def test_the_control_size_check_notices_a_small_control(live_server_url, phone_page, world):
    page = phone_page
    page.goto(live_server_url + "/login/")
    page.evaluate("""() => { const b = document.createElement('button'); b.textContent = 'x';
      b.style.cssText = 'all: unset; font-size: 10px'; document.querySelector('main').append(b); }""")
    assert [c["text"] for c in page.evaluate(CONTROLS_JS, MIN_TARGET)] == ["x"]


def test_all_text_is_at_least_18_px_in_big_font_mode(live_server_url, phone_page, world):
    from gongzhi.seeding.story import DEMO_PHONE

    page = phone_page
    big_font(page, live_server_url)
    small = lambda p: p.evaluate(SMALL_TEXT_JS, MIN_BIG_TEXT) + too_wide(p)  # noqa: E731
    problems = visit_all(page, live_server_url, ["/", "/login/", "/hotline/"], small)
    sign_in(page, live_server_url, DEMO_PHONE)
    problems |= visit_all(page, live_server_url, signed_in_pages(world), small)
    assert problems == {}, report(problems)


def test_the_home_page_fits_a_360_by_740_phone(live_server_url, browser, world):
    """Every tile and the one-key call above the bottom bar, signed out and signed in."""
    from gongzhi.seeding.story import DEMO_PHONE

    context = new_phone_context(browser, bypass_csp=True)
    page = context.new_page()
    fold_js = """() => {
      const bar = document.querySelector('.portal-nav').getBoundingClientRect().top;
      return [...document.querySelectorAll('.portal-tile, [data-onekey-call]')]
        .filter(el => el.getBoundingClientRect().bottom > bar)
        .map(el => el.innerText.split('\\n')[0]);
    }"""
    try:
        page.goto(live_server_url + "/")
        assert page.locator(".portal-tile").count() >= 8
        assert page.evaluate(fold_js) == []
        sign_in(page, live_server_url, DEMO_PHONE)
        assert page.locator("[data-onekey-call]").is_visible()
        assert page.evaluate(fold_js) == []
    finally:
        context.close()
