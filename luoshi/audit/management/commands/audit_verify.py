from django.core.management.base import CommandError

from luoshi.audit.chain import verify
from luoshi.core.management.base import LuoshiCommand


class Command(LuoshiCommand):
    help = "Verify the audit hash chain; exits 1 and names the first broken link if it was tampered with."

    def handle(self, *args, **options):
        verdict = verify()
        if not verdict.ok:
            raise CommandError(verdict.describe(), returncode=1)
        self.stdout.write(verdict.describe())
