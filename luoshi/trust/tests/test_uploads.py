"""Uploads are checked by their content, never by their name: a Windows program renamed to what
each upload expects (.pdf, .xlsx, .docx, .txt) is refused everywhere and leaves nothing behind."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from luoshi.audit.models import AuditEntry

from .world import EXE, PDF, World


def _exe(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, EXE, content_type="application/pdf")


@pytest.fixture
def world(db, request) -> World:
    return World(request)


def test_a_program_renamed_pdf_is_refused_as_a_report_attachment(world, login):
    from luoshi.reports.models import Attachment, Report

    assignment = world["county_assignment"]
    client = login(world.user("county-reporter"))
    response = client.post(
        reverse("tasks:report_create", args=[assignment.pk]),
        {"text": "进展", "percent": 30, "attachments": [_exe("进展.pdf")]},
        follow=True,
    )
    assert "类型不允许上传" in response.content.decode()
    assert not Report.objects.exists() and not Attachment.objects.exists()
    # The same bytes with a real PDF beside them: the whole report is refused.
    client.post(
        reverse("tasks:report_create", args=[assignment.pk]),
        {"text": "进展", "percent": 30, "attachments": [SimpleUploadedFile("a.pdf", PDF), _exe("b.pdf")]},
    )
    assert not Report.objects.exists()


def test_a_real_pdf_named_anything_is_stored_as_a_pdf(world, login):
    from luoshi.reports.models import Attachment

    client = login(world.user("county-reporter"))
    client.post(
        reverse("tasks:report_create", args=[world["county_assignment"].pk]),
        {"text": "进展", "percent": 30, "attachments": [SimpleUploadedFile("scan.exe", PDF)]},
    )
    assert Attachment.objects.get().content_type == "application/pdf"


def test_a_program_renamed_xlsx_is_refused_as_a_decomposition_table(world, login):
    task = world["county_task"]
    before = task.source.tasks.count()
    client = login(world.user("county-supervisor"))
    response = client.post(
        reverse("tasks:source_import", args=[task.source_id]), {"file": _exe("任务分解表.xlsx")}
    )
    assert response.status_code in (302, 400)
    assert task.source.tasks.count() == before


def test_a_program_renamed_xlsx_is_refused_as_a_ledger_upload(world, login):
    from luoshi.ledgers.models import LedgerRow

    ledger = world["ledger"]
    client = login(world.user("village-reporter"))
    response = client.post(
        reverse("ledgers:upload", args=[ledger.pk, world.tree.village.code]),
        {"file": _exe("台账.xlsx"), "mode": "upsert"},
    )
    assert response.status_code in (200, 302, 400, 422)
    assert not LedgerRow.objects.exists()


@pytest.mark.parametrize("name", ["纪要.docx", "纪要.txt"])
def test_a_program_renamed_docx_or_txt_is_refused_as_a_readout(world, login, name):
    from luoshi.readouts.models import ReadoutDraft

    client = login(world.user("county-supervisor"))
    response = client.post(reverse("readouts:start"), {"text": "", "file": _exe(name)})
    assert response.status_code == 200  # the form again, with the reason
    assert not ReadoutDraft.objects.exists()


def test_a_program_renamed_xlsx_is_refused_as_indicator_figures(world, login):
    from luoshi.indicators.models import Actual

    indicator = world["indicator"]
    client = login(world.user("county-supervisor"))
    client.post(reverse("indicators:import", args=[indicator.pk]), {"year": 2026, "file": _exe("指标.xlsx")})
    assert not Actual.objects.exists()


@pytest.mark.parametrize("name", ["村.xlsx", "村.csv"])
def test_a_program_renamed_xlsx_or_csv_is_refused_as_a_village_file(world, name):
    from luoshi.core.exceptions import DomainError
    from luoshi.units.importer import import_file
    from luoshi.units.models import Unit

    count, audits = Unit.objects.count(), AuditEntry.objects.count()
    with pytest.raises(DomainError):
        import_file(actor=None, data=EXE, filename=name)
    assert Unit.objects.count() == count and AuditEntry.objects.count() == audits
