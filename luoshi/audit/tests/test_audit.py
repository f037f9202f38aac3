"""The audit trail: written by services, shown to administrators in scope, never edited."""

import pytest
from django.urls import reverse

from luoshi.audit.models import AuditEntry
from luoshi.units.services import unit_rename


def test_administrators_see_their_subtrees_history(tree, login):
    unit_rename(actor=tree.user("city", "admin"), unit=tree.township, name="建北新街道")
    unit_rename(actor=tree.user("city", "admin"), unit=tree.sibling, name="桥西新区")
    client = login(tree.user("county", "admin"))
    page = client.get(reverse("audit:list"))
    assert page.status_code == 200
    reprs = {e.object_repr for e in page.context["page"]}
    assert "建北新街道" in reprs and "桥西新区" not in reprs


def test_an_entry_shows_before_and_after(tree, login):
    unit_rename(actor=tree.user("city", "admin"), unit=tree.township, name="建北新街道")
    entry = AuditEntry.objects.filter(action="update").latest("id")
    page = login(tree.user("county", "admin")).get(reverse("audit:detail", args=[entry.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "建北街道" in html and "建北新街道" in html


def test_a_sibling_administrator_gets_404(tree, login):
    unit_rename(actor=None, unit=tree.township, name="建北新街道")
    entry = AuditEntry.objects.filter(action="update").latest("id")
    assert (
        login(tree.user("sibling", "admin")).get(reverse("audit:detail", args=[entry.pk])).status_code == 404
    )


def test_other_roles_get_403(tree, login):
    assert login(tree.user("county", "supervisor")).get(reverse("audit:list")).status_code == 403


def test_entries_cannot_be_changed_or_deleted(tree):
    entry = AuditEntry.objects.first()
    entry.message = "tampered"
    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(RuntimeError):
        entry.delete()


def test_creating_a_user_is_audited(tree):
    entry = AuditEntry.objects.filter(object_type="accounts.user", object_repr="county-reporter").get()
    assert entry.action == "create" and entry.after["roles"] == ["reporter"]
    assert entry.unit_path == tree.county.path
