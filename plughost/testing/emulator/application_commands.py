"""Application commands as Discord checks and stores them.

Discord does not keep a command body as it was sent: it refuses what breaks its
rules (400, code 50035, with an ``errors`` object naming the field) and stores
a normalised object: ids, ``version`` and ``application_id`` given, defaults
(``type``, ``default_member_permissions``, ``nsfw``, ``integration_types``)
filled in, and ``null`` or ``false`` option fields (``min_length``,
``channel_types``, ``required`` ...) dropped.

The rules checked are those of Discord's documentation: chat-input names of 1-32
lower-case letters, digits, ``-`` or ``_`` (no spaces); descriptions of 1-100
characters (empty for user and message commands); at most 25 options and 25
choices; required options before optional ones; unique names; at most 100
chat-input and 15 each user and message commands per scope.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from plughost.testing.emulator.api_errors import FormErrors, max_length

__all__ = ["CHAT_INPUT", "MAX_COMMANDS", "check_command", "check_commands", "normalise_command"]

CHAT_INPUT: Final = 1
USER, MESSAGE = 2, 3
SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
MAX_OPTIONS: Final = 25
MAX_CHOICES: Final = 25
MAX_NAME: Final = 32
MAX_DESCRIPTION: Final = 100
#: Per scope and type: 100 chat-input commands, 15 user and 15 message commands.
MAX_COMMANDS: Final = {CHAT_INPUT: 100, USER: 15, MESSAGE: 15}
_VALUE_LIMITS: Final = ("min_value", "max_value", "min_length", "max_length")
_CHOICE_VALUE_MAX: Final = 100


def _bad_name(name: str) -> tuple[str, str]:
    return "APPLICATION_COMMAND_INVALID_NAME", f"Command name is invalid: {name!r}"


def _check_name(errors: FormErrors, path: Sequence[str | int], name: Any, *, chat: bool) -> None:
    text = name if isinstance(name, str) else ""
    if not 1 <= len(text) <= MAX_NAME:
        errors.check_length([*path, "name"], text, MAX_NAME, low=1)
    elif chat and (text != text.lower() or not all(c.isalnum() or c in "-_" for c in text)):
        errors.add([*path, "name"], _bad_name(text))


def _check_description(
    errors: FormErrors, path: Sequence[str | int], description: Any, *, chat: bool
) -> None:
    text = description if isinstance(description, str) else ""
    if chat and not 1 <= len(text) <= MAX_DESCRIPTION:
        errors.check_length([*path, "description"], text, MAX_DESCRIPTION, low=1)
    elif not chat and text:
        errors.add(
            [*path, "description"],
            ("APPLICATION_COMMAND_DESCRIPTION_NOT_EMPTY", "Description must be empty"),
        )


def _check_options(errors: FormErrors, path: list[str | int], options: Any) -> None:
    if not options:
        return
    if not isinstance(options, list):
        errors.add(path, ("LIST_TYPE_CONVERT", "Only iterables may be used in a ListType."))
        return
    if len(options) > MAX_OPTIONS:
        errors.add(path, max_length(MAX_OPTIONS))
    seen: set[str] = set()
    optional_seen = False
    for index, option in enumerate(options):
        where: list[str | int] = [*path, index]
        if not isinstance(option, dict):
            errors.add(where, ("DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType"))
            continue
        _check_name(errors, where, option.get("name"), chat=True)
        _check_description(errors, where, option.get("description"), chat=True)
        name = str(option.get("name"))
        if name in seen:
            errors.add(
                [*where, "name"],
                ("APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS", "Option name is already used"),
            )
        seen.add(name)
        kind = option.get("type")
        if kind in (SUB_COMMAND, SUB_COMMAND_GROUP):
            _check_options(errors, [*where, "options"], option.get("options"))
            continue
        if option.get("required"):
            if optional_seen:
                errors.add(
                    [*where, "required"],
                    (
                        "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                        "Required options must be placed before non-required options",
                    ),
                )
        else:
            optional_seen = True
        _check_choices(errors, [*where, "choices"], option.get("choices"))


def _check_choices(errors: FormErrors, path: list[str | int], choices: Any) -> None:
    if not choices:
        return
    if len(choices) > MAX_CHOICES:
        errors.add(path, max_length(MAX_CHOICES))
    for index, choice in enumerate(choices):
        name = choice.get("name") if isinstance(choice, dict) else None
        errors.check_length([*path, index, "name"], name, MAX_DESCRIPTION, low=1)
        value = choice.get("value") if isinstance(choice, dict) else None
        if isinstance(value, str):
            errors.check_length([*path, index, "value"], value, _CHOICE_VALUE_MAX, low=1)


def _check_one(errors: FormErrors, path: list[str | int], body: Any) -> None:
    if not isinstance(body, dict):
        errors.add(path, ("DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType"))
        return
    chat = body.get("type", CHAT_INPUT) == CHAT_INPUT
    _check_name(errors, path, body.get("name"), chat=chat)
    _check_description(errors, path, body.get("description"), chat=chat)
    if chat:
        _check_options(errors, [*path, "options"], body.get("options"))


def check_command(body: Any) -> None:
    """Refuse a single command body (POST, PATCH) as Discord does."""
    errors = FormErrors()
    _check_one(errors, [], body)
    errors.raise_if_any()


def check_commands(bodies: Any) -> None:
    """Refuse a bulk overwrite (PUT) as Discord does: each command, counts, duplicates."""
    errors = FormErrors()
    if not isinstance(bodies, list):
        errors.add([], ("LIST_TYPE_CONVERT", "Only iterables may be used in a ListType."))
        errors.raise_if_any()
        return
    seen: set[tuple[Any, Any]] = set()
    counts: dict[Any, int] = {}
    for index, body in enumerate(bodies):
        _check_one(errors, [index], body)
        if not isinstance(body, dict):
            continue
        key = (body.get("type", CHAT_INPUT), body.get("name"))
        if key in seen:
            errors.add(
                [index, "name"],
                (
                    "APPLICATION_COMMANDS_DUPLICATE_NAME",
                    f"Application command names must be unique: {body.get('name')!r}",
                ),
            )
        seen.add(key)
        counts[key[0]] = counts.get(key[0], 0) + 1
    for kind, count in counts.items():
        limit = MAX_COMMANDS.get(kind)
        if limit is not None and count > limit:
            errors.add([], max_length(limit))
    errors.raise_if_any()


def _normalised_option(option: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "type": int(option["type"]),
        "name": option["name"],
        "description": option.get("description") or "",
    }
    for key in ("name_localizations", "description_localizations"):
        if option.get(key):
            data[key] = dict(option[key])
    for flag in ("required", "autocomplete"):
        if option.get(flag):
            data[flag] = True
    if option.get("choices"):
        data["choices"] = [
            {k: v for k, v in choice.items() if v is not None and (k != "name_localizations" or v)}
            for choice in option["choices"]
        ]
    if option.get("channel_types") is not None:
        data["channel_types"] = list(option["channel_types"])
    for key in _VALUE_LIMITS:
        if option.get(key) is not None:
            data[key] = option[key]
    if option.get("options"):
        data["options"] = [_normalised_option(o) for o in option["options"]]
    return data


def normalise_command(
    body: dict[str, Any],
    *,
    command_id: int,
    application_id: int,
    version: int,
    guild_id: int | None,
) -> dict[str, Any]:
    """The command object Discord stores for ``body`` (already checked)."""
    kind = int(body.get("type") or CHAT_INPUT)
    permissions = body.get("default_member_permissions")
    command: dict[str, Any] = {
        "id": str(command_id),
        "application_id": str(application_id),
        "version": str(version),
        "default_member_permissions": None if permissions is None else str(permissions),
        "type": kind,
        "name": body["name"],
        "description": (body.get("description") or "") if kind == CHAT_INPUT else "",
        "nsfw": bool(body.get("nsfw")),
        "integration_types": list(body.get("integration_types") or [0]),
        "contexts": list(body["contexts"]) if body.get("contexts") is not None else None,
    }
    for key in ("name_localizations", "description_localizations"):
        if body.get(key):
            command[key] = dict(body[key])
    if guild_id is not None:
        command["guild_id"] = str(guild_id)
    else:
        command["dm_permission"] = body.get("dm_permission") is not False
    if kind == CHAT_INPUT and body.get("options"):
        command["options"] = [_normalised_option(o) for o in body["options"]]
    return command
