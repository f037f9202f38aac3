from __future__ import annotations

import os

from django.core.management import call_command

from luoshi.core.management.base import LuoshiCommand


class Command(LuoshiCommand):
    help = "Serve luoshi with gunicorn (static files through whitenoise)."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("LUOSHI_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("LUOSHI_WORKERS", "2")))
        parser.add_argument("--threads", type=int, default=int(os.environ.get("LUOSHI_THREADS", "4")))

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
        Server().run()
