from django.db import migrations

from luoshi.core.dbutil import c_collation


class Migration(migrations.Migration):
    dependencies = [("assessment", "0001_initial")]

    operations = [
        c_collation("assessment_scheme", "owner_path"),
        c_collation("assessment_adjustment", "unit_path"),
        c_collation("assessment_run", "owner_path"),
        c_collation("assessment_score", "unit_path"),
    ]
