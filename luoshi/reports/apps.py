from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "luoshi.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from luoshi.units.services import register_path_copy

        register_path_copy("reports.report", "unit_path")
        register_path_copy("reports.report", "issuer_path")
