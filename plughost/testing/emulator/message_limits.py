"""Discord's limits on what a message may carry, refused with its 50035 errors.

Content: 2000 characters. Embeds: 10 per message; a title of 256, a description
of 4096, 25 fields of a 256-character name and 1024-character value, a footer of
2048, an author name of 256, and 6000 characters over all of them. Components
(classic action rows): 5 rows of at most 5 components (a select fills its row
alone), a ``custom_id`` of at most 100 characters and a button label of at most 80.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from plughost.testing.emulator.api_errors import FormErrors, max_length

__all__ = ["check_message"]

MAX_CONTENT: Final = 2000
MAX_EMBEDS: Final = 10
MAX_EMBED_TITLE: Final = 256
MAX_EMBED_DESCRIPTION: Final = 4096
MAX_EMBED_FIELDS: Final = 25
MAX_FIELD_NAME: Final = 256
MAX_FIELD_VALUE: Final = 1024
MAX_FOOTER: Final = 2048
MAX_AUTHOR_NAME: Final = 256
MAX_EMBEDS_TOTAL: Final = 6000
MAX_ROWS: Final = 5
MAX_ROW_COMPONENTS: Final = 5
MAX_CUSTOM_ID: Final = 100
MAX_LABEL: Final = 80
IS_COMPONENTS_V2: Final = 1 << 15
_SELECTS: Final = frozenset({3, 5, 6, 7, 8})
_TOO_WIDE: Final = (
    "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
    "The specified component exceeds the maximum width",
)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _check_embed(errors: FormErrors, index: int, embed: Mapping[str, Any]) -> int:
    """Add this embed's errors; return its size in characters (counted toward 6000)."""
    where = ("embeds", index)
    title = _text(embed.get("title"))
    description = _text(embed.get("description"))
    footer = _text((embed.get("footer") or {}).get("text"))
    author = _text((embed.get("author") or {}).get("name"))
    errors.check_length([*where, "title"], title, MAX_EMBED_TITLE)
    errors.check_length([*where, "description"], description, MAX_EMBED_DESCRIPTION)
    errors.check_length([*where, "footer", "text"], footer, MAX_FOOTER)
    errors.check_length([*where, "author", "name"], author, MAX_AUTHOR_NAME)
    fields = list(embed.get("fields") or [])
    if len(fields) > MAX_EMBED_FIELDS:
        errors.add([*where, "fields"], max_length(MAX_EMBED_FIELDS))
    size = len(title) + len(description) + len(footer) + len(author)
    for number, field in enumerate(fields):
        name, value = _text(field.get("name")), _text(field.get("value"))
        errors.check_length([*where, "fields", number, "name"], name, MAX_FIELD_NAME, low=1)
        errors.check_length([*where, "fields", number, "value"], value, MAX_FIELD_VALUE, low=1)
        size += len(name) + len(value)
    return size


def _check_components(errors: FormErrors, rows: list[Any]) -> None:
    if len(rows) > MAX_ROWS:
        errors.add(["components"], max_length(MAX_ROWS))
    for index, row in enumerate(rows):
        if not isinstance(row, Mapping):
            continue
        children = list(row.get("components") or [])
        if len(children) > MAX_ROW_COMPONENTS:
            errors.add(["components", index, "components"], max_length(MAX_ROW_COMPONENTS))
        elif len(children) > 1 and any(
            isinstance(c, Mapping) and c.get("type") in _SELECTS for c in children
        ):
            # A select is as wide as its row: nothing may sit beside it.
            errors.add(["components", index, "components"], _TOO_WIDE)
        for number, child in enumerate(children):
            if not isinstance(child, Mapping):
                continue
            where: list[str | int] = ["components", index, "components", number]
            errors.check_length([*where, "custom_id"], child.get("custom_id"), MAX_CUSTOM_ID)
            if child.get("type") == 2:  # a button; a select's placeholder has its own limit
                errors.check_length([*where, "label"], child.get("label"), MAX_LABEL)


def check_message(content: str, embeds: list[Any], components: list[Any], flags: int = 0) -> None:
    """Refuse a message over Discord's limits (400, 50035, the fields named)."""
    errors = FormErrors()
    errors.check_length(["content"], content, MAX_CONTENT)
    if len(embeds) > MAX_EMBEDS:
        errors.add(["embeds"], max_length(MAX_EMBEDS))
    total = sum(_check_embed(errors, i, e) for i, e in enumerate(embeds) if isinstance(e, Mapping))
    if total > MAX_EMBEDS_TOTAL:
        errors.add(
            ["embeds"],
            ("MAX_EMBED_SIZE_EXCEEDED", f"Embed size exceeds maximum size of {MAX_EMBEDS_TOTAL}"),
        )
    if not flags & IS_COMPONENTS_V2:
        _check_components(errors, components)
    errors.raise_if_any()
