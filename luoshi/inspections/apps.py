from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "luoshi.inspections"
    label = "inspections"
    verbose_name = _("Inspections")

    def ready(self) -> None:
        from luoshi.units.services import register_path_copy

        # Re-parenting a unit rewrites these copies of its path in the same transaction.
        for label, field in PATH_COPIES:
            register_path_copy(label, field)


PATH_COPIES = (
    ("inspections.checklist", "owner_path"),
    ("inspections.selfcheck", "unit_path"),
    ("inspections.selfcheck", "owner_path"),
    ("inspections.draw", "owner_path"),
    ("inspections.inspection", "unit_path"),
    ("inspections.inspection", "owner_path"),
    ("inspections.inspector", "unit_path"),
    ("inspections.finding", "unit_path"),
    ("inspections.finding", "issuer_path"),
)
