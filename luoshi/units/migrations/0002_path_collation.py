from django.db import migrations

from luoshi.core.dbutil import c_collation


class Migration(migrations.Migration):
    dependencies = [("units", "0001_initial")]
    operations = [c_collation("units_unit", "path")]
