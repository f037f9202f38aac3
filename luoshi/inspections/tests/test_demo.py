"""The demo data: a checklist sent to 石家庄市's counties, a seeded spot check, two problems."""

from luoshi.inspections import demo, selectors
from luoshi.inspections.models import Checklist, Draw, Finding, FindingStatus


def test_the_demo_loads_once_and_its_draw_verifies(tree):
    from luoshi.core import demo as core_demo

    core_demo.ensure_accounts()
    assert demo.load() is True
    assert demo.load() is False
    checklist = Checklist.objects.get(title=demo.TITLE)
    assert checklist.self_checks.count() == 2  # 石家庄市's counties in the test tree
    the_draw = Draw.objects.get()
    assert the_draw.seed == demo.SEED and selectors.draw_verification(the_draw).ok
    statuses = sorted(Finding.objects.values_list("status", flat=True))
    assert statuses == [FindingStatus.CLOSED, FindingStatus.RECTIFYING]
