"""The import wizard's draft: a parsed readout being edited before it becomes a source and tasks."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DraftStatus(models.TextChoices):
    OPEN = "open", _("Being edited")
    CONFIRMED = "confirmed", _("Confirmed")


class ReadoutDraft(models.Model):
    """A readout parsed into an editable decomposition table, owned by the issuing unit.

    ``text`` is the readout as pasted or read from the file; ``data`` holds the table as the
    supervisor last saved it, raw values included (an invalid date stays what was typed), so
    nothing is lost between steps or on a validation error. Its shape (see ``drafts.py``)::

        {"meeting": {"title", "date", "kind", "venue", "video", "sub_venues": [code]},
         "rows": [{"include", "title", "content", "lead": [code], "co": [code],
                   "lead_extra", "co_extra", "deadline", "deadline_text", "deadline_auto",
                   "targets": [{"value", "unit", "direction", "deadline"}], "target",
                   "names", "unmatched", "ambiguous"}]}

    Confirming creates the Source and its tasks and links them here.
    """

    scope_paths = ("issuer_path",)

    issuer = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("issuer")
    )
    issuer_path = models.CharField(max_length=255, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    text = models.TextField(_("full text"))
    notes = models.JSONField(_("parser notes"), default=list, blank=True)
    data = models.JSONField(_("draft table"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=DraftStatus.choices, default=DraftStatus.OPEN
    )
    source = models.ForeignKey(
        "tasks.Source", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("readout draft")
        verbose_name_plural = _("readout drafts")
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=DraftStatus.values), name="readouts_draft_status_valid"
            )
        ]

    def __str__(self) -> str:
        return (self.data or {}).get("meeting", {}).get("title") or self.filename or f"#{self.pk}"
