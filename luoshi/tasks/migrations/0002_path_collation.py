from django.db import migrations

from luoshi.core.dbutil import c_collation


class Migration(migrations.Migration):
    dependencies = [("tasks", "0001_initial")]
    operations = [
        c_collation("tasks_source", "issuer_path"),
        c_collation("tasks_task", "issuer_path"),
        c_collation("tasks_assignment", "unit_path"),
        c_collation("tasks_assignment", "issuer_path"),
    ]
