"""Deliveries: channels per unit, the inbox, email, DingTalk (signed) and WeCom robots, retries
with back-off, and claims that let only one sender send."""

import base64
import datetime as dt
import hashlib
import hmac
import urllib.parse

import pytest
from django.core import mail

from luoshi.supervision import outbox, services
from luoshi.supervision.models import Alert, AlertKind, Channel, DeliveryStatus, Notification
from luoshi.supervision.transports import dingtalk_sign, dingtalk_url

from .receivers import WebhookSink

NOW = dt.datetime(2026, 9, 28, 1, 0, tzinfo=dt.UTC)


@pytest.fixture
def hooks():
    sink = WebhookSink().start()
    yield sink
    sink.stop()


def _alert(unit, title="催办", now=NOW, **kw):
    return outbox.alert_create(
        kind=AlertKind.DEADLINE, unit=unit, title=title, key_date=now.date(), now=now, **kw
    )


def test_the_dingtalk_signature_is_computed_as_dingtalk_documents_it():
    secret, ts = "SEC000example", 1700000000000
    expected = base64.b64encode(
        hmac.new(secret.encode(), f"{ts}\n{secret}".encode(), hashlib.sha256).digest()
    ).decode()
    assert urllib.parse.unquote_plus(dingtalk_sign(secret, ts)) == expected
    url = dingtalk_url("https://oapi.dingtalk.com/robot/send?access_token=t", secret, ts)
    assert url.startswith("https://oapi.dingtalk.com/robot/send?access_token=t&timestamp=1700000000000&sign=")
    assert dingtalk_url("https://x/robot", "", ts) == "https://x/robot"


def test_a_unit_without_channels_gets_the_alert_in_its_inbox(tree):
    alert = _alert(tree.county)
    (n,) = alert.notifications.all()
    assert n.channel_kind == "inbox" and n.status == DeliveryStatus.SENT


def test_the_same_reminder_is_recorded_once(tree):
    a = tree.county
    from luoshi.tasks.models import Assignment  # noqa: F401

    first = outbox.alert_create(
        kind=AlertKind.NOTICE_OVERDUE, unit=a, title="x", key_date=NOW.date(), now=NOW
    )
    assert first is not None
    assert Alert.objects.count() == 1


def test_email_and_webhooks_are_sent_once_each_and_signed(tree, hooks, settings):
    county = tree.county
    admin = tree.user("county", "admin")
    services.channel_save(actor=admin, unit=county, kind="inbox")
    services.channel_save(actor=admin, unit=county, kind="email", target="duban@example.org")
    services.channel_save(
        actor=admin,
        unit=county,
        kind="dingtalk",
        target=hooks.url("/ding?access_token=tok"),
        secret="SECabc123",
    )
    services.channel_save(
        actor=admin, unit=county, kind="wecom", target=hooks.url("/wecom?key=k1"), kinds=["escalation"]
    )
    alert = _alert(county, title="请按时报送")
    assert sorted(alert.notifications.values_list("channel_kind", flat=True)) == [
        "dingtalk",
        "email",
        "inbox",
    ]
    assert outbox.deliver_due(NOW) == {"sent": 2}
    assert outbox.deliver_due(NOW) == {}
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["duban@example.org"]
    assert mail.outbox[0].extra_headers["Message-ID"].startswith("<luoshi-notification-")
    (ding,) = hooks.accepted
    assert ding["path"] == "/ding" and ding["query"]["access_token"] == "tok"
    ts = int(ding["query"]["timestamp"])
    expected = base64.b64encode(hmac.new(b"SECabc123", f"{ts}\nSECabc123".encode(), hashlib.sha256).digest())
    assert ding["query"]["sign"] == expected.decode()
    assert ding["json"]["msgtype"] == "markdown" and "请按时报送" in ding["json"]["markdown"]["text"]
    escalation = outbox.alert_create(
        kind=AlertKind.ESCALATION, unit=county, title="升级", key_date=NOW.date(), now=NOW
    )
    assert "wecom" in escalation.notifications.values_list("channel_kind", flat=True)
    outbox.deliver_due(NOW)
    wecom = [r for r in hooks.accepted if r["path"] == "/wecom"]
    assert wecom[0]["json"] == {
        "msgtype": "markdown",
        "markdown": {"content": wecom[0]["json"]["markdown"]["content"]},
    }
    assert "升级" in wecom[0]["json"]["markdown"]["content"]


def test_a_receiver_that_fails_twice_then_succeeds_gets_the_message_once(tree, hooks, settings):
    settings.LUOSHI_OUTBOX_BACKOFF = 60
    services.channel_save(
        actor=tree.user("county", "admin"), unit=tree.county, kind="wecom", target=hooks.url("/flaky")
    )
    alert = _alert(tree.county)
    (n,) = alert.notifications.all()
    assert outbox.deliver(n.pk, now=NOW) == "retry"
    n.refresh_from_db()
    assert n.status == "pending" and n.attempts == 1 and n.next_attempt_at == NOW + dt.timedelta(seconds=60)
    assert outbox.deliver(n.pk, now=NOW + dt.timedelta(seconds=30)) == "skipped"  # not due yet
    assert outbox.deliver(n.pk, now=NOW + dt.timedelta(seconds=60)) == "retry"
    n.refresh_from_db()
    assert n.next_attempt_at == NOW + dt.timedelta(seconds=180)  # 60, then 120 more
    assert outbox.deliver(n.pk, now=NOW + dt.timedelta(seconds=180)) == "sent"
    assert outbox.deliver(n.pk, now=NOW + dt.timedelta(seconds=999)) == "skipped"
    n.refresh_from_db()
    assert n.status == "sent" and n.attempts == 3 and n.error == ""
    assert hooks.requests == ["/flaky"] * 3 and len(hooks.accepted) == 1


def test_a_send_that_keeps_failing_gives_up_after_the_last_attempt(tree, settings):
    settings.LUOSHI_OUTBOX_MAX_ATTEMPTS = 2
    settings.LUOSHI_OUTBOX_BACKOFF = 1
    # Nothing listens on this port: the connection is refused at once.
    services.channel_save(
        actor=tree.user("county", "admin"), unit=tree.county, kind="wecom", target="http://127.0.0.1:9/x"
    )
    (n,) = _alert(tree.county).notifications.all()
    assert outbox.deliver(n.pk, now=NOW) == "retry"
    assert outbox.deliver(n.pk, now=NOW + dt.timedelta(seconds=5)) == "failed"
    n.refresh_from_db()
    assert n.status == "failed" and n.error


def test_a_send_interrupted_by_a_dead_worker_is_recovered_after_its_lease(tree, hooks, settings):
    settings.LUOSHI_OUTBOX_LEASE = 60
    services.channel_save(
        actor=tree.user("county", "admin"), unit=tree.county, kind="wecom", target=hooks.url("/w")
    )
    (n,) = _alert(tree.county).notifications.all()
    # A worker claimed it and died before recording the outcome.
    Notification.objects.filter(pk=n.pk).update(
        status="sending", lease_until=NOW + dt.timedelta(seconds=60), attempts=1
    )
    assert outbox.recover(NOW + dt.timedelta(seconds=30)) == 0
    assert outbox.deliver(n.pk, now=NOW + dt.timedelta(seconds=30)) == "skipped"
    assert outbox.recover(NOW + dt.timedelta(seconds=61)) == 1
    assert outbox.deliver(n.pk, now=NOW + dt.timedelta(seconds=61)) == "sent"
    n.refresh_from_db()
    assert n.attempts == 2 and len(hooks.accepted) == 1


def test_a_pending_delivery_whose_job_was_lost_gets_a_new_one(tree, settings):
    from django_tasks_db.models import DBTaskResult

    settings.LUOSHI_OUTBOX_LEASE = 60
    services.channel_save(
        actor=tree.user("county", "admin"), unit=tree.county, kind="email", target="a@example.org"
    )
    (n,) = _alert(tree.county).notifications.all()
    DBTaskResult.objects.all().delete()
    assert outbox.recover(NOW + dt.timedelta(seconds=61)) == 1
    assert DBTaskResult.objects.count() == 1
    assert outbox.recover(NOW + dt.timedelta(seconds=62)) == 0  # not again right away


def test_the_job_runs_the_delivery(tree):
    from luoshi.supervision.jobs import send_notification

    services.channel_save(
        actor=tree.user("county", "admin"), unit=tree.county, kind="email", target="a@example.org"
    )
    (n,) = _alert(tree.county).notifications.all()
    assert send_notification.call(n.pk) == "sent"
    assert len(mail.outbox) == 1


def test_channel_settings_check_addresses_and_never_show_the_secret(tree, login):
    admin = tree.user("county", "admin")
    from luoshi.core.exceptions import DomainError, Forbidden

    with pytest.raises(DomainError):
        services.channel_save(actor=admin, unit=tree.county, kind="email", target="not-an-address")
    with pytest.raises(DomainError):
        services.channel_save(actor=admin, unit=tree.county, kind="dingtalk", target="ftp://x")
    with pytest.raises(Forbidden):
        services.channel_save(actor=tree.user("county", "reporter"), unit=tree.county, kind="inbox")
    with pytest.raises(Forbidden):
        services.channel_save(actor=tree.user("sibling", "admin"), unit=tree.county, kind="inbox")
    channel = services.channel_save(
        actor=admin,
        unit=tree.county,
        kind="dingtalk",
        target="https://oapi.dingtalk.com/robot/send?access_token=SECRET-TOKEN",
        secret="SECverysecretvalue",
    )
    channel = services.channel_save(
        actor=admin, unit=tree.county, kind="dingtalk", target=channel.target, secret="", channel=channel
    )
    assert Channel.objects.get().secret == "SECverysecretvalue"  # an empty field keeps it
    html = login(admin).get("/supervision/channels/").content.decode()
    assert "SECverysecretvalue" not in html and "SECRET-TOKEN" not in html and "SECv…" in html
