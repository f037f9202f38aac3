from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "luoshi.indicators"
    label = "indicators"
    verbose_name = _("Indicators")

    def ready(self) -> None:
        from luoshi.units.services import register_path_copy

        for label, field in [
            ("indicators.indicator", "owner_path"),
            ("indicators.target", "unit_path"),
            ("indicators.actual", "unit_path"),
            ("indicators.rollup", "unit_path"),
        ]:
            register_path_copy(label, field)
