"""The audit hash chain: sealed in order, verified, and tampering found at the first broken link."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from luoshi.audit import chain
from luoshi.audit.models import AuditEntry
from luoshi.units.services import unit_rename


def test_sealing_chains_every_entry_in_order_and_verifies(tree):
    total = AuditEntry.objects.count()
    assert chain.seal() == total
    assert chain.seal() == 0
    verdict = chain.verify()
    assert verdict.ok and verdict.checked == total and verdict.unsealed == 0
    first, second = AuditEntry.objects.order_by("chain_seq")[:2]
    assert first.prev_hash == chain.GENESIS and second.prev_hash == first.hash


def test_new_entries_wait_then_join_the_end_of_the_chain(tree):
    chain.seal()
    unit_rename(actor=None, unit=tree.county, name="长安新区")
    assert chain.verify().unsealed == 1
    chain.seal()
    newest = AuditEntry.objects.order_by("-chain_seq").first()
    assert newest.object_repr == "长安新区" and chain.verify().ok


def test_editing_a_row_in_the_database_is_detected_at_that_link(tree):
    chain.seal()
    victim = AuditEntry.objects.order_by("chain_seq")[5]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET actor_name = %s WHERE id = %s", ["某人", victim.pk])
    verdict = chain.verify()
    assert not verdict.ok
    assert (verdict.broken_seq, verdict.broken_id) == (victim.chain_seq, victim.pk)
    assert "altered" in verdict.reason


def test_deleting_a_row_in_the_database_is_detected(tree):
    chain.seal()
    victim = AuditEntry.objects.order_by("chain_seq")[3]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [victim.pk])
    verdict = chain.verify()
    assert not verdict.ok and verdict.broken_seq == victim.chain_seq and "deleted" in verdict.reason


def test_rewriting_a_row_and_its_hash_breaks_the_next_link(tree):
    chain.seal()
    rows = list(AuditEntry.objects.order_by("chain_seq")[:3])
    forged = {**AuditEntry.objects.filter(pk=rows[1].pk).values(*chain.FIELDS).get(), "message": "伪造"}
    new_hash = chain.link(rows[0].hash, forged)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditentry SET message = %s, hash = %s WHERE id = %s",
            ["伪造", new_hash, rows[1].pk],
        )
    verdict = chain.verify()
    assert not verdict.ok and verdict.broken_id == rows[2].pk


def test_the_verify_command_exits_non_zero_and_names_the_link(tree, capsys):
    call_command("audit_seal")
    call_command("audit_verify")
    assert "intact" in capsys.readouterr().out
    victim = AuditEntry.objects.order_by("chain_seq")[2]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET after = NULL WHERE id = %s", [victim.pk])
    with pytest.raises(CommandError) as err:
        call_command("audit_verify")
    assert f"link {victim.chain_seq}" in str(err.value) and err.value.returncode == 1
