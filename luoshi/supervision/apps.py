from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "luoshi.supervision"
    label = "supervision"
    verbose_name = _("Supervision")

    def ready(self) -> None:
        from luoshi.units.services import register_path_copy

        for label, field in [
            ("supervision.liaison", "unit_path"),
            ("supervision.liaison", "leader_path"),
            ("supervision.notice", "unit_path"),
            ("supervision.notice", "issuer_path"),
            ("supervision.accountabilityaction", "unit_path"),
            ("supervision.accountabilityaction", "issuer_path"),
            ("supervision.alert", "unit_path"),
        ]:
            register_path_copy(label, field)
