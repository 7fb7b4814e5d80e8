"""A cog's guild settings as a form, generated from its registered Config defaults.

Each default's JSON type decides the input: ``bool`` a checkbox, ``int`` and
``float`` number fields, ``str`` a text field, a list one item per line, ``None`` an
optional field (empty: none; digits: a number, as Discord ids are), and a non-empty
dict a nested group. An empty dict has no fields to show (cogs use those as maps
keyed at run time) and is left out. Values read are the guild's, deep-merged over
the defaults, as the cog itself reads them.

Parsing checks every field before anything is written: one bad value and nothing is.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias, final

__all__ = ["Field", "FieldKind", "FormError", "Section", "changes", "fields_of", "walk"]

FieldKind: TypeAlias = Literal["bool", "int", "float", "str", "list", "optional"]


class FormError(ValueError):
    """A submitted value does not fit its field; the message names the field."""


@final
@dataclass(frozen=True, slots=True)
class Field:
    path: tuple[str, ...]
    kind: FieldKind
    value: Any
    item_kind: Literal["int", "str"] = "str"
    """For lists: what each line must be."""

    @property
    def name(self) -> str:
        return ".".join(self.path)

    @property
    def label(self) -> str:
        return self.path[-1].replace("_", " ")

    @property
    def text(self) -> str:
        """The value as the input shows it."""
        if self.kind == "list":
            return "\n".join(str(item) for item in self.value or [])
        if self.value is None:
            return ""
        return str(self.value)


@final
@dataclass(frozen=True, slots=True)
class Section:
    path: tuple[str, ...]
    children: tuple[Field | Section, ...]

    @property
    def label(self) -> str:
        return self.path[-1].replace("_", " ")


_KINDS: tuple[tuple[type, FieldKind], ...] = (
    # bool first: it is an int subclass.
    (bool, "bool"),
    (int, "int"),
    (float, "float"),
    (str, "str"),
    (list, "list"),
    (type(None), "optional"),
)


def _kind(default: Any) -> FieldKind | None:
    return next((kind for cls, kind in _KINDS if isinstance(default, cls)), None)


def fields_of(
    defaults: Mapping[str, Any], values: Mapping[str, Any], path: tuple[str, ...] = ()
) -> tuple[Field | Section, ...]:
    """The form for ``defaults`` (one scope's registered defaults) showing ``values``."""
    found: list[Field | Section] = []
    for key, default in defaults.items():
        here = (*path, key)
        value = values.get(key, default) if isinstance(values, Mapping) else default
        if isinstance(default, dict):
            if default:
                nested = value if isinstance(value, Mapping) else {}
                found.append(Section(here, fields_of(default, nested, here)))
            continue
        kind = _kind(default)
        if kind is None:
            continue
        item_kind: Literal["int", "str"] = "str"
        if kind == "list":
            items = default or (value if isinstance(value, list) else [])
            if items and all(isinstance(i, int) and not isinstance(i, bool) for i in items):
                item_kind = "int"
        found.append(Field(here, kind, value, item_kind))
    return tuple(found)


def walk(form: tuple[Field | Section, ...]) -> Iterator[Field]:
    for item in form:
        if isinstance(item, Section):
            yield from walk(item.children)
        else:
            yield item


def _number(field: Field, text: str) -> int | float:
    try:
        return int(text) if field.kind == "int" else float(text)
    except ValueError:
        noun = "a whole number" if field.kind == "int" else "a number"
        raise FormError(f"{field.name} must be {noun}, not {text[:40]!r}") from None


def _list(field: Field, raw: str | None) -> list[Any]:
    lines = [line.strip() for line in (raw or "").splitlines() if line.strip()]
    if field.item_kind != "int":
        return lines
    bad = next((line for line in lines if not line.lstrip("-").isdigit()), None)
    if bad is not None:
        raise FormError(f"{field.name}: each line must be a whole number, not {bad!r}")
    return [int(line) for line in lines]


def _parse(field: Field, submitted: Mapping[str, str]) -> Any:
    raw = submitted.get(field.name)
    text = (raw or "").strip()
    if field.kind == "bool":
        value: Any = raw is not None and raw != "off"  # an unticked checkbox sends nothing
    elif field.kind in {"int", "float"}:
        value = _number(field, text)
        if not math.isfinite(value):  # inf and NaN are not JSON
            raise FormError(f"{field.name} must be a finite number")
    elif field.kind == "str":
        value = raw if raw is not None else field.value
    elif field.kind == "list":
        value = _list(field, raw)
    else:  # optional: empty is none, digits a number (ids), anything else text
        value = (int(text) if text.isdigit() else text) if text else None
    return value


def changes(
    form: tuple[Field | Section, ...], submitted: Mapping[str, str]
) -> dict[tuple[str, ...], Any]:
    """The values that differ from the form's, by path; FormError before any is returned."""
    changed: dict[tuple[str, ...], Any] = {}
    for field in walk(form):
        value = _parse(field, submitted)
        if value != field.value or type(value) is not type(field.value):
            changed[field.path] = value
    return changed
