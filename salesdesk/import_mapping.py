"""Which column of an import file is which field: recognised, or given by the user.

An office moving in brings files as its old tool wrote them. The names those tools give
their columns are known (from their export documentation), in Russian and English:
amoCRM/Kommo, Bitrix24, 1С (Бухгалтерия, УНФ, CRM), Pipedrive, Google Contacts, Outlook,
and an Excel list kept by hand. A header is matched against them with case, spaces,
punctuation and ё/е ignored; the header row may sit below title lines (1С writes the
list's name and a date above it). What is recognised is proposed, printed, and can be
replaced with ``--map "COLUMN=field,..."``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from salesdesk import registry
from salesdesk.errors import FieldProblem, ValidationError
from salesdesk.i18n import _

IGNORE = "-"
"""The field name that leaves a column out (``--map "Теги=-"``)."""

def normalise_header(text: Any) -> str:
    """A column name compared as people mean it: case, spaces, punctuation and ё aside."""
    folded = str(text or "").casefold().replace("ё", "е")
    return re.sub(r"[\W_]+", "", folded)


@dataclass
class Mapping:
    """Columns (by position) to fields, and what the file's header calls them."""

    fields: dict[int, str] = field(default_factory=dict)
    header: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    given: bool = False
    """The user gave the mapping (``--map``) rather than taking the recognised one."""

    def describe(self) -> str:
        """``Название компании → name, ИНН → inn`` (printed by the command line)."""
        return ", ".join(f"{self.header[i]} → {name}" for i, name in sorted(self.fields.items()))

    def column_of(self, name: str) -> int | None:
        """The position of the column mapped to ``name``."""
        return next((i for i, f in self.fields.items() if f == name), None)


@cache
def lookup(kind: str) -> dict[str, str]:
    """Normalised column name -> field, from the registry's names of each field
    (:func:`salesdesk.registry.import_names`)."""
    table: dict[str, str] = {}
    for name, names in registry.import_names(kind):
        for alias in names:
            table.setdefault(normalise_header(alias), name)
    return table


def known_fields(kind: str) -> set[str]:
    """The fields a column of a ``kind`` file may be mapped to."""
    return {f.name for f in registry.import_fields(kind)}


def recognise(kind: str, header: list[str]) -> Mapping:
    """The mapping proposed for ``header``; each field taken by its first column only."""
    table = lookup(kind)
    mapping = Mapping(header=list(header))
    for index, column in enumerate(header):
        name = table.get(normalise_header(column))
        if name is None or name in mapping.fields.values():
            if str(column).strip():
                mapping.unknown.append(str(column))
            continue
        mapping.fields[index] = name
    return mapping


def header_row(kind: str, rows: list[list[Any]], within: int = 15) -> int:
    """Which of the first rows is the header: the one naming the most known columns
    (title lines above a 1С list name none, or one)."""
    best, best_score = 0, -1
    for index, cells in enumerate(rows[:within]):
        texts = [str(c) for c in cells if isinstance(c, str) and c.strip()]
        if not texts:
            continue
        score = len(recognise(kind, texts).fields)
        if score > best_score and (score >= 2 or (index == 0 and score >= 1)):
            best, best_score = index, score
    return best


def parse_map(text: str, header: list[str], known: set[str]) -> Mapping:
    """``"Название компании=name, ИНН=inn, Теги=-"``: the user's own mapping. Columns are
    named as in the file (case and punctuation aside); a name that is not in the file, or
    a field that does not exist, is refused with both listed."""
    by_name = {normalise_header(h): i for i, h in enumerate(header)}
    mapping = Mapping(header=list(header), given=True)
    problems: list[FieldProblem] = []
    for part in (p for p in (text or "").split(",") if p.strip()):
        if "=" not in part:
            problems.append(FieldProblem("--map", _("'{part}' is not COLUMN=field").format(
                part=part.strip())))
            continue
        column, name = (x.strip() for x in part.rsplit("=", 1))
        index = by_name.get(normalise_header(column))
        if index is None:
            problems.append(FieldProblem("--map", _(
                "the file has no column '{column}' (its columns: {columns})").format(
                column=column, columns=", ".join(h for h in header if h))))
            continue
        if name == IGNORE:
            continue
        if name not in known:
            problems.append(FieldProblem("--map", _("'{name}' is not a field (fields: "
                                                    "{fields})").format(
                name=name, fields=", ".join(sorted(known)))))
            continue
        mapping.fields[index] = name
    if problems:
        raise ValidationError(problems)
    mapping.unknown = [h for i, h in enumerate(header) if h and i not in mapping.fields]
    return mapping
