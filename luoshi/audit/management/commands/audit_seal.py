from luoshi.audit.chain import seal
from luoshi.core.management.base import LuoshiCommand


class Command(LuoshiCommand):
    help = "Seal new audit entries into the hash chain (the worker does this every minute)."

    def handle(self, *args, **options):
        self.stdout.write(f"{seal()} entries sealed")
