"""Units: administrative divisions and departments, arranged in the supervision tree."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County")
    TOWNSHIP = "township", _("Township")
    VILLAGE = "village", _("Village")


LEVEL_ORDER = {value: i for i, value in enumerate(Level.values)}


class Kind(models.TextChoices):
    DIVISION = "division", _("Division")
    DEPARTMENT = "department", _("Department")


class Source(models.TextChoices):
    """Where a unit's row came from, so an import only retires what it brought itself."""

    MCA = "mca", _("National division data")
    PROJECT = "project", _("Project-defined area")
    FILE = "file", _("Imported file")
    DEPARTMENT = "department", _("Department list")
    MANUAL = "manual", _("Entered by hand")
    SYNTHETIC = "synthetic", _("Synthetic (benchmarks only)")


class Unit(models.Model):
    """A division (province … village) or a department, identified by its code.

    ``parent`` is the supervision parent: what the code implies unless overridden
    (定州市, 辛集市 → 河北省; 雄县 → 雄安新区). ``path`` materializes that tree; see
    ``units.paths`` for the rules and the subtree helper.
    """

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.DIVISION)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("supervision parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    parent_overridden = models.BooleanField(_("parent set by hand"), default=False)
    path = models.CharField(_("path"), max_length=255, unique=True)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices, default=Source.MANUAL)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["path"]
        indexes = [models.Index(fields=["level", "path"]), models.Index(fields=["name"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(level__in=Level.values), name="units_unit_level_valid"),
            models.CheckConstraint(condition=models.Q(kind__in=Kind.values), name="units_unit_kind_valid"),
            models.CheckConstraint(condition=~models.Q(path=""), name="units_unit_path_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None

    @property
    def segment(self) -> str:
        return self.path.rsplit("/", 1)[-1]

    @property
    def depth(self) -> int:
        return self.path.count("/")


class UnitAlias(models.Model):
    """Another name a unit is known by: a short name (省发改委), an older name, a variant."""

    class AliasKind(models.TextChoices):
        SHORT = "short", _("Short name")
        ALIAS = "alias", _("Alias")
        FORMER = "former", _("Former name")

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(_("alias"), max_length=100, db_index=True)
    kind = models.CharField(max_length=8, choices=AliasKind.choices, default=AliasKind.ALIAS)

    class Meta:
        verbose_name = _("unit alias")
        verbose_name_plural = _("unit aliases")
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="units_alias_unique")]

    def __str__(self) -> str:
        return self.name


class UnitGroup(models.Model):
    """A named set of units for one-step assignment ("各市（含定州、辛集市）和雄安新区").

    A group is a rule evaluated when used (so it follows re-parenting and new units):
    ``children``: the root's direct child divisions; ``level``: every unit of ``level`` under
    the root; ``members``: a fixed list.
    """

    class Rule(models.TextChoices):
        CHILDREN = "children", _("Direct subordinate divisions")
        LEVEL = "level", _("All units of a level")
        MEMBERS = "members", _("Fixed list")

    owner = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="owned_groups")
    name = models.CharField(_("name"), max_length=100)
    rule = models.CharField(_("rule"), max_length=10, choices=Rule.choices)
    root = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("root")
    )
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, blank=True)
    members = models.ManyToManyField(Unit, blank=True, related_name="member_of_groups")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("unit group")
        verbose_name_plural = _("unit groups")
        ordering = ["owner__path", "name"]
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="units_group_unique_name")]

    def __str__(self) -> str:
        return self.name
