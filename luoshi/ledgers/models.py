"""Ledgers (台账): a typed table defined once, filled by many units, rolled up.

Ledger            the family: key, owner unit, cadence, which units fill it
LedgerTemplate    one version of its columns; a change makes a new version, rows keep theirs
LedgerColumn      a typed column with a stable key (values are keyed by it, not the label)
LedgerAssignment  a unit that fills the ledger (materialized from the assignment rule)
LedgerRow         one version of one row; never updated in place, a change supersedes it
Verification      a change that waits for a superior's acceptance (退出验收)
LedgerUpload      an Excel upload, accepted or refused, with its error report
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .validation import ColumnSpec

SLOTS = 12  # numeric columns per ledger copied to typed fields for rollups


class Cadence(models.TextChoices):
    ONCE = "once", _("One-off")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")


class ColumnType(models.TextChoices):
    TEXT = "text", _("Text")
    INTEGER = "integer", _("Integer")
    DECIMAL = "decimal", _("Decimal")
    DATE = "date", _("Date")
    CHOICE = "choice", _("Choice")
    YESNO = "yesno", _("Yes/no")
    UNIT = "unit", _("Unit")
    RESIDENT_ID = "resident_id", _("Resident ID")
    PHONE = "phone", _("Phone")


class Ledger(models.Model):
    """A ledger family: stable ``key``, its owner, cadence, the units that fill it.

    ``current`` is the template version new rows and uploads use. Visible to the owner's
    subtree and to every unit that fills it (and their supervisors).
    """

    key = models.SlugField(_("key"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        "units.Unit", verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+"
    )
    owner_path = models.CharField(max_length=255, db_index=True)
    cadence = models.CharField(_("cadence"), max_length=10, choices=Cadence.choices, default=Cadence.ONCE)
    assign_root = models.ForeignKey(
        "units.Unit",
        verbose_name=_("filled under"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assign_level = models.CharField(_("filled by level"), max_length=10, blank=True)
    assign_group = models.ForeignKey(
        "units.UnitGroup",
        verbose_name=_("filled by group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    current = models.ForeignKey(
        "LedgerTemplate", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    scope_paths = ("owner_path", "assignments__unit_path")

    class Meta:
        verbose_name = _("ledger")
        verbose_name_plural = _("ledgers")
        ordering = ["owner_path", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cadence__in=Cadence.values), name="ledgers_ledger_cadence_valid"
            )
        ]

    def __str__(self) -> str:
        return self.name


class LedgerTemplate(models.Model):
    """One version of a ledger's columns, row key and alert rules (never edited once used).

    ``alert_rules``: ``[{"column": key, "op": "lt", "value": "6000", "message": "…"}]``.
    """

    ledger = models.ForeignKey(Ledger, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField(_("version"))
    row_key = models.CharField(_("row key"), max_length=40, blank=True)
    alert_rules = models.JSONField(_("alert rules"), default=list, blank=True)
    note = models.CharField(_("what changed"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ledger template")
        verbose_name_plural = _("ledger templates")
        ordering = ["ledger", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["ledger", "version"], name="ledgers_template_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.ledger.name} v{self.version}"

    def specs(self) -> list[ColumnSpec]:
        return [c.spec() for c in self.columns.all()]


class LedgerColumn(models.Model):
    """A typed column (after NetBox's CustomField). ``key`` is stable across versions;
    ``slot`` (1…12) is the typed field its numbers are copied to for rollups."""

    template = models.ForeignKey(LedgerTemplate, on_delete=models.CASCADE, related_name="columns")
    key = models.SlugField(_("key"), max_length=40)
    label = models.CharField(_("label"), max_length=60)
    type = models.CharField(_("type"), max_length=12, choices=ColumnType.choices)
    required = models.BooleanField(_("required"), default=False)
    min_value = models.DecimalField(_("minimum"), max_digits=20, decimal_places=4, null=True, blank=True)
    max_value = models.DecimalField(_("maximum"), max_digits=20, decimal_places=4, null=True, blank=True)
    pattern = models.CharField(_("pattern"), max_length=200, blank=True)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    sensitive = models.BooleanField(_("sensitive"), default=False)
    verify_level = models.CharField(_("changes verified by level"), max_length=10, blank=True)
    verify_values = models.JSONField(default=list, blank=True)
    help_text = models.CharField(_("help text"), max_length=200, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    slot = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("ledger column")
        verbose_name_plural = _("ledger columns")
        ordering = ["template", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["template", "key"], name="ledgers_column_key_unique"),
            models.UniqueConstraint(fields=["template", "label"], name="ledgers_column_label_unique"),
            models.CheckConstraint(condition=Q(type__in=ColumnType.values), name="ledgers_column_type_valid"),
        ]

    def __str__(self) -> str:
        return self.label

    def spec(self) -> ColumnSpec:
        return ColumnSpec(
            key=self.key,
            label=self.label,
            type=self.type,
            required=self.required,
            min_value=self.min_value,
            max_value=self.max_value,
            pattern=self.pattern,
            choices=tuple(self.choices or ()),
            sensitive=self.sensitive,
            verify_level=self.verify_level,
            verify_values=tuple(self.verify_values or ()),
            slot=self.slot,
            help_text=self.help_text,
        )


class LedgerAssignment(models.Model):
    """A unit that fills a ledger. Materialized from the ledger's rule when it is assigned."""

    ledger = models.ForeignKey(Ledger, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True)

    scope_paths = ("unit_path",)

    class Meta:
        verbose_name = _("ledger assignment")
        verbose_name_plural = _("ledger assignments")
        constraints = [models.UniqueConstraint(fields=["ledger", "unit"], name="ledgers_assignment_unique")]

    def __str__(self) -> str:
        return f"{self.ledger_id}→{self.unit_id}"


class RowStatus(models.TextChoices):
    CURRENT = "current", _("Current")
    SUPERSEDED = "superseded", _("Superseded")
    PENDING = "pending", _("Awaiting verification")
    REJECTED = "rejected", _("Rejected")
    REMOVED = "removed", _("Removed")


class LedgerRow(models.Model):
    """One version of one row of one unit. Rows are never updated in place: a change is a
    new version (``revision`` + 1, ``supersedes`` the old one, same ``entry``) and the old
    one's status becomes superseded. ``values`` is keyed by column key; numbers are copied to
    ``n1``…``n12`` (the column's slot) so rollups sum typed columns, not JSON."""

    # Foreign keys without their own index: the composite indexes below lead with ledger and
    # unit, and each extra index costs every insert of a 100,000-row import.
    ledger = models.ForeignKey(Ledger, on_delete=models.PROTECT, related_name="rows", db_index=False)
    template = models.ForeignKey(LedgerTemplate, on_delete=models.PROTECT, related_name="+", db_index=False)
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+", db_index=False)
    unit_path = models.CharField(max_length=255)
    period = models.CharField(_("period"), max_length=8, blank=True)
    entry = models.UUIDField(default=uuid.uuid4, editable=False)
    row_key = models.CharField(_("row key"), max_length=100, blank=True)
    revision = models.PositiveIntegerField(default=1)
    supersedes = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RowStatus.choices, default=RowStatus.CURRENT
    )
    values = models.JSONField(default=dict)
    alerts = models.JSONField(default=list, blank=True)
    has_alert = models.BooleanField(default=False)
    # Uploads and users are never deleted in practice (users are deactivated), so these
    # carry no index either.
    upload = models.ForeignKey(
        "LedgerUpload", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField()
    n1 = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    n2 = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    n3 = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    n4 = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    n5 = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    n6 = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    n7 = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    n8 = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    n9 = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    n10 = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    n11 = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    n12 = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)

    scope_paths = ("unit_path",)

    class Meta:
        verbose_name = _("ledger row")
        verbose_name_plural = _("ledger rows")
        ordering = ["unit_path", "row_key", "id"]
        indexes = [
            # Rollups and scoped lists: one ledger, one period, current rows, a path range.
            models.Index(fields=["ledger", "period", "status", "unit_path"], name="ledgers_row_rollup"),
            models.Index(fields=["ledger", "unit", "period", "status"], name="ledgers_row_unit"),
            models.Index(fields=["entry", "revision"], name="ledgers_row_entry"),
            models.Index(
                fields=["unit_path"], condition=Q(has_alert=True, status="current"), name="ledgers_row_alert"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["entry"], condition=Q(status="current"), name="ledgers_row_one_current"
            ),
            models.UniqueConstraint(
                fields=["entry"], condition=Q(status="pending"), name="ledgers_row_one_pending"
            ),
            models.UniqueConstraint(
                fields=["ledger", "unit", "period", "row_key"],
                condition=Q(status="current") & ~Q(row_key=""),
                name="ledgers_row_key_unique",
            ),
            models.CheckConstraint(condition=Q(status__in=RowStatus.values), name="ledgers_row_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.ledger_id}/{self.row_key or self.entry} r{self.revision}"

    def figure(self, slot: int) -> Decimal | None:
        return getattr(self, f"n{slot}")


class Decision(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class Verification(models.Model):
    """A row change that waits for the verifying unit (e.g. the county for 退出验收).

    ``row`` is the pending version; on acceptance it becomes current, on rejection it is
    marked rejected and the previous version stays. Who decided and when is kept here."""

    ledger = models.ForeignKey(Ledger, on_delete=models.PROTECT, related_name="+")
    row = models.OneToOneField(LedgerRow, on_delete=models.PROTECT, related_name="verification")
    previous = models.ForeignKey(LedgerRow, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True)
    verifier = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    verifier_path = models.CharField(max_length=255, db_index=True)
    changes = models.JSONField(default=list)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField()
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    scope_paths = ("unit_path",)

    class Meta:
        verbose_name = _("verification")
        verbose_name_plural = _("verifications")
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.row} {self.decision}"


class UploadStatus(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")


class ImportMode(models.TextChoices):
    UPSERT = "upsert", _("Update by row key, add the rest")
    APPEND = "append", _("Add as new rows")


class LedgerUpload(models.Model):
    """One Excel upload: its outcome, counts, the first errors and the error report."""

    ledger = models.ForeignKey(Ledger, on_delete=models.PROTECT, related_name="uploads")
    template = models.ForeignKey(
        LedgerTemplate, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True)
    period = models.CharField(max_length=8, blank=True)
    mode = models.CharField(max_length=8, choices=ImportMode.choices, default=ImportMode.UPSERT)
    filename = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=UploadStatus.choices)
    rows_total = models.PositiveIntegerField(default=0)
    rows_created = models.PositiveIntegerField(default=0)
    rows_updated = models.PositiveIntegerField(default=0)
    rows_unchanged = models.PositiveIntegerField(default=0)
    rows_pending = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    error_report = models.BinaryField(null=True, blank=True)
    batch = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    scope_paths = ("unit_path",)

    class Meta:
        verbose_name = _("ledger upload")
        verbose_name_plural = _("ledger uploads")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.filename
