from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "luoshi.tasks"
    label = "tasks"
    verbose_name = _("Tasks")

    def ready(self) -> None:
        from luoshi.units.services import register_path_copy

        for label, field in [
            ("tasks.source", "issuer_path"),
            ("tasks.task", "issuer_path"),
            ("tasks.assignment", "unit_path"),
            ("tasks.assignment", "issuer_path"),
        ]:
            register_path_copy(label, field)

        from luoshi.ledgers import burden

        from .burden import task_demands

        burden.register_source(task_demands)
