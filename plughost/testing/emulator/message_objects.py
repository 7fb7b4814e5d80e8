"""What Discord stores of a message body: embeds typed, components numbered, no nulls.

Discord answers a message with objects it built, not with the body it was sent:
an embed has ``type: "rich"`` and its fields an ``inline`` flag; each component
has a numeric ``id`` (1, 2, 3 ... in reading order, skipping ids the bot chose
itself); a select has ``min_values`` and ``max_values``; fields sent as ``null``
(``emoji``, ``sku_id``, ``custom_id``, ``placeholder``, ...) are absent.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Final

__all__ = ["stored_components", "stored_embeds"]

_SELECTS: Final = frozenset({3, 5, 6, 7, 8})
_CHILD_LISTS: Final = ("components", "items")
_CHILD_OBJECTS: Final = ("accessory", "component")


def _without_nulls(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


def stored_embeds(embeds: list[Any]) -> list[dict[str, Any]]:
    """Embeds as Discord keeps them: ``type`` given, no nulls, fields with ``inline``."""
    stored: list[dict[str, Any]] = []
    for embed in embeds:
        data: dict[str, Any] = _without_nulls(dict(embed))
        data.setdefault("type", "rich")
        if "fields" in data:
            data["fields"] = [
                {
                    "name": str(f.get("name", "")),
                    "value": str(f.get("value", "")),
                    "inline": bool(f.get("inline", False)),
                }
                for f in data["fields"]
            ]
        stored.append(data)
    return stored


def _given_ids(components: list[Any]) -> Iterator[int]:
    for component in components:
        if not isinstance(component, Mapping):
            continue
        if isinstance(component.get("id"), int):
            yield component["id"]
        for key in _CHILD_LISTS:
            yield from _given_ids(list(component.get(key) or []))
        for key in _CHILD_OBJECTS:
            if isinstance(component.get(key), Mapping):
                yield from _given_ids([component[key]])


class _Numbering:
    __slots__ = ("_next", "_taken")

    def __init__(self, taken: set[int]) -> None:
        self._taken = taken
        self._next = 1

    def take(self) -> int:
        while self._next in self._taken:
            self._next += 1
        self._taken.add(self._next)
        return self._next


def _component(component: Mapping[str, Any], numbering: _Numbering) -> dict[str, Any]:
    data: dict[str, Any] = {
        k: _without_nulls(v)
        for k, v in component.items()
        if v is not None and k not in _CHILD_LISTS + _CHILD_OBJECTS
    }
    if not isinstance(data.get("id"), int):
        data["id"] = numbering.take()
    if data.get("type") in _SELECTS:
        data.setdefault("min_values", 1)
        data.setdefault("max_values", 1)
    for key in _CHILD_LISTS:
        if isinstance(component.get(key), list):
            data[key] = [_component(c, numbering) for c in component[key]]
    for key in _CHILD_OBJECTS:
        if isinstance(component.get(key), Mapping):
            data[key] = _component(component[key], numbering)
    return data


def stored_components(components: list[Any]) -> list[dict[str, Any]]:
    """Components as Discord keeps them: numbered, no nulls, select bounds filled in."""
    numbering = _Numbering(set(_given_ids(components)))
    return [_component(c, numbering) for c in components if isinstance(c, Mapping)]
