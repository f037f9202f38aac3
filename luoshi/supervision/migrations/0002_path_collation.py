from django.db import migrations

from luoshi.core.dbutil import c_collation


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial")]

    operations = [
        c_collation("supervision_liaison", "unit_path"),
        c_collation("supervision_liaison", "leader_path"),
        c_collation("supervision_notice", "unit_path"),
        c_collation("supervision_notice", "issuer_path"),
        c_collation("supervision_accountabilityaction", "unit_path"),
        c_collation("supervision_accountabilityaction", "issuer_path"),
        c_collation("supervision_alert", "unit_path"),
    ]
