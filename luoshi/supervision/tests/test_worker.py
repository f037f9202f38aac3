"""``luoshi worker`` as a real process: killed with SIGKILL in the middle of a batch and started
again, every notification arrives exactly once at a real SMTP server (aiosmtpd) and a local
HTTP receiver standing in for the DingTalk and WeCom robots; a receiver that fails twice and
then succeeds gets its message once; SIGTERM stops the worker cleanly.

The worker uses the test database: on PostgreSQL the same test database (the test runs outside
a transaction), on SQLite a file copy of the in-memory test database (VACUUM INTO).
"""

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter

import pytest
from django.conf import settings
from django.db import connection

from luoshi.supervision import outbox, services
from luoshi.supervision.models import AlertKind, Notification

from .receivers import SmtpSink, WebhookSink

DEADLINE = 40  # seconds for the whole exchange; it takes a few


def _wait(predicate, what: str, timeout: float = DEADLINE):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


class Database:
    """Where the worker process finds the data, and how the test reads it back."""

    def __init__(self, tmp_path):
        self.vendor = connection.vendor
        if self.vendor == "sqlite":
            self.path = tmp_path / "worker.sqlite3"
            with connection.cursor() as cursor:
                cursor.execute("VACUUM INTO %s", [str(self.path)])
            self.url = f"sqlite:///{self.path}"
        else:
            s = connection.settings_dict
            auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
            self.url = f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"

    def statuses(self) -> Counter:
        sql = "SELECT status FROM supervision_notification"
        if self.vendor == "sqlite":
            with sqlite3.connect(self.path) as db:
                return Counter(row[0] for row in db.execute(sql))
        return Counter(Notification.objects.values_list("status", flat=True))

    def rows(self) -> list[tuple]:
        sql = "SELECT id, channel_kind, status, attempts, target FROM supervision_notification ORDER BY id"
        if self.vendor == "sqlite":
            with sqlite3.connect(self.path) as db:
                return list(db.execute(sql))
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return list(cursor.fetchall())


def _start_worker(db: Database, smtp_port: int, tmp_path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": db.url,
        "LUOSHI_DATA_DIR": str(tmp_path),
        "LUOSHI_SECRET_KEY": "worker-test-" + "x" * 40,
        "LUOSHI_EMAIL_HOST": "127.0.0.1",
        "LUOSHI_EMAIL_PORT": str(smtp_port),
        "LUOSHI_OUTBOX_LEASE": "1.5",
        "LUOSHI_OUTBOX_BACKOFF": "0.2",
        "LUOSHI_SWEEP_HOUR": "24",  # no daily sweeps in this test
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.Popen(
        [sys.executable, "-m", "luoshi.cli", "worker", "--interval", "0.1"],
        cwd=settings.PROJECT_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


@pytest.fixture
def receivers():
    smtp = SmtpSink(stall_at=4).start()
    hooks = WebhookSink().start()
    yield smtp, hooks
    smtp.stop()
    hooks.stop()


@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_restarted_delivers_every_notification_exactly_once(tree, receivers, tmp_path):
    smtp, hooks = receivers
    admin = tree.user("county", "admin")
    services.channel_save(actor=admin, unit=tree.county, kind="email", target="changan@example.org")
    services.channel_save(
        actor=admin,
        unit=tree.county,
        kind="dingtalk",
        target=hooks.url("/ding?access_token=t"),
        secret="SECk",
    )
    services.channel_save(actor=admin, unit=tree.county, kind="wecom", target=hooks.url("/wecom?key=k"))
    services.channel_save(
        actor=tree.user("sibling", "admin"), unit=tree.sibling, kind="wecom", target=hooks.url("/flaky")
    )
    now = dt.datetime.now(dt.UTC)
    for i in range(8):
        outbox.alert_create(
            kind=AlertKind.NOTICE_OVERDUE,
            unit=tree.county,
            title=f"催办第{i + 1}条",
            key_date=now.date(),
            now=now,
        )
    outbox.alert_create(
        kind=AlertKind.ESCALATION, unit=tree.sibling, title="升级", key_date=now.date(), now=now
    )
    expected = Notification.objects.exclude(channel_kind="inbox").count()
    assert expected == 8 * 3 + 1
    db = Database(tmp_path)

    first = _start_worker(db, smtp.port, tmp_path)
    try:
        # The 4th email stalls inside the SMTP exchange: the worker is mid-send, mid-batch.
        _wait(smtp.stalled.is_set, "the worker to reach the 4th email")
        assert len(smtp.messages) == 3
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
    smtp.release.set()  # the dead worker's message never gets its DATA: it was not accepted
    assert db.statuses()["sending"] == 1 and db.statuses()["sent"] < expected

    second = _start_worker(db, smtp.port, tmp_path)
    try:
        _wait(lambda: db.statuses()["sent"] == expected, "every delivery to be sent")
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=10) == 0
    finally:
        if second.poll() is None:
            second.kill()
    output = second.stdout.read().decode()
    assert "luoshi worker stopped" in output, output

    # Exactly once at the receivers, each delivery recognised by its id.
    emails = Counter(m["Message-ID"] for m in smtp.messages)
    assert len(emails) == 8 and set(emails.values()) == {1}
    webhooks = Counter(r["delivery"] for r in hooks.accepted)
    assert len(webhooks) == 8 * 2 + 1 and set(webhooks.values()) == {1}
    assert all(r["query"].get("sign") for r in hooks.accepted if r["path"] == "/ding")
    assert hooks.requests.count("/flaky") == 3
    attempts = {kind: a for _id, kind, _s, a, target in db.rows() if target.endswith("/flaky")}
    assert attempts == {"wecom": 3}
    interrupted = [a for _id, kind, _s, a, _t in db.rows() if kind == "email" and a == 2]
    assert len(interrupted) == 1  # the one the first worker was sending when it died
