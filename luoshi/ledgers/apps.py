from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgersConfig(AppConfig):
    name = "luoshi.ledgers"
    label = "ledgers"
    verbose_name = _("Ledgers")

    def ready(self) -> None:
        from luoshi.units.services import register_path_copy

        from . import burden, selectors

        # Re-parenting a unit rewrites these copies of its path in the same transaction.
        for label, field in (
            ("ledgers.ledger", "owner_path"),
            ("ledgers.ledgerassignment", "unit_path"),
            ("ledgers.ledgerrow", "unit_path"),
            ("ledgers.verification", "unit_path"),
            ("ledgers.verification", "verifier_path"),
            ("ledgers.ledgerupload", "unit_path"),
        ):
            register_path_copy(label, field)
        burden.register_source(selectors.ledger_demands)
        # 一表通: an indicator computed from a ledger column reads it through this source.
        from django.apps import apps

        if apps.is_installed("luoshi.indicators"):
            from luoshi.indicators.computed import register

            from .rollup import ledger_figures

            register("ledger", ledger_figures)
