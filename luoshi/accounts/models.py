"""Users belong to one unit and hold roles there; API tokens stand in for a user."""

from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SUPERVISOR = "supervisor", _("Supervisor")
    REPORTER = "reporter", _("Reporter")
    LEADER = "leader", _("Leader")
    ADMIN = "admin", _("Administrator")


class User(AbstractUser):
    """A person working for one unit. ``roles`` is a list of ``Role`` values.

    A superuser without a unit is the system operator and sees everything; any other user
    without a unit sees nothing.
    """

    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    display_name = models.CharField(_("name"), max_length=60, blank=True)
    post = models.CharField(_("post"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    roles = models.JSONField(_("roles"), default=list, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username

    def has_role(self, role: str) -> bool:
        return self.is_superuser or role in (self.roles or [])

    @property
    def role_labels(self) -> list[str]:
        return [str(Role(r).label) for r in self.roles or [] if r in Role.values]


def hash_token(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the key is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=60)
    prefix = models.CharField(max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
