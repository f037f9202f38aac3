"""The whole chain in a real browser (Debian's Chromium through Playwright), one person per context:

the province supervisor pastes a readout, confirms the draft and so assigns to the cities; the
city decomposes its task to a county; the county reports with an attachment; the city returns
it with a reason; the county corrects it; the city accepts; the dashboard shows it. Screenshots
of every step go to test-artifacts/flow-*.png.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from luoshi.dashboard.tests.test_browser import ARGS, ARTIFACTS, CHROMIUM

from .world import PDF

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason="Chromium is not installed (./setup.sh test installs it as root)"
    ),
]

READOUT = """河北省召开全省城市更新工作推进会
3月2日，省政府召开全省城市更新工作推进会。会议要求，石家庄市、保定市要加快老旧小区改造，6月底前全部完工。
"""


def test_a_readout_becomes_tasks_reports_are_returned_corrected_accepted_and_counted(
    live_server, transactional_db, request, tmp_path, monkeypatch
):
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread; the checks below read the database.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from django.test import Client

    from luoshi.reports.models import Report, Review
    from luoshi.tasks.models import Assignment, Task

    tree = request.getfixturevalue("tree")
    ARTIFACTS.mkdir(exist_ok=True)
    attachment = tmp_path / "整改照片说明.pdf"
    attachment.write_bytes(PDF)

    def cookie_for(key: str) -> dict:
        client = Client()
        client.force_login(tree.users[key], backend="django.contrib.auth.backends.ModelBackend")
        value = client.cookies[settings.SESSION_COOKIE_NAME].value
        return {"name": settings.SESSION_COOKIE_NAME, "value": value, "url": live_server.url}

    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        errors: list[str] = []

        def page_as(key: str):
            context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
            context.add_cookies([cookie_for(key)])
            page = context.new_page()
            page.set_default_timeout(15000)
            page.on("pageerror", lambda exc: errors.append(f"{key}: {exc}"))
            return page

        def shot(page, name: str) -> None:
            page.screenshot(path=str(ARTIFACTS / f"flow-{name}.png"), full_page=True)

        try:
            province, city = page_as("province-supervisor"), page_as("city-supervisor")
            county = page_as("county-reporter")
            url = live_server.url

            # 1. The province pastes the readout and confirms the draft: tasks for the cities.
            province.goto(f"{url}/readouts/")
            province.fill("#id_text", READOUT)
            province.click("button[type=submit].primary")
            province.wait_for_url("**/readouts/*/")
            shot(province, "1-draft")
            province.click("button[name=action][value=confirm]")
            province.wait_for_url("**/work/sources/*/")
            shot(province, "2-source")
            city_assignment = Assignment.objects.get(unit=tree.city)
            assert Assignment.objects.filter(unit=tree.baoding).exists()

            # 2. The city decomposes its task to 长安区.
            city.goto(f"{url}/work/tasks/{city_assignment.task_id}/")
            city.click(f"a[href='/work/assignments/{city_assignment.pk}/decompose/']")
            city.fill("#id_title", "长安区老旧小区改造")
            city.check(f"input[name=units][value='{tree.county.pk}']")
            city.fill("#id_deadline", "2026-06-20")
            shot(city, "3-decompose")
            city.click("button[type=submit].primary")
            city.wait_for_url("**/work/tasks/*/")
            county_assignment = Assignment.objects.get(unit=tree.county)
            county_task = f"{url}/work/tasks/{county_assignment.task_id}/"

            # 3. The county reports with an attachment.
            county.goto(county_task)
            county.fill("textarea[name=text]", "已完成入户摸底，开工12个小区。")
            county.fill("input[name=percent]", "40")
            county.set_input_files("input[name=attachments]", str(attachment))
            county.click(
                f"form[action='/work/assignments/{county_assignment.pk}/report/'] button[type=submit]"
            )
            county.wait_for_load_state()
            shot(county, "4-reported")
            first = Report.objects.get(assignment=county_assignment)
            assert first.attachments.get().content_type == "application/pdf"

            # 4. The city returns it with a reason.
            city.goto(county_task)
            form = city.locator(f"form[action='/work/reports/{first.pk}/review/']")
            form.locator("input[name=reason]").fill("请补充开工小区名单")
            form.locator("button[value=return]").click()
            city.wait_for_load_state()
            shot(city, "5-returned")
            assert Review.objects.get(report=first).decision == "return"

            # 5. The county corrects the returned report.
            county.goto(f"{county_task}?correct={first.pk}")
            county.fill("textarea[name=text]", "已完成入户摸底，开工12个小区：建北、谈固……")
            county.click(
                f"form[action='/work/assignments/{county_assignment.pk}/report/'] button[type=submit]"
            )
            county.wait_for_load_state()
            shot(county, "6-corrected")
            second = Report.objects.get(supersedes=first)

            # 6. The city accepts the correction.
            city.goto(county_task)
            city.locator(f"form[action='/work/reports/{second.pk}/review/'] button[value=accept]").click()
            city.wait_for_load_state()
            shot(city, "7-accepted")
            assert Review.objects.get(report=second).decision == "accept"
            county_assignment.refresh_from_db()
            assert county_assignment.progress == 40

            # 7. The city's dashboard counts the task of 长安区.
            city.goto(f"{url}/dashboard/{tree.city.code}/")
            city.wait_for_selector("#dashboard")
            shot(city, "8-dashboard")
            assert "长安区" in city.content()
            assert Task.objects.count() == 2
            assert errors == []
        finally:
            browser.close()
