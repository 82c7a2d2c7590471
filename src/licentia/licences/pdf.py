"""The licence as a PDF document the holder downloads and shows at customs.

It carries everything the licence grants and the verification code with the public address
(and a QR code of it) where anyone can check that the licence exists and is in force.
Built with fpdf2's core fonts, which cover Latin-1: other characters are written in their
nearest Latin-1 form (ł as l) or as "?", never dropped silently.
"""

from __future__ import annotations

import io
import unicodedata
from urllib.parse import urlencode

import segno
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from licentia.applications.models import ApplicationKind
from licentia.errors import InvalidInput
from licentia.licences.models import Licence
from licentia.reference.countries import country

LEGAL_BASIS = (
    "Issued under Article 12 of Regulation (EU) 2021/821 of the European Parliament and of the "
    "Council setting up a Union regime for the control of exports, brokering, technical "
    "assistance, transit and transfer of dual-use items. Valid throughout the customs territory "
    "of the Union for the items, quantities, values, destinations and end users stated, under "
    "the conditions stated, within the validity period, while it is not suspended, annulled, "
    "revoked, surrendered or exhausted."
)
_NEAREST = str.maketrans({"ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "œ": "oe", "Œ": "OE", "ı": "i"})


def verification_url(base: str, licence: Licence) -> str:
    """The public page with the number and code filled in (what the QR code holds)."""
    query = urlencode({"number": licence.number, "code": licence.verification_code})
    return f"{base.rstrip('/')}/verify/?{query}"


def licence_pdf(licence: Licence, *, base_url: str, compress: bool = True) -> bytes:
    """The licence document; `base_url` is the site's public address (https://...)."""
    if not base_url.startswith(("http://", "https://")):
        raise InvalidInput("the site address must start with http:// or https://")
    url = verification_url(base_url, licence)
    pdf = _Document(licence)
    pdf.set_compression(compress)
    pdf.set_title(f"Licence {licence.number}")
    pdf.set_author(licence.authority.name)
    pdf.set_subject(ApplicationKind(licence.kind).label)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 9, _latin(ApplicationKind(licence.kind).label), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", "", 10)
    pdf.cell(0, 6, "Regulation (EU) 2021/821", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    state = "" if licence.status.usable else f" - {licence.status.value.upper()}"
    _fields(
        pdf,
        [
            ("Licence number", licence.number),
            ("Amendment", str(licence.amendment) if licence.amendment else "none (as issued)"),
            ("State when printed", licence.status.description + state),
            ("Issuing authority", f"{licence.authority.name} ({licence.authority.member_state})"),
            ("Holder", licence.holder.name),
            ("Holder EORI", licence.holder.eori or "not recorded"),
            ("Holder established in", _country(licence.holder.member_state)),
            ("Issued on", licence.issued_at.date().isoformat()),
            ("Valid from", licence.valid_from.isoformat()),
            ("Valid until", licence.valid_until.isoformat()),
        ],
    )
    _heading(pdf, "Items")
    pdf.set_font("Helvetica", "", 9)
    with pdf.table(col_widths=(8, 62, 22, 30, 28), text_align="LEFT") as table:
        table.row(["#", "Description", "Control entry", "Quantity", "Value (EUR)"])
        for line in licence.lines.all():
            table.row(
                [
                    str(line.position),
                    _latin(line.description),
                    line.control_entry or "non-listed",
                    f"{line.quantity.normalize():f} {_latin(line.unit)}",
                    f"{line.value_eur:,.2f}",
                ]
            )
    _heading(pdf, "Destinations")
    _paragraph(pdf, ", ".join(_country(code) for code in licence.destinations) or "none")
    _heading(pdf, "End users")
    _paragraph(
        pdf,
        "\n".join(f"{user['name']} ({_country(user['country'])})" for user in licence.end_users)
        or "as stated in the application",
    )
    _heading(pdf, "Conditions")
    _paragraph(pdf, licence.conditions or "No conditions beyond the Regulation.")
    _heading(pdf, "Legal basis")
    _paragraph(pdf, LEGAL_BASIS)
    _heading(pdf, "Verification")
    top = pdf.get_y()
    _paragraph(
        pdf,
        f"Verification code: {licence.verification_code}\n"
        f"Anyone can check this licence at {base_url.rstrip('/')}/verify/ with its number and "
        "this code, or by scanning the QR code.",
        width=pdf.epw - 35,
    )
    qr = io.BytesIO()
    segno.make(url, error="m").save(qr, kind="svg", border=1, omitsize=True)
    pdf.image(io.BytesIO(qr.getvalue()), x=pdf.w - pdf.r_margin - 30, y=top, w=30, h=30)
    output: bytes = bytes(pdf.output())
    return output


class _Document(FPDF):
    def __init__(self, licence: Licence) -> None:
        super().__init__(format="A4")
        self.licence = licence
        self.set_auto_page_break(auto=True, margin=18)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", "", 8)
        self.cell(
            0,
            6,
            f"Licence {self.licence.number} - code {self.licence.verification_code} - "
            f"page {self.page_no()}/{{nb}}",
            align="C",
        )


def _fields(pdf: FPDF, rows: list[tuple[str, str]]) -> None:
    for label, value in rows:
        pdf.set_font("Helvetica", "B", 10)
        pdf.cell(50, 6, label)
        pdf.set_font("Helvetica", "", 10)
        pdf.multi_cell(0, 6, _latin(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(3)
    pdf.set_font("Helvetica", "B", 12)
    pdf.cell(0, 8, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _paragraph(pdf: FPDF, text: str, *, width: float = 0) -> None:
    pdf.set_font("Helvetica", "", 10)
    pdf.multi_cell(width, 5, _latin(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _country(code: str) -> str:
    try:
        return f"{country(code).name} ({code})"
    except InvalidInput:  # an unknown code is printed as stored
        return code


def _latin(text: str) -> str:
    """`text` in Latin-1, the core fonts' character set, with the nearest letters."""
    out = []
    for char in text.translate(_NEAREST):
        if ord(char) < 256:
            out.append(char)
            continue
        base = unicodedata.normalize("NFKD", char).encode("latin-1", "ignore").decode("latin-1")
        out.append(base or "?")
    return "".join(out)
