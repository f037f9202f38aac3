from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReadoutsConfig(AppConfig):
    name = "luoshi.readouts"
    label = "readouts"
    verbose_name = _("Readout import")

    def ready(self) -> None:
        from luoshi.units.services import register_path_copy

        register_path_copy("readouts.readoutdraft", "issuer_path")
