from django.db import migrations

from luoshi.core.dbutil import c_collation


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]
    operations = [c_collation("reports_report", "unit_path"), c_collation("reports_report", "issuer_path")]
