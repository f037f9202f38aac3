from django.db import migrations

from luoshi.core.dbutil import c_collation


class Migration(migrations.Migration):
    dependencies = [("readouts", "0001_initial")]
    operations = [c_collation("readouts_readoutdraft", "issuer_path")]
