"""Channels behind one small interface (after healthchecks' hc/api/transports.py).

``Transport(notification).notify()`` sends one delivery and raises ``TransportError`` when the
receiver refused it or could not be reached; the outbox records the outcome and retries.

- inbox: nothing to send, the alert is the in-app message.
- email: Django's SMTP backend; the Message-ID is derived from the delivery, so a receiver can
  recognise a message it has seen.
- dingtalk: a group robot webhook; with a secret, each request is signed as DingTalk documents:
  ``timestamp`` (ms) and ``sign = urlencode(base64(hmac_sha256(secret, f"{timestamp}\\n{secret}")))``
  added to the URL; the reply is ``{"errcode": 0, …}`` on success.
- wecom: a 企业微信 group robot webhook, ``{"msgtype": "markdown", "markdown": {"content": …}}``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from .models import ChannelKind, Notification


class TransportError(Exception):
    pass


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's signature for a robot request, already URL-encoded."""
    string_to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), string_to_sign, digestmod=hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest))


def dingtalk_url(url: str, secret: str, timestamp_ms: int | None = None) -> str:
    if not secret:
        return url
    timestamp_ms = timestamp_ms if timestamp_ms is not None else int(time.time() * 1000)
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}timestamp={timestamp_ms}&sign={dingtalk_sign(secret, timestamp_ms)}"


def markdown_text(notification: Notification) -> tuple[str, str]:
    alert = notification.alert
    lines = [f"### {alert.title}", "", alert.body]
    if alert.link:
        base = getattr(settings, "LUOSHI_SITE_URL", "").rstrip("/")
        lines += ["", f"[查看]({base}{alert.link})" if base else alert.link]
    return alert.title, "\n".join(lines)


class Transport:
    def __init__(self, notification: Notification):
        self.notification = notification
        self.channel = notification.channel

    def notify(self) -> None:
        raise NotImplementedError


class Inbox(Transport):
    def notify(self) -> None:
        return None


class Email(Transport):
    def notify(self) -> None:
        alert = self.notification.alert
        message = EmailMessage(
            subject=alert.title,
            body=markdown_text(self.notification)[1],
            to=[self.notification.target],
            headers={"Message-ID": f"<luoshi-notification-{self.notification.pk}@luoshi>"},
        )
        try:
            sent = get_connection(fail_silently=False).send_messages([message])
        except Exception as exc:  # smtplib and socket errors alike
            raise TransportError(f"SMTP: {exc}") from exc
        if not sent:
            raise TransportError("SMTP: the message was not accepted")


class Webhook(Transport):
    def url(self) -> str:
        return self.notification.target

    def payload(self) -> dict[str, Any]:
        raise NotImplementedError

    def post(self) -> dict[str, Any]:
        data = json.dumps(self.payload(), ensure_ascii=False).encode()
        request = urllib.request.Request(
            self.url(),
            data=data,
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "X-Luoshi-Delivery": str(self.notification.pk),
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=settings.LUOSHI_WEBHOOK_TIMEOUT) as response:
                body = response.read(65536)
        except urllib.error.HTTPError as exc:
            raise TransportError(f"HTTP {exc.code}") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise TransportError(f"{type(exc).__name__}: {exc}") from exc
        try:
            reply = json.loads(body or b"{}")
        except ValueError:
            reply = {}
        if isinstance(reply, dict) and reply.get("errcode", 0) != 0:
            raise TransportError(f"errcode {reply.get('errcode')}: {str(reply.get('errmsg', ''))[:200]}")
        return reply if isinstance(reply, dict) else {}

    def notify(self) -> None:
        self.post()


class DingTalk(Webhook):
    def url(self) -> str:
        secret = self.channel.secret if self.channel else ""
        return dingtalk_url(self.notification.target, secret)

    def payload(self) -> dict[str, Any]:
        title, text = markdown_text(self.notification)
        return {"msgtype": "markdown", "markdown": {"title": title, "text": text}}


class WeCom(Webhook):
    def payload(self) -> dict[str, Any]:
        return {"msgtype": "markdown", "markdown": {"content": markdown_text(self.notification)[1]}}


TRANSPORTS: dict[str, type[Transport]] = {
    ChannelKind.INBOX: Inbox,
    ChannelKind.EMAIL: Email,
    ChannelKind.DINGTALK: DingTalk,
    ChannelKind.WECOM: WeCom,
}


def transport_for(notification: Notification) -> Transport:
    return TRANSPORTS[notification.channel_kind](notification)
