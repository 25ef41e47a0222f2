"""WARC 1.1's field table: which named fields each record type must, may or must not carry.

The facts are the specification's (section 5, "Named fields", and section 6 per record type);
jwarc's validator applies the same table. A field a record must have for it to be read at all
(the record ID, length, date, type, a capture's target URI, a revisit's profile) is checked by
`archive.verify.records` as damage; the rules here are about form, and a record that breaks
them still reads. `archive.verify.files` reports them as defects in Palimpsest's own files and
as notes in other tools' files.
"""

from __future__ import annotations

from functools import lru_cache

from archive.warc.fields import is_record_id, warc_date

RECORD_TYPES = ("warcinfo", "response", "resource", "request", "metadata", "revisit",
                "conversion", "continuation")
# Field -> the record types it shall not be used in.
FORBIDDEN_ON: dict[str, frozenset[str]] = {
    "warc-concurrent-to": frozenset({"warcinfo", "conversion", "continuation"}),
    "warc-ip-address": frozenset({"warcinfo", "conversion", "continuation"}),
    "warc-refers-to": frozenset({"warcinfo", "response", "resource", "request", "continuation"}),
    "warc-refers-to-target-uri": frozenset(set(RECORD_TYPES) - {"revisit"}),
    "warc-refers-to-date": frozenset(set(RECORD_TYPES) - {"revisit"}),
    "warc-target-uri": frozenset({"warcinfo"}),
    "warc-warcinfo-id": frozenset({"warcinfo"}),
    "warc-filename": frozenset(set(RECORD_TYPES) - {"warcinfo"}),
    "warc-profile": frozenset(set(RECORD_TYPES) - {"revisit"}),
    "warc-segment-origin-id": frozenset(set(RECORD_TYPES) - {"continuation"}),
    "warc-segment-total-length": frozenset(set(RECORD_TYPES) - {"continuation"}),
}
# Field -> the record types it is mandatory on, beyond what a record needs to be read at all.
REQUIRED_ON: dict[str, frozenset[str]] = {
    "warc-segment-origin-id": frozenset({"continuation"}),
    "warc-segment-number": frozenset({"continuation"}),
}
# The WARC fields the specification defines; only WARC-Concurrent-To may be repeated.
DEFINED = frozenset({
    "warc-record-id", "content-length", "warc-date", "warc-type", "content-type",
    "warc-concurrent-to", "warc-block-digest", "warc-payload-digest", "warc-ip-address",
    "warc-refers-to", "warc-refers-to-target-uri", "warc-refers-to-date", "warc-target-uri",
    "warc-truncated", "warc-warcinfo-id", "warc-filename", "warc-profile",
    "warc-identified-payload-type", "warc-segment-number", "warc-segment-origin-id",
    "warc-segment-total-length",
})
REPEATABLE = frozenset({"warc-concurrent-to"})
RECORD_ID_FIELDS = ("warc-concurrent-to", "warc-refers-to", "warc-warcinfo-id",
                    "warc-segment-origin-id")
TRUNCATED_REASONS = ("length", "time", "disconnect", "unspecified")
PROFILE_IDENTICAL = "/revisit/identical-payload-digest"


def field_problems(kind: str, fields: dict[str, list[str]]) -> list[str]:
    """What breaks the field table in one record, given every value of every field (names in
    lower case, in order)."""
    problems = []
    for name, values in fields.items():
        if name not in DEFINED:
            continue  # extensions: "WARC processing software shall ignore" them
        label = _label(name)
        if len(values) > 1 and name not in REPEATABLE:
            problems.append(f"{label} is repeated ({len(values)} times)")
        if kind in FORBIDDEN_ON.get(name, ()):
            problems.append(f"{label} shall not be used in a {kind} record")
        problems += _value_problems(name, label, values)
    for name, kinds in REQUIRED_ON.items():
        if kind in kinds and name not in fields:
            problems.append(f"a {kind} record needs {_label(name)}")
    if kind == "revisit" and _first(fields, "warc-profile").endswith(PROFILE_IDENTICAL) \
            and "warc-refers-to" not in fields:
        problems.append("an identical-payload-digest revisit needs WARC-Refers-To to name its "
                        "original")
    return problems


def _value_problems(name: str, label: str, values: list[str]) -> list[str]:
    problems = []
    for value in values:
        if name in RECORD_ID_FIELDS and not is_record_id(value):
            problems.append(f"{label} {value[:60]!r} is not a <URI>")
        elif name == "warc-refers-to-date":
            try:
                warc_date(value)
            except ValueError as exc:
                problems.append(f"WARC-Refers-To-Date: {exc}")
        elif name == "warc-target-uri" and value.startswith("<") and value.endswith(">"):
            problems.append("WARC-Target-URI in angle brackets (WARC 1.0's examples; WARC 1.1 "
                            "writes the bare URI)")
        elif name == "warc-target-uri" and " " in value:
            problems.append("WARC-Target-URI has a space in it (read as %20)")
        elif name == "warc-truncated" and value.lower() not in TRUNCATED_REASONS:
            problems.append(f"WARC-Truncated {value[:40]!r} is not one of "
                            f"{', '.join(TRUNCATED_REASONS)}")
    return problems


def _first(fields: dict[str, list[str]], name: str) -> str:
    values = fields.get(name)
    return values[0] if values else ""


@lru_cache(maxsize=256)  # a few dozen names, asked for on every record
def _label(name: str) -> str:
    """The field's name as the specification spells it.

    >>> _label("warc-ip-address"), _label("content-length")
    ('WARC-IP-Address', 'Content-Length')
    """
    return _SPECIAL_LABELS.get(name) or "-".join(
        part.capitalize() for part in name.split("-")).replace("Warc-", "WARC-")


_SPECIAL_LABELS = {"warc-ip-address": "WARC-IP-Address", "warc-record-id": "WARC-Record-ID",
                   "warc-target-uri": "WARC-Target-URI",
                   "warc-refers-to-target-uri": "WARC-Refers-To-Target-URI",
                   "warc-warcinfo-id": "WARC-Warcinfo-ID",
                   "warc-segment-origin-id": "WARC-Segment-Origin-ID"}
