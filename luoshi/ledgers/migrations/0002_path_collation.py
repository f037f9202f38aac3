from django.db import migrations

from luoshi.core.dbutil import c_collation


class Migration(migrations.Migration):
    dependencies = [("ledgers", "0001_initial")]
    operations = [
        c_collation("ledgers_ledger", "owner_path"),
        c_collation("ledgers_ledgerassignment", "unit_path"),
        c_collation("ledgers_ledgerrow", "unit_path"),
        c_collation("ledgers_verification", "unit_path"),
        c_collation("ledgers_verification", "verifier_path"),
        c_collation("ledgers_ledgerupload", "unit_path"),
    ]
