"""Local receivers for the delivery tests, on 127.0.0.1 only: an SMTP server (aiosmtpd) and an
HTTP server standing in for the DingTalk and WeCom robots."""

from __future__ import annotations

import asyncio
import email
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class SmtpSink:
    """Records accepted messages; can stall the Nth recipient until released (to kill a sender
    mid-send: a message whose DATA never arrives is not accepted)."""

    def __init__(self, stall_at: int | None = None):
        self.messages: list[email.message.Message] = []
        self.rcpts = 0
        self.stall_at = stall_at
        self.stalled = threading.Event()
        self.release = threading.Event()
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            self.rcpts += 1
            stall = self.rcpts == self.stall_at
        if stall:
            self.stalled.set()
            while not self.release.is_set():
                await asyncio.sleep(0.02)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"

    def start(self):
        from aiosmtpd.controller import Controller

        # aiosmtpd connects to its own port to check it is up, so it needs a real port number.
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port, ready_timeout=10)
        self.controller.start()
        return self

    def stop(self):
        self.release.set()
        self.controller.stop()


class RobotHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        sink: WebhookSink = self.server.sink
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        parts = urlsplit(self.path)
        with sink.lock:
            sink.requests.append(parts.path)
            failing = parts.path == "/flaky" and sink.requests.count("/flaky") <= 2
        if failing:
            self.send_response(500)
            self.end_headers()
            return
        with sink.lock:
            sink.accepted.append(
                {
                    "path": parts.path,
                    "query": {k: v[0] for k, v in parse_qs(parts.query).items()},
                    "delivery": self.headers.get("X-Luoshi-Delivery"),
                    "json": json.loads(body),
                    "received": time.time(),
                }
            )
        reply = json.dumps({"errcode": 0, "errmsg": "ok"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)


class WebhookSink:
    def __init__(self):
        self.requests: list[str] = []
        self.accepted: list[dict] = []
        self.lock = threading.Lock()

    def start(self):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), RobotHandler)
        self.server.sink = self
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
