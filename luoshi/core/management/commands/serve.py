from __future__ import annotations

import os
import signal
import subprocess
import sys

from django.core.management import call_command

from luoshi.core.management.base import LuoshiCommand


class Command(LuoshiCommand):
    help = "Serve luoshi with gunicorn (static files through whitenoise)."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("LUOSHI_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("LUOSHI_WORKERS", "2")))
        parser.add_argument("--threads", type=int, default=int(os.environ.get("LUOSHI_THREADS", "4")))
        parser.add_argument(
            "--with-worker",
            action="store_true",
            default=os.environ.get("LUOSHI_WITH_WORKER", "") == "1",
            help="also run `luoshi worker` (reminders, notifications) as a child process",
        )

    def handle(self, *args, **options):
        from gunicorn.app.base import BaseApplication

        # Collect first: whitenoise indexes the static folder when the application loads.
        call_command("collectstatic", interactive=False, verbosity=0)
        from luoshi.wsgi import application

        class Server(BaseApplication):
            def load_config(self):
                self.cfg.set("bind", options["bind"])
                self.cfg.set("workers", options["workers"])
                self.cfg.set("threads", options["threads"])
                self.cfg.set("accesslog", "-")
                self.cfg.set("graceful_timeout", 10)

            def load(self):
                return application

        self.stdout.write(f"luoshi is serving on http://{options['bind']}/ (Ctrl+C stops it)")
        self.stdout.flush()
        worker = start_worker() if options["with_worker"] else None
        server_pid = os.getpid()
        try:
            Server().run()
        finally:
            # Gunicorn's forked workers leave through here too: only the server stops the worker.
            if worker is not None and os.getpid() == server_pid:
                stop_worker(worker)


def _die_with_parent() -> None:
    """In the child: receive SIGTERM when the server dies, however it dies (Linux)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def start_worker() -> subprocess.Popen:
    """`luoshi worker` beside the server; it stops when the server stops."""
    return subprocess.Popen([sys.executable, "-m", "luoshi.cli", "worker"], preexec_fn=_die_with_parent)


def stop_worker(worker: subprocess.Popen) -> None:
    worker.terminate()
    try:
        worker.wait(timeout=15)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()
