"""Attachment checks and storage: type by content (never by name), size limits, SHA-256 names."""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from luoshi.core.exceptions import DomainError

MAX_BYTES = int(getattr(settings, "LUOSHI_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024))
MAX_FILES = 10


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes


@dataclass(frozen=True)
class Checked:
    name: str
    data: bytes
    content_type: str
    sha256: str


def _zip_kind(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
    except zipfile.BadZipFile:
        return None
    if "[Content_Types].xml" in names:
        if any(n.startswith("word/") for n in names):
            return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        if any(n.startswith("xl/") for n in names):
            return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        if any(n.startswith("ppt/") for n in names):
            return "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    if "OFD.xml" in names:
        return "application/ofd"
    return None


def sniff(data: bytes) -> str | None:
    """The content type ``data`` really has, among those allowed; None for anything else."""
    head = data[:16]
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "application/msword"  # legacy .doc/.xls (OLE compound file)
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if b"\x00" not in data[:4096]:
        for encoding in ("utf-8", "gb18030"):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            lowered = text[:4096].lower()
            if "<script" in lowered or "<html" in lowered or "<svg" in lowered:
                return None
            return "text/plain"
    return None


def check(uploads: list[Upload]) -> list[Checked]:
    if len(uploads) > MAX_FILES:
        raise DomainError(
            _("At most %(n)d attachments per report.") % {"n": MAX_FILES}, code="too_many_files"
        )
    out = []
    for upload in uploads:
        name = os.path.basename(upload.name or "").strip()[:200] or "attachment"
        if not upload.data:
            raise DomainError(_("The attachment “%(name)s” is empty.") % {"name": name}, code="empty_file")
        if len(upload.data) > MAX_BYTES:
            raise DomainError(
                _("The attachment “%(name)s” is larger than %(mb)d MB.")
                % {"name": name, "mb": MAX_BYTES // 2**20},
                code="file_too_large",
            )
        content_type = sniff(upload.data)
        if content_type is None:
            raise DomainError(
                _(
                    "The attachment “%(name)s” is not an allowed type (PDF, image, Office document, OFD or plain text)."
                )
                % {"name": name},
                code="bad_file_type",
            )
        out.append(Checked(name, upload.data, content_type, hashlib.sha256(upload.data).hexdigest()))
    return out


def storage_path(sha256: str) -> Path:
    return Path(settings.MEDIA_ROOT) / "attachments" / sha256[:2] / sha256


def store(item: Checked) -> None:
    """Write the file under its hash (once; identical files share one copy)."""
    path = storage_path(item.sha256)
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent)
    with os.fdopen(fd, "wb") as f:
        f.write(item.data)
    os.replace(tmp, path)
