"""Long output: split into messages Discord accepts, and shown a page at a time.

:func:`pagify` cuts text into pages of at most 2,000 characters on line
boundaries. :func:`send_pages` shows pages in **one** message with buttons
(``◀ Previous``, a ``2/5`` counter, ``Next ▶``) that only the member who asked
may press, and that stop working :data:`PAGE_TIMEOUT` seconds after the last
press (they are then shown disabled). Where buttons cannot work (the bot has no
handler for them: a bare client, or ``buttons=False``), every page is sent as its
own message instead.

The pages live in the bot's memory (its :class:`Pager`), keyed by a random token
in the buttons' custom ids: a button pressed after a restart, or after expiry, says so instead
of turning a page. A guild's interactions reach the shard process that owns the
guild, the one that sent the pages.
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Final, Protocol, runtime_checkable

import interactions
from interactions import ActionRow, Button, ButtonStyle

from plughost.i18n.messages import N_, _

__all__ = [
    "MESSAGE_LIMIT",
    "PAGE_BUTTON",
    "PAGE_TIMEOUT",
    "HasPager",
    "Pager",
    "buttons_available",
    "on_page_button",
    "pagify",
    "send_pages",
]

_log = logging.getLogger("plughost.commands")

#: Discord refuses message content longer than this.
MESSAGE_LIMIT: Final = 2000
#: Seconds the page buttons keep working after they were sent or last pressed.
PAGE_TIMEOUT: Final = 300.0
#: The custom ids of page buttons: ``plughost.page:<token>:prev|next|count``.
PAGE_BUTTON: Final = re.compile(r"^plughost\.page:([0-9a-f]{16}):(prev|next|count)$")
# Paged messages remembered at once; the oldest stop turning beyond this.
_MAX_OPEN: Final = 1000
_EXPIRED: Final = N_("These pages have expired; run the command again to see them.")
_NOT_YOURS: Final = N_("Only the member who asked can turn these pages.")


def pagify(text: str, limit: int = MESSAGE_LIMIT) -> Iterator[str]:
    """Pages of ``text``, each at most ``limit`` characters, split on line boundaries.

    A single line longer than ``limit`` is cut at the last space before it (or hard,
    if it has none): output must never be refused.
    """
    if limit < 1:
        raise ValueError("limit must be positive")
    page: list[str] = []
    size = 0
    for raw in text.splitlines():
        line = raw
        while len(line) > limit:
            cut = line.rfind(" ", 0, limit)
            cut = cut if cut > 0 else limit
            if page:
                yield "\n".join(page)
                page, size = [], 0
            yield line[:cut]
            line = line[cut:].lstrip(" ")
        extra = len(line) + (1 if page else 0)
        if page and size + extra > limit:
            yield "\n".join(page)
            page, size = [], 0
            extra = len(line)
        page.append(line)
        size += extra
    if page and any(page):
        yield "\n".join(page)


@dataclass(slots=True, eq=False)
class _Paged:
    """One message's pages and who may turn them."""

    pages: list[str]
    author_id: int
    expire_after: float
    allowed_mentions: interactions.AllowedMentions | None = None
    index: int = 0
    message: interactions.Message | None = None
    expiry: asyncio.TimerHandle | None = field(default=None, repr=False)


@runtime_checkable
class HasPager(Protocol):
    """A client that remembers its paged messages (every ``plughost.Bot``)."""

    pager: Pager


class Pager:
    """The paged messages one bot has open, keyed by the token in their buttons.

    One per bot, not per process: two shards' bots in one process never see each
    other's pages, and nothing outlives the bot.
    """

    __slots__ = ("_closing", "_open")

    def __init__(self) -> None:
        self._open: OrderedDict[str, _Paged] = OrderedDict()
        # Edits that disable expired buttons, kept referenced until they finish.
        self._closing: set[asyncio.Task[None]] = set()

    def __len__(self) -> int:
        return len(self._open)

    def open(self, paged: _Paged) -> str:
        token = secrets.token_hex(8)
        self._open[token] = paged
        while len(self._open) > _MAX_OPEN:
            self.expire(next(iter(self._open)))
        return token

    def get(self, token: str) -> _Paged | None:
        return self._open.get(token)

    def discard(self, token: str) -> None:
        self._open.pop(token, None)

    def schedule_expiry(self, token: str, paged: _Paged) -> None:
        if paged.expiry is not None:
            paged.expiry.cancel()
        loop = asyncio.get_running_loop()
        paged.expiry = loop.call_later(paged.expire_after, self.expire, token)

    def expire(self, token: str) -> None:
        paged = self._open.pop(token, None)
        if paged is None:
            return
        if paged.expiry is not None:
            paged.expiry.cancel()
        if paged.message is not None:
            task = asyncio.get_running_loop().create_task(_disable(token, paged))
            self._closing.add(task)
            task.add_done_callback(self._closing.discard)


def _buttons(token: str, paged: _Paged, *, expired: bool = False) -> list[ActionRow]:
    last = len(paged.pages) - 1
    return [
        ActionRow(
            Button(
                style=ButtonStyle.SECONDARY,
                label="\N{BLACK LEFT-POINTING TRIANGLE} Previous",
                custom_id=f"plughost.page:{token}:prev",
                disabled=expired or paged.index == 0,
            ),
            Button(
                style=ButtonStyle.SECONDARY,
                label=f"{paged.index + 1}/{last + 1}",
                custom_id=f"plughost.page:{token}:count",
                disabled=True,
            ),
            Button(
                style=ButtonStyle.SECONDARY,
                label="Next \N{BLACK RIGHT-POINTING TRIANGLE}",
                custom_id=f"plughost.page:{token}:next",
                disabled=expired or paged.index == last,
            ),
        )
    ]


def buttons_available(ctx: Any) -> bool:
    """Whether page buttons would work here: the bot remembers pages and handles
    their clicks (plughost's core cog does)."""
    client: interactions.Client = ctx.client
    return isinstance(client, HasPager) and PAGE_BUTTON in client._regex_component_callbacks


async def _disable(token: str, paged: _Paged) -> None:
    assert paged.message is not None
    try:
        await paged.message.edit(components=_buttons(token, paged, expired=True))
    except Exception:  # the message is gone, or the bot is stopping: nothing to show
        _log.debug("could not disable expired page buttons", exc_info=True)


async def send_pages(
    ctx: Any,
    pages: Iterable[str],
    *,
    expire_after: float = PAGE_TIMEOUT,
    buttons: bool = True,
    allowed_mentions: interactions.AllowedMentions | None = None,
) -> list[interactions.Message]:
    """Show ``pages`` (each at most 2,000 characters; see :func:`pagify`).

    One page is sent as it is. Several are shown one at a time in a single message
    with page buttons, for ``expire_after`` seconds after the last press, when
    ``buttons`` is true and the bot can handle them; otherwise each page is sent
    as a message of its own. ``allowed_mentions`` applies to every page shown.
    Returns the messages sent.
    """
    pages = [page for page in pages if page.strip()]
    if not pages:
        return []
    if len(pages) == 1 or not buttons or not buttons_available(ctx):
        return [await ctx.send(page, allowed_mentions=allowed_mentions) for page in pages]
    pager: Pager = ctx.client.pager
    paged = _Paged(pages, int(ctx.author.id), expire_after, allowed_mentions)
    token = pager.open(paged)
    try:
        paged.message = await ctx.send(
            pages[0], components=_buttons(token, paged), allowed_mentions=allowed_mentions
        )
    except BaseException:
        pager.discard(token)
        raise
    pager.schedule_expiry(token, paged)
    return [paged.message]


async def on_page_button(ctx: interactions.ComponentContext) -> None:
    """Turn the page of the message whose button ``ctx`` pressed (the core cog's
    component callback calls this)."""
    match = PAGE_BUTTON.match(ctx.custom_id)
    pager = ctx.client.pager if isinstance(ctx.client, HasPager) else None
    paged = pager.get(match.group(1)) if match is not None and pager is not None else None
    if match is None or pager is None or paged is None:
        await ctx.send(_(_EXPIRED), ephemeral=True)
        return
    if int(ctx.author.id) != paged.author_id:
        await ctx.send(_(_NOT_YOURS), ephemeral=True)
        return
    token, action = match.groups()
    if action == "next":
        paged.index = min(paged.index + 1, len(paged.pages) - 1)
    elif action == "prev":
        paged.index = max(paged.index - 1, 0)
    pager.schedule_expiry(token, paged)
    await ctx.edit_origin(
        content=paged.pages[paged.index],
        components=_buttons(token, paged),
        allowed_mentions=paged.allowed_mentions,
    )
