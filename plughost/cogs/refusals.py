"""Which cog's command Discord refused at sync, and for which field: read from the
``errors`` object of a 400 (code 50035 Invalid Form Body) to a bulk overwrite."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, final

__all__ = ["INVALID_FORM_BODY", "Refusal", "refusals_in"]

#: Discord's code for a request body that breaks its rules; ``errors`` says where.
INVALID_FORM_BODY = 50035


@final
@dataclass(frozen=True, slots=True)
class Refusal:
    """One reason Discord gave for refusing one command of a bulk overwrite."""

    command: str  # the command's name as sent ("Bad Name", "config")
    field: str  # the path inside the command ("name", "options.1.description")
    message: str  # Discord's message for it ("Must be 100 or fewer in length.")

    def __str__(self) -> str:
        return f"/{self.command} {self.field}: {self.message}"


def _leaves(
    node: Mapping[str, Any], path: tuple[str, ...]
) -> Iterator[tuple[tuple[str, ...], str]]:
    for key, value in node.items():
        if key == "_errors" and isinstance(value, list):
            for error in value:
                message = error.get("message") if isinstance(error, dict) else None
                yield path, str(message or error)
        elif isinstance(value, Mapping):
            yield from _leaves(value, (*path, key))


def refusals_in(
    errors: Any, payload: Sequence[Mapping[str, Any]]
) -> tuple[dict[int, list[Refusal]], list[str]]:
    """Discord's ``errors`` for a bulk overwrite of ``payload``: the refusals of each
    command by its index in ``payload``, and the messages about the request as a
    whole (too many commands), which name no command."""
    by_index: dict[int, list[Refusal]] = {}
    whole: list[str] = []
    if not isinstance(errors, Mapping):
        return by_index, whole
    for path, message in _leaves(errors, ()):
        if path and path[0].isdigit() and int(path[0]) < len(payload):
            index = int(path[0])
            name = str(payload[index].get("name", "?"))
            field = ".".join(path[1:]) or "(the command)"
            by_index.setdefault(index, []).append(Refusal(name, field, message))
        else:
            whole.append(f"{'.'.join(path) or '(the request)'}: {message}")
    return by_index, whole
