from django.db import migrations

from luoshi.core.dbutil import c_collation


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]
    operations = [
        c_collation("indicators_indicator", "owner_path"),
        c_collation("indicators_target", "unit_path"),
        c_collation("indicators_actual", "unit_path"),
        c_collation("indicators_rollup", "unit_path"),
    ]
