"""What cogs give the web console through the ``web_pages`` and ``web_settings`` hooks.

Cogs return data, never markup: the console renders every value through its own
autoescaped templates, so a member's name or a case's reason can never become a
script on an admin's page. A page's ``render`` is a closure over the guild the
hook was called for: the console only ever calls the hook with a guild the viewer
may manage, so a cog cannot be asked for another guild's data through a forged id.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, final

from plughost.config import Group

__all__ = ["SettingHint", "SettingsForm", "WebPage", "WebTable"]


@final
@dataclass(frozen=True, slots=True)
class SettingHint:
    """How the console shows and checks one setting (all optional).

    ``label`` replaces the key's name; ``help`` is a line under the input;
    ``choices`` turns the input into a select of exactly those values; ``minimum``
    and ``maximum`` bound a number; ``min_length`` and ``max_length`` a text (spaces
    at either end do not count). A value outside
    them is refused with a short reason, and nothing of the form is saved.
    """

    label: str | None = None
    help: str = ""
    choices: tuple[str | int | float, ...] = ()
    minimum: int | float | None = None
    maximum: int | float | None = None
    min_length: int = 0
    max_length: int | None = None


@final
@dataclass(frozen=True, slots=True)
class SettingsForm:
    """One form of a cog's settings for one guild, as ``web_settings`` returns it.

    ``group``: where the values are read and written (any Config group: a guild's,
    a custom group's). ``defaults``: the settings the form shows, as registered
    defaults (their JSON types choose the inputs). ``hints``: by dotted key
    (``"limits.max_per_minute"``). ``title`` names the form, and must be unique
    among the cog's forms.
    """

    title: str
    group: Group
    defaults: Mapping[str, Any]
    hints: Mapping[str, SettingHint] = field(default_factory=dict)


@final
@dataclass(frozen=True, slots=True)
class WebTable:
    """What a cog's page shows: a table of plain text (escaped when shown)."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    empty: str = "Nothing to show yet."
    """Shown instead of the table when there are no rows."""


@final
@dataclass(frozen=True, slots=True)
class WebPage:
    """A page a cog adds to a guild's console pages, as ``web_pages`` returns it.

    ``slug``: the page's part of the URL (``/guilds/ID/pages/COG/SLUG``: letters,
    digits and ``-``). ``render``: called on each load of the page, returns its table.
    """

    slug: str
    title: str
    render: Callable[[], Awaitable[WebTable]]
