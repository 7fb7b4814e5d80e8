"""One reminder: what it says, when it is due, where it goes; and how it is written down.

Reminders are stored in Config as plain JSON (one dict per reminder, keyed by its
id as a string, in the owner's USER scope), so this module converts both ways and
formats what members read.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from dataclasses import dataclass
from typing import Any, Final

from plughost_reminders.messages import _

__all__ = [
    "MAX_TEXT",
    "Reminder",
    "describe_span",
    "discord_time",
    "split_request",
]

_REQUEST: Final = re.compile(
    r"\s*(?:me\s+)?(?:in\s+)?(?P<span>[^\s]+)(?:\s+(?P<text>.*))?", re.IGNORECASE | re.DOTALL
)
#: The longest reminder text accepted (Discord messages take 2,000 characters).
MAX_TEXT: Final = 1000


@dataclass(frozen=True, slots=True)
class Reminder:
    """A reminder as stored; times are seconds since the epoch (UTC)."""

    id: int
    owner_id: int
    text: str
    due: float
    created: float
    channel_id: int | None = None
    """Where it was set (and is posted); None when set in a DM (posted in a DM)."""
    guild_id: int | None = None
    fired_at: float | None = None
    """When it went off; None while it is pending."""
    message_id: int | None = None
    """The message it went off in (the one with the buttons)."""
    message_channel_id: int | None = None
    snoozes: int = 0

    @property
    def pending(self) -> bool:
        """Waiting to go off."""
        return self.fired_at is None

    @property
    def delivered(self) -> bool:
        """Went off and was posted (a reminder claimed but never posted, because the
        bot stopped in between, goes off again at the next start)."""
        return self.fired_at is not None and self.message_id is not None

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Reminder:
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})

    def replace(self, **changes: Any) -> Reminder:
        return dataclasses.replace(self, **changes)


def discord_time(when: float, style: str = "f") -> str:
    """A Discord timestamp markup (``<t:1700000000:f>``): shown in each reader's time zone."""
    return f"<t:{int(when)}:{style}>"


def describe_span(span: datetime.timedelta) -> str:
    """``1 hour 30 minutes``, ``10 minutes``, ``2 days``: at most the two largest units."""
    seconds = int(span.total_seconds())
    # One msgid per unit and number: whole phrases translate, suffixes do not.
    units = (
        (604800, _("1 week"), _("{count} weeks")),
        (86400, _("1 day"), _("{count} days")),
        (3600, _("1 hour"), _("{count} hours")),
        (60, _("1 minute"), _("{count} minutes")),
        (1, _("1 second"), _("{count} seconds")),
    )
    parts: list[str] = []
    for size, one, many in units:
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(one if count == 1 else many.format(count=count))
    return " ".join(parts[:2]) or _("{count} seconds").format(count=0)


def split_request(request: str) -> tuple[str, str]:
    """``"me in 10m buy milk"`` -> ``("10m", "buy milk")``; "me" and "in" are optional.

    The text is kept as written (line breaks included). Raises ``ValueError`` with
    a message for the member when the time span or the text is missing.
    """
    match = _REQUEST.match(request)
    if match is None:
        raise ValueError(_("Say when and what: `remind me in 10m stretch your legs`."))
    span, text = match.group("span"), (match.group("text") or "").strip()
    if not text:
        raise ValueError(_("What should I remind you of? `remind me in 10m stretch your legs`."))
    return span, text
