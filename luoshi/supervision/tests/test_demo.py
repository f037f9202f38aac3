"""The supervision demo loads on top of the sample meeting, once."""

from luoshi.core import demo as core_demo
from luoshi.supervision import demo
from luoshi.supervision.models import AccountabilityAction, Alert, Channel, Liaison, Notice


def test_the_demo_has_a_notice_an_accountability_action_liaisons_and_inbox_settings(db):
    core_demo.load_units()
    core_demo.ensure_accounts()
    assert demo.load() is True
    notice = Notice.objects.get()
    assert notice.unit.name == "石家庄市" and notice.assignment.light != "green"
    assert AccountabilityAction.objects.get().notice == notice
    assert Liaison.objects.count() == 2
    assert Channel.objects.filter(kind="inbox").exists()
    assert Alert.objects.filter(user__username="hebei-leader").exists()  # the 包联 leader's copy
    assert demo.load() is False
