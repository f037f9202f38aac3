from django.db import migrations

from luoshi.core.dbutil import c_collation


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_initial")]
    operations = [
        c_collation("inspections_checklist", "owner_path"),
        c_collation("inspections_selfcheck", "unit_path"),
        c_collation("inspections_selfcheck", "owner_path"),
        c_collation("inspections_draw", "owner_path"),
        c_collation("inspections_inspection", "unit_path"),
        c_collation("inspections_inspection", "owner_path"),
        c_collation("inspections_inspector", "unit_path"),
        c_collation("inspections_finding", "unit_path"),
        c_collation("inspections_finding", "issuer_path"),
    ]
