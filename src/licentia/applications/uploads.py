"""Checks on uploaded documents: size, type by content, and a safe display name.

What is accepted, and why:

- PDF, PNG and JPEG for every document. The type is read from the first bytes of the
  content (the "magic number"), never from the file name or the browser's content type, so a
  renamed executable is refused. A PDF with active content (JavaScript, launch actions,
  embedded files) is refused too: an authority officer opens these files.
- Plain text (UTF-8, CSV included) for supporting documents and answers to requests for
  information only. An end-use statement is a signed document and must be a PDF or an image
  of the signed page.
- This is not a virus scanner: where the operator runs one, it belongs before these checks.
- A name whose extension promises another type than the content is refused, so the exporter
  is never surprised by what the authority receives.
- Anything larger than `LICENTIA_UPLOAD_MAX_BYTES` (10 MB by default) is refused.

The stored file gets a random name; the original name is kept, cleaned, for display only.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings

from licentia.errors import InvalidInput

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
_SNIFF_BYTES = 4096
_MAX_NAME_LENGTH = 120
# PDF names of scripts, launch actions and attachments, as whole names (a delimiter follows).
_PDF_ACTIVE_CONTENT = re.compile(rb"/(JavaScript|Launch|EmbeddedFiles?|RichMedia)[\s/<>\[\]()]")


class FileType(StrEnum):
    PDF = "application/pdf"
    PNG = "image/png"
    JPEG = "image/jpeg"
    TEXT = "text/plain"

    @property
    def description(self) -> str:
        return _DESCRIPTIONS[self]

    @property
    def extensions(self) -> frozenset[str]:
        return _EXTENSIONS[self]


_DESCRIPTIONS = {
    FileType.PDF: "PDF document",
    FileType.PNG: "PNG image",
    FileType.JPEG: "JPEG image",
    FileType.TEXT: "plain text (UTF-8, CSV included)",
}
_EXTENSIONS = {
    FileType.PDF: frozenset({"pdf"}),
    FileType.PNG: frozenset({"png"}),
    FileType.JPEG: frozenset({"jpg", "jpeg"}),
    FileType.TEXT: frozenset({"txt", "csv", "text"}),
}
_SIGNATURES = (
    (b"%PDF-", FileType.PDF),
    (b"\x89PNG\r\n\x1a\n", FileType.PNG),
    (b"\xff\xd8\xff", FileType.JPEG),
)
# What executables and archives start with, to name them in the message.
_KNOWN_REFUSED = (
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a Linux program"),
    (b"\xcf\xfa\xed\xfe", "a macOS program"),
    (b"#!", "a script"),
    (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (b"\xd0\xcf\x11\xe0", "an old Office document"),
)
_TEXT_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def max_bytes() -> int:
    return int(getattr(settings, "LICENTIA_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


@dataclass(frozen=True)
class CheckedFile:
    content: bytes
    file_type: FileType
    display_name: str


def check(
    *, name: str, chunks: Iterable[bytes], allowed: frozenset[FileType], field: str = "file"
) -> CheckedFile:
    """Read an upload (refusing it as soon as it is too large) and check its type by content."""
    limit = max_bytes()
    data = bytearray()
    for chunk in chunks:
        data += chunk
        if len(data) > limit:
            raise InvalidInput(
                f"the file is larger than the {_megabytes(limit)} allowed; "
                "scan at a lower resolution or split it",
                details={"field": field, "max_bytes": limit},
            )
    content = bytes(data)
    if not content:
        raise InvalidInput("the file is empty", details={"field": field})
    display_name = clean_name(name)
    file_type = sniff(content)
    if file_type is None or file_type not in allowed:
        accepted = ", ".join(t.description for t in sorted(allowed, key=list(FileType).index))
        found = _refused_kind(content) if file_type is None else file_type.description
        raise InvalidInput(
            f"this file is {found}; accepted here: {accepted}",
            details={"field": field, "accepted": sorted(allowed)},
        )
    extension = display_name.rsplit(".", 1)[-1].lower() if "." in display_name else ""
    if extension and extension not in file_type.extensions:
        raise InvalidInput(
            f"the file is named .{extension} but its content is a {file_type.description}; "
            "rename it or upload the intended file",
            details={"field": field},
        )
    if file_type is FileType.PDF and _PDF_ACTIVE_CONTENT.search(content):
        raise InvalidInput(
            "this PDF contains active content (scripts, actions or embedded files); "
            "print it to a plain PDF and upload that",
            details={"field": field},
        )
    return CheckedFile(content, file_type, display_name)


def sniff(content: bytes) -> FileType | None:
    """The file's type from its first bytes; None for anything not accepted anywhere."""
    for signature, file_type in _SIGNATURES:
        if content.startswith(signature):
            return file_type
    head = content[:_SNIFF_BYTES]
    if _TEXT_CONTROL.search(head) or any(content.startswith(s) for s, _ in _KNOWN_REFUSED):
        return None
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return FileType.TEXT


def clean_name(name: str) -> str:
    """A name safe to show and to offer for download: no folders, controls or odd characters."""
    base = re.split(r"[/\\]", name)[-1]
    base = unicodedata.normalize("NFKC", base)
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C")
    base = re.sub(r"[^\w.\- ()]", "_", base).strip(" .")
    base = re.sub(r"\.{2,}", ".", base)
    if len(base) > _MAX_NAME_LENGTH:
        stem, dot, extension = base.rpartition(".")
        if dot and len(extension) <= 10:
            base = stem[: _MAX_NAME_LENGTH - len(extension) - 1] + "." + extension
        else:
            base = base[:_MAX_NAME_LENGTH]
    return base or "document"


def _refused_kind(content: bytes) -> str:
    for signature, kind in _KNOWN_REFUSED:
        if content.startswith(signature):
            return kind
    return "of a type that is not accepted"


def _megabytes(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):g} MB"
    return f"{size / 1024:g} KB"
