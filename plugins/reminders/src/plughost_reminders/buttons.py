"""The buttons under a reminder that went off, and the snooze form.

Custom ids carry the owner and the reminder (``reminders:snooze:OWNER:ID``), so a
press by anyone else is refused without reading storage, and the buttons keep
working after a restart (interactions.py routes them by pattern, not by message).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, Literal

from interactions import ActionRow, Button, ButtonStyle, Modal, ShortText

from plughost_reminders.messages import _

__all__ = [
    "BUTTON_PATTERN",
    "FORM_PATTERN",
    "SNOOZE_MINUTES",
    "Action",
    "Pressed",
    "buttons",
    "parse",
    "snooze_form",
]

#: The "Snooze 10 min" button's delay.
SNOOZE_MINUTES: Final = 10
_PREFIX: Final = "reminders"
BUTTON_PATTERN: Final = re.compile(rf"^{_PREFIX}:(snooze|later|done):(\d+):(\d+)$")
FORM_PATTERN: Final = re.compile(rf"^{_PREFIX}:(form):(\d+):(\d+)$")
#: The snooze form's one field.
SPAN_FIELD: Final = "span"

Action = Literal["snooze", "later", "done", "form"]


@dataclass(frozen=True, slots=True)
class Pressed:
    """What a custom id says: which action, whose reminder, which one."""

    action: Action
    owner_id: int
    reminder_id: int


def _custom_id(action: Action, owner_id: int, reminder_id: int) -> str:
    return f"{_PREFIX}:{action}:{owner_id}:{reminder_id}"


def parse(custom_id: str) -> Pressed | None:
    match = BUTTON_PATTERN.match(custom_id) or FORM_PATTERN.match(custom_id)
    if match is None:
        return None
    action: Action = match.group(1)  # type: ignore[assignment]  # the patterns allow only these
    return Pressed(action, int(match.group(2)), int(match.group(3)))


def buttons(owner_id: int, reminder_id: int) -> list[ActionRow]:
    """ "Snooze 10 min", "Snooze…" (a form asking how long) and "Done"."""
    return [
        ActionRow(
            Button(
                style=ButtonStyle.PRIMARY,
                label=_("Snooze {minutes} min").format(minutes=SNOOZE_MINUTES),
                custom_id=_custom_id("snooze", owner_id, reminder_id),
            ),
            Button(
                style=ButtonStyle.SECONDARY,
                label=_("Snooze…"),
                custom_id=_custom_id("later", owner_id, reminder_id),
            ),
            Button(
                style=ButtonStyle.SUCCESS,
                label=_("Done"),
                custom_id=_custom_id("done", owner_id, reminder_id),
            ),
        )
    ]


def snooze_form(owner_id: int, reminder_id: int) -> Modal:
    """The form "Snooze…" opens: how long to wait, as a time span."""
    return Modal(
        ShortText(
            label=_("Remind me again in"),
            custom_id=SPAN_FIELD,
            placeholder="30m, 2h, 1d",
            min_length=1,
            max_length=40,
        ),
        title=_("Snooze reminder"),
        custom_id=_custom_id("form", owner_id, reminder_id),
    )
