"""The form of the "Do I need a licence?" page: it collects answers, the schema decides.

Every field is collected as given and turned into a transaction document; the document
schema and the rule engine judge it, and their errors, which name a document field
(`items[1].entry`, `items.1.entry`, `destination`), are shown next to the form field.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS

from licentia.controllists.models import ControlListVersion
from licentia.errors import InvalidInput
from licentia.reference.countries import all_countries
from licentia.reference.eu import member_states
from licentia.rules.model import Activity, Concern, PartyRole, PartyType, Purpose

ITEM_ROWS = 5
ITEM_FLAGS = ("cyber_surveillance", "cryptography_note", "public_domain", "mass_market")
_EXPORTER_FIELDS = ("exporter", "exporter.established_in", "exporter.goods_located_in")
_SIMPLE_FIELDS = (
    "activity",
    "date",
    "purpose",
    "transit_state",
    "destination",
    "purchasing_country",
)
_DENIAL_FIELDS = ("member_state", "reference", "notified_on", "revoked")
_PATH = re.compile(r"\[(\d+)\]")


class _Collected(forms.Field):
    """Several values (checkboxes) collected as given."""

    def to_python(self, value: Any) -> list[str]:
        return [str(v) for v in value or []]


def _text(label: str, help_text: str = "", **attrs: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        strip=True,
        widget=forms.TextInput(attrs=attrs),
    )


def _select(label: str, choices: list[tuple[str, str]], help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label, help_text=help_text, required=False, widget=forms.Select(choices=choices)
    )


def _date(label: str, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


def _flag(label: str, help_text: str = "") -> forms.BooleanField:
    return forms.BooleanField(label=label, help_text=help_text, required=False)


def _concerns(label: str, help_text: str) -> _Collected:
    return _Collected(
        label=label,
        help_text=help_text,
        required=False,
        widget=forms.CheckboxSelectMultiple(choices=[(c.value, c.description) for c in Concern]),
    )


def _party_types() -> list[tuple[str, str]]:
    return [("", "Not known or none"), *((t.value, t.description) for t in PartyType)]


class CheckForm(forms.Form):
    """The five steps of the checker; item rows are numbered fields `item_<n>_<field>`."""

    exporter_status = forms.CharField(
        label="Where is your company established?",
        required=False,
        initial="established",
        widget=forms.RadioSelect(
            choices=[
                ("established", "In a Member State of the European Union"),
                ("non-eu", "Outside the Union (the goods are located in a Member State)"),
            ]
        ),
    )
    member_state = _select(
        "Member State",
        [],
        "Where your company is established; for a company outside the Union, where the goods "
        "are located. Its authority is the one competent for your application (Art 12(2)).",
    )
    internal_compliance_programme = _flag(
        "We have an internal compliance programme (ICP)",
        "Needed for the intra-group authorisation EU007.",
    )
    activity = _select("What do you do?", [(a.value, a.description) for a in Activity])
    date = _date("Date of the transaction", "The law in force on this day applies.")
    purpose = _select(
        "Purpose",
        [(p.value, p.description) for p in Purpose],
        "Some general authorisations and exemptions apply only for these purposes.",
    )
    transit_state = _select(
        "Member State of transit", [], "Only for a transit: where the items pass through."
    )
    destination = _select("Country of destination", [])
    purchasing_country = _select(
        "Purchasing country, if different",
        [],
        "The military end-use catch-all (Art 4(1)(b)) looks at it beside the destination.",
    )
    end_user_type = _select("End user", _party_types())
    end_user_intra_group = _flag("The end user is a subsidiary or sister company of ours")
    consignee_type = _select("Consignee", _party_types(), "The party that receives the items.")
    consignee_intra_group = _flag("The consignee is a subsidiary or sister company of ours")
    informed = _concerns(
        "Your authority has informed you that the items are or may be intended for",
        "Tick each use the competent authority has told you about.",
    )
    aware = _concerns(
        "You are aware that the items are intended for",
        "Tick each use you know of, for example from your due diligence.",
    )
    informed_of_other_state_list = _flag(
        "Your authority has informed you of a concern under another Member State's national "
        "list (Art 10)"
    )
    denial_member_state = _select("Member State that denied it", [])
    denial_reference = _text("Denial reference", maxlength=100)
    denial_notified_on = _date("Date the denial was notified")
    denial_revoked = _flag("The denial has been revoked")

    def __init__(
        self, *args: Any, versions: Sequence[ControlListVersion] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.label_suffix = ""  # labels are questions or end in their own words
        today = dt.date.today()
        self.initial.setdefault("date", today.isoformat())
        states = [("", "Choose a Member State")] + [
            (c.alpha2, c.name) for c in member_states(today)
        ]
        countries = [("", "Choose a country")] + [(c.alpha2, c.name) for c in all_countries()]
        for name in ("member_state", "transit_state", "denial_member_state"):
            self.fields[name].widget.choices = states
        for name in ("destination", "purchasing_country"):
            self.fields[name].widget.choices = countries
        version_choices = [("", "In force on the date")] + [
            (v.version, f"{v.version}{' (curated excerpt)' if v.excerpt else ''}") for v in versions
        ]
        for row in range(ITEM_ROWS):
            self.fields.update(_item_fields(row, version_choices))

    # -- the document -------------------------------------------------------------------

    def document(self) -> dict[str, Any]:
        """The transaction document of the answers given; empty answers are left out."""
        data = self.cleaned_data
        key = "goods_located_in" if data["exporter_status"] == "non-eu" else "established_in"
        document: dict[str, Any] = {
            "exporter": _given({key: data["member_state"]}),
            "internal_compliance_programme": data["internal_compliance_programme"],
            "items": [self._item(row) for row in self.item_rows_used()],
            "informed": data["informed"],
            "aware": data["aware"],
            "informed_of_other_state_list": data["informed_of_other_state_list"],
            "parties": self._parties(),
        }
        for name in _SIMPLE_FIELDS:
            if data[name]:
                document[name] = data[name]
        denial = _given({f: data[f"denial_{f}"] for f in _DENIAL_FIELDS if f != "revoked"})
        if denial:
            document["prior_denials"] = [denial | {"revoked": data["denial_revoked"]}]
        return document

    def item_rows_used(self) -> list[int]:
        """The item rows with an answer: these become the document's items, in order."""
        return [
            row
            for row in range(ITEM_ROWS)
            if any(self.cleaned_data[f"item_{row}_{name}"] for name in _ITEM_FIELDS)
        ]

    def _item(self, row: int) -> dict[str, Any]:
        data = self.cleaned_data
        item: dict[str, Any] = _given(
            {name: data[f"item_{row}_{name}"] for name in ("entry", "list_version", "description")}
        )
        item |= {flag: True for flag in ITEM_FLAGS if data[f"item_{row}_{flag}"]}
        annex_iv = data[f"item_{row}_annex_iv"]
        if annex_iv:
            item["annex_iv"] = annex_iv == "yes"
        national = [e.strip() for e in data[f"item_{row}_national_entries"].split(",")]
        if any(national):
            item["national_entries"] = [e for e in national if e]
        return item

    def _parties(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        return [
            _given({"role": role.value, "type": data[f"{prefix}_type"]})
            | ({"intra_group": True} if data[f"{prefix}_intra_group"] else {})
            for prefix, role in self._parties_given()
        ]

    def _parties_given(self) -> list[tuple[str, PartyRole]]:
        """The parties answered for, in the document's order."""
        return [
            (prefix, role)
            for prefix, role in (
                ("end_user", PartyRole.END_USER),
                ("consignee", PartyRole.CONSIGNEE),
            )
            if self.cleaned_data[f"{prefix}_type"] or self.cleaned_data[f"{prefix}_intra_group"]
        ]

    # -- errors of the schema and the engine ---------------------------------------------

    def add_determination_error(self, error: InvalidInput) -> None:
        """Each error next to the field it names; an error naming no form field on top."""
        problems = error.details.get("errors")
        if isinstance(problems, list):
            for problem in problems:
                where = self.field_for(str(problem["field"]))
                self.add_error(where, f"{problem['field']}: {problem['message']}")
            return
        self.add_error(self.field_for(str(error.details.get("field", ""))), error.message)

    def field_for(self, path: str) -> str | None:
        """The form field of a document field (None: the form as a whole)."""
        parts = _PATH.sub(r".\1", path).split(".")
        head = parts[0]
        if path in _EXPORTER_FIELDS:
            return "member_state"
        if head in (*_SIMPLE_FIELDS, "informed", "aware"):
            return head
        if head == "items":
            rows = self.item_rows_used()
            index = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
            name = parts[2] if len(parts) > 2 and parts[2] in _ITEM_FIELDS else "entry"
            return f"item_{rows[index] if index < len(rows) else 0}_{name}"
        if head == "parties" and len(parts) > 1 and parts[1].isdigit():
            given = self._parties_given()
            index = int(parts[1])
            return f"{given[index][0]}_type" if index < len(given) else None
        if head == "prior_denials" and len(parts) > 2 and parts[2] in _DENIAL_FIELDS:
            return f"denial_{parts[2]}"
        return None

    # -- the template's view of the fields -------------------------------------------------

    def item_rows(self) -> list[dict[str, Any]]:
        """Per item row: its number, its bound fields, and whether it holds answers or errors."""
        rows = []
        for row in range(ITEM_ROWS):
            fields = [self[f"item_{row}_{name}"] for name in _ITEM_FIELDS]
            used = any(f.value() not in (None, "", False) or f.errors for f in fields)
            rows.append({"number": row + 1, "fields": fields, "open": row == 0 or used})
        return rows

    def summary(self) -> list[tuple[str, str]]:
        """The answers given, as (question, answer) with the labels the form showed."""
        rows = []
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name)
            if value in (None, "", False, []):
                continue
            choices = dict(getattr(field.widget, "choices", ()))
            if isinstance(value, list):
                shown = "; ".join(str(choices.get(v, v)) for v in value)
            elif value is True:
                shown = "Yes"
            else:
                shown = str(choices.get(value, value))
            rows.append((str(field.label), shown))
        return rows

    def error_summary(self) -> list[tuple[str, str, str]]:
        """(field id or "", label, message) for every error, for the summary at the top."""
        summary = [("", "", str(message)) for message in self.non_field_errors()]
        for name, messages in self.errors.items():
            if name == NON_FIELD_ERRORS:
                continue
            bound = self[name]
            for message in messages:
                summary.append((bound.auto_id, str(bound.label), str(message)))
        return summary


_ITEM_FIELDS = (
    "entry",
    "list_version",
    "description",
    *ITEM_FLAGS,
    "annex_iv",
    "national_entries",
)


def _item_fields(row: int, versions: list[tuple[str, str]]) -> dict[str, forms.Field]:
    number = row + 1
    fields: dict[str, forms.Field] = {
        "entry": _text(
            f"Item {number}: control entry",
            "The Annex I entry, such as 5A001.j; leave empty for an item not listed.",
            maxlength=40,
            autocomplete="off",
        ),
        "list_version": _select(f"Item {number}: control list version", versions),
        "description": _text(
            f"Item {number}: description", "What the item is, in a few words.", maxlength=2000
        ),
        "cyber_surveillance": _flag(
            f"Item {number} is not listed but is a cyber-surveillance item",
            "Specially designed to enable covert surveillance of people by monitoring, "
            "extracting, collecting or analysing data from information and telecommunication "
            "systems (Art 2(20)).",
        ),
        "cryptography_note": _flag(
            f"Item {number} is released by the Cryptography Note",
            "Category 5 Part 2, Note 3.",
        ),
        "public_domain": _flag(
            f"Item {number} is in the public domain or basic scientific research",
            "Software or technology only.",
        ),
        "mass_market": _flag(f"Item {number} is a mass-market item"),
        "annex_iv": _select(
            f"Item {number}: in Annex IV?",
            [("", "Not known"), ("yes", "Yes"), ("no", "No")],
            "Needed for a transfer within the Union when the list version does not say.",
        ),
        "national_entries": _text(
            f"Item {number}: national control list entries",
            "For an item not listed in Annex I: entries of a national list, separated by commas.",
            maxlength=200,
        ),
    }
    return {f"item_{row}_{name}": field for name, field in fields.items()}


def _given(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value}
