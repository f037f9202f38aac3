from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "luoshi.assessment"
    label = "assessment"
    verbose_name = _("Assessment")

    def ready(self) -> None:
        from luoshi.units.services import register_path_copy

        from . import sources

        for label, field in [
            ("assessment.scheme", "owner_path"),
            ("assessment.adjustment", "unit_path"),
            ("assessment.run", "owner_path"),
            ("assessment.score", "unit_path"),
        ]:
            register_path_copy(label, field)
        sources.register_builtins()
