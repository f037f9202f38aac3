from django.db import migrations

from luoshi.core.dbutil import c_collation


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [c_collation("audit_auditentry", "unit_path")]
