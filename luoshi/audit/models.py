"""The audit trail: one append-only row per change to a domain record."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Updated")
    DELETE = "delete", _("Deleted")
    RETIRE = "retire", _("Retired")
    RESTORE = "restore", _("Restored")
    REPARENT = "reparent", _("Re-parented")
    IMPORT = "import", _("Imported")


class AuditEntry(models.Model):
    """Who changed what, when, from what to what (after NetBox's ObjectChange).

    Rows are written by ``audit.record`` inside the service's transaction and never updated
    or deleted by the application: ``save`` refuses an update and ``delete`` refuses always.
    ``unit_path`` is the path of the unit the record belongs to, so the one scoping function
    can show a unit's administrators its own subtree's history.
    """

    time = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(_("actor"), max_length=150)
    batch = models.CharField(_("batch"), max_length=64, blank=True, db_index=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=200)
    related_type = models.CharField(max_length=64, blank=True)
    related_id = models.CharField(max_length=64, blank=True)
    unit_path = models.CharField(max_length=255, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    message = models.CharField(_("message"), max_length=500, blank=True)
    # The hash chain (see audit.chain): set once, by the sealer, in chain order.
    chain_seq = models.BigIntegerField(null=True, blank=True, unique=True)
    # A database default too: bulk loaders that write rows with raw SQL leave these out.
    prev_hash = models.CharField(max_length=64, blank=True, db_default="")
    hash = models.CharField(max_length=64, blank=True, db_default="")

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-time", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["unit_path", "time"]),
        ]

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise RuntimeError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("audit entries are append-only")

    def diff(self) -> list[tuple[str, Any, Any]]:
        """The fields that differ between before and after, as (field, old, new)."""
        before = self.before or {}
        after = self.after or {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]
