"""The dashboard in a real browser: Debian's Chromium driven by Playwright (never `playwright install`).

Opens the province dashboard on a live server with Hebei's units and the demo indicators, sees
the map of the province's regions, clicks 石家庄市 on the map to drill down to its counties, and
saves screenshots (desktop and phone) under test-artifacts/.
"""

import shutil
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(settings.PROJECT_DIR) / "test-artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason="Chromium is not installed (./setup.sh test installs it as root)"
    ),
]


def _map_names(page) -> list[str]:
    return page.evaluate(
        "() => echarts.getInstanceByDom(document.getElementById('map')).getOption().series[0].data.map(d => d.name)"
    )


def test_the_dashboard_map_drills_from_the_province_into_a_city(live_server, transactional_db, client):
    sync_api = pytest.importorskip("playwright.sync_api")
    from luoshi.accounts.services import user_create
    from luoshi.dashboard.finders import VendorFinder
    from luoshi.indicators import demo
    from luoshi.units.importer import import_builtin
    from luoshi.units.models import Unit

    if not VendorFinder().find("vendor/echarts/echarts.min.js"):
        pytest.fail("ECharts is not installed: run npm ci (./setup.sh does)")
    import_builtin(actor=None, province="13")
    demo.load()
    province = Unit.objects.get(code="130000000000")
    leader, _ = user_create(
        actor=None, username="hebei-leader", unit=province, roles=["leader"], password="x" * 12
    )
    client.force_login(leader, backend="django.contrib.auth.backends.ModelBackend")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    ARTIFACTS.mkdir(exist_ok=True)

    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
            context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
            )
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(f"{live_server.url}/dashboard/130000000000/?measure=attainment")
            page.wait_for_selector("#dashboard[data-map-regions]", timeout=15000)
            names = _map_names(page)
            assert len(names) == 14
            assert {
                "石家庄市",
                "唐山市",
                "保定市",
                "张家口市",
                "承德市",
                "衡水市",
                "雄安新区",
                "定州市",
                "辛集市",
            } <= set(names)
            assert "示意图" in page.content()
            page.screenshot(path=str(ARTIFACTS / "dashboard-province.png"), full_page=True)

            # Click 石家庄's urban districts on the map: a real mouse click on the canvas.
            x, y = page.evaluate(
                "() => echarts.getInstanceByDom(document.getElementById('map')).convertToPixel({seriesIndex: 0}, [114.5, 38.04])"
            )
            box = page.locator("#map").bounding_box()
            with page.expect_navigation():
                page.mouse.click(box["x"] + x, box["y"] + y)
            assert "/dashboard/130100000000/" in page.url
            page.wait_for_selector("#dashboard[data-map-regions]", timeout=15000)
            counties = _map_names(page)
            assert "长安区" in counties and "辛集市" not in counties and len(counties) >= 20
            page.screenshot(path=str(ARTIFACTS / "dashboard-city.png"), full_page=True)

            phone = browser.new_context(
                viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True
            )
            phone.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
            )
            small = phone.new_page()
            small.goto(f"{live_server.url}/dashboard/130000000000/?measure=attainment")
            small.wait_for_selector("#dashboard[data-map-regions]", timeout=15000)
            small.screenshot(path=str(ARTIFACTS / "dashboard-phone.png"), full_page=True)
            assert errors == []
        finally:
            browser.close()
