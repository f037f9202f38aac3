from __future__ import annotations

from django.core.management.base import CommandError

from luoshi.accounts.models import User
from luoshi.accounts.services import token_create
from luoshi.core.management.base import LuoshiCommand


class Command(LuoshiCommand):
    help = "Create an API token for a user; prints the key once."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="cli")

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user {options['username']}", returncode=2)
        _token, key = token_create(actor=None, user=user, name=options["name"])
        self.stdout.write(key)
