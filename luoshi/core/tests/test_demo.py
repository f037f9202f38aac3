"""The demo data set loads once, with meetings a person can look at."""

from luoshi.core import demo
from luoshi.reports.models import Report
from luoshi.tasks.models import Assignment, Source


def test_the_demo_loads_units_accounts_and_a_sample_meeting(db):
    demo.load_units()
    accounts = demo.ensure_accounts()
    assert all(a.password for a in accounts)
    assert demo.load_sample_meeting() is True
    source = Source.objects.get(title=demo.SAMPLE_TITLE)
    assert source.tasks.count() >= 6
    assert Assignment.objects.filter(unit__code="130102001000").exists()  # down to the township
    assert Report.objects.filter(review__decision="return").count() == 1
    assert set(Assignment.objects.values_list("light", flat=True)) >= {"red", "green"}
    assert demo.load_sample_meeting() is False
    again = demo.ensure_accounts()
    assert not any(a.password for a in again)
