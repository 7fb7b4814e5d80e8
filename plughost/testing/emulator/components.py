"""Components on the bot's messages and modals, as a member picks and fills them.

Finding the component a test means (by ``custom_id`` or by its visible label),
checking that a member could use it at all (disabled, link buttons, select
options), and building the ``data`` Discord sends for a click or a modal submit.
Every refusal is an ``AssertionError`` that lists what the message does offer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

__all__ = [
    "ComponentNotFound",
    "click_data",
    "describe_components",
    "find_component",
    "flatten",
    "modal_fields",
    "modal_submit_data",
]

BUTTON: Final = 2
STRING_SELECT: Final = 3
TEXT_INPUT: Final = 4
#: User, role, mentionable and channel selects: values are snowflakes.
ENTITY_SELECTS: Final = frozenset({5, 6, 7, 8})
LINK_STYLE: Final = 5
_KIND_NAMES: Final = {
    BUTTON: "button",
    STRING_SELECT: "select",
    TEXT_INPUT: "text input",
    5: "user select",
    6: "role select",
    7: "mentionable select",
    8: "channel select",
}


class ComponentNotFound(AssertionError):
    """A click or modal submit named a component that is not there (or not usable)."""


def flatten(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The interactive components inside action rows (and labels, containers), in order."""
    found: list[dict[str, Any]] = []
    for item in rows:
        children = item.get("components")
        inner = item.get("component")
        if isinstance(children, list):
            found.extend(flatten(children))
        elif isinstance(inner, Mapping):
            found.extend(flatten([inner]))
        elif item.get("type") not in (None, 1):
            found.append(dict(item))
    return found


def _describe(component: Mapping[str, Any]) -> str:
    kind = _KIND_NAMES.get(int(component.get("type", 0)), f"type {component.get('type')}")
    label = component.get("label") or component.get("placeholder")
    ident = component.get("custom_id") or component.get("url") or "?"
    text = f"{kind} {ident!r}"
    if label and label != ident:
        text += f" (label {label!r})"
    if component.get("disabled"):
        text += " [disabled]"
    return text


def describe_components(rows: Iterable[Mapping[str, Any]]) -> str:
    """``button 'done' (label 'Done'), select 'pick'`` or ``no components``."""
    listed = [_describe(c) for c in flatten(rows)]
    return ", ".join(listed) if listed else "no components"


def find_component(rows: Sequence[Mapping[str, Any]], wanted: str, where: str) -> dict[str, Any]:
    """The component whose ``custom_id`` (first) or label (then) is ``wanted``."""
    components = flatten(rows)
    for key in ("custom_id", "label"):
        matches = [c for c in components if c.get(key) == wanted]
        if len(matches) > 1 and key == "label":
            raise ComponentNotFound(
                f"{where} has {len(matches)} components labelled {wanted!r}; "
                f"click one by custom_id: {describe_components(matches)}"
            )
        if matches:
            return matches[0]
    raise ComponentNotFound(
        f"{where} has no component with custom_id or label {wanted!r} "
        f"(it has: {describe_components(rows)})"
    )


def click_data(
    component: Mapping[str, Any], values: Sequence[Any] | None, where: str
) -> dict[str, Any]:
    """The interaction ``data`` of pressing ``component`` or picking ``values`` in it."""
    kind = int(component.get("type", BUTTON))
    described = _describe(component)
    if component.get("disabled"):
        raise ComponentNotFound(f"{described} in {where} is disabled; members cannot use it")
    if kind == BUTTON and (component.get("style") == LINK_STYLE or not component.get("custom_id")):
        raise ComponentNotFound(f"{described} in {where} is a link; Discord sends the bot nothing")
    data: dict[str, Any] = {"custom_id": component["custom_id"], "component_type": kind}
    if kind == BUTTON:
        if values is not None:
            raise TypeError(f"{described} is a button; it takes no values")
        return data
    picked = [] if values is None else list(values)
    low = int(component.get("min_values", 1))
    high = int(component.get("max_values", 1))
    if not low <= len(picked) <= high:
        raise ComponentNotFound(
            f"{described} in {where} takes {low} to {high} values; got {len(picked)}: {picked}"
        )
    if kind == STRING_SELECT:
        data["values"] = [_option_value(component, value, where) for value in picked]
    else:
        data["values"] = [str(getattr(value, "id", value)) for value in picked]
    return data


def _option_value(component: Mapping[str, Any], value: Any, where: str) -> str:
    options = list(component.get("options") or [])
    for option in options:
        if value in (option.get("value"), option.get("label")):
            return str(option["value"])
    offered = ", ".join(f"{o.get('value')!r} ({o.get('label')!r})" for o in options) or "none"
    raise ComponentNotFound(
        f"select {component.get('custom_id')!r} in {where} has no option {value!r} "
        f"(its options: {offered})"
    )


def modal_fields(modal: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The text inputs of a modal the bot opened, in order."""
    return [c for c in flatten(modal.get("components") or []) if c.get("type") == TEXT_INPUT]


def modal_submit_data(modal: Mapping[str, Any], values: Mapping[str, str]) -> dict[str, Any]:
    """The ``data`` of submitting ``modal`` with ``values`` (field custom_id or label -> text).

    Fields not given keep the value the bot prefilled (or stay empty); a required
    field left empty, an unknown field or a value over ``max_length`` is refused,
    as Discord's client would.
    """
    title = modal.get("title") or modal.get("custom_id")
    fields = modal_fields(modal)
    by_key: dict[str, dict[str, Any]] = {}
    for field in fields:
        by_key.setdefault(str(field.get("label")), field)
    by_key.update({str(f["custom_id"]): f for f in fields})
    unknown = [k for k in values if k not in by_key]
    if unknown:
        raise ComponentNotFound(
            f"modal {title!r} has no field {', '.join(map(repr, unknown))} "
            f"(its fields: {describe_components(fields)})"
        )
    filled = {str(by_key[k]["custom_id"]): str(v) for k, v in values.items()}
    rows: list[dict[str, Any]] = []
    for field in fields:
        ident = str(field["custom_id"])
        text = filled.get(ident, str(field.get("value") or ""))
        if field.get("required", True) and not text:
            raise ComponentNotFound(f"modal {title!r}: the field {ident!r} is required")
        high = field.get("max_length")
        if high is not None and len(text) > int(high):
            raise ComponentNotFound(
                f"modal {title!r}: the field {ident!r} takes at most {high} characters"
            )
        low = field.get("min_length")
        if text and low is not None and len(text) < int(low):
            raise ComponentNotFound(
                f"modal {title!r}: the field {ident!r} takes at least {low} characters"
            )
        rows.append(
            {"type": 1, "components": [{"type": TEXT_INPUT, "custom_id": ident, "value": text}]}
        )
    return {"custom_id": modal["custom_id"], "components": rows}
