"""The pages cogs add to a guild's console (the ``web_pages`` hook), and the guild's menu.

Only cogs enabled in the guild are asked: a disabled cog answers nothing there in
chat, and shows nothing there on the web. A cog whose hook fails is logged by the
hook caller and simply has no pages; the other cogs' pages still show.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, final

from plughost.hooks.web import WebPage
from plughost.web.access import Shard

__all__ = ["CogPage", "cog_pages", "guild_menu"]

#: Seconds a cog's hook may take: a page load waits for it.
_TIMEOUT: Final = 5.0
_SLUG: Final = re.compile(r"[a-z0-9][a-z0-9-]{0,40}")


@final
@dataclass(frozen=True, slots=True)
class CogPage:
    cog: str
    page: WebPage

    @property
    def path(self) -> str:
        return f"pages/{self.cog}/{self.page.slug}"


async def cog_pages(shard: Shard, guild_id: int) -> list[CogPage]:
    """Every page the guild's enabled cogs offer, by cog then in the cog's order."""
    manager = shard.bot.cogs
    found = []
    for outcome in await manager.hooks.call("web_pages", impl_timeout=_TIMEOUT, guild_id=guild_id):
        name = outcome.plugin_name
        if not outcome.ok or not outcome.value or not manager.enablement.is_enabled(name, guild_id):
            continue
        for page in outcome.value:
            if isinstance(page, WebPage) and _SLUG.fullmatch(page.slug):
                found.append(CogPage(name, page))
    return sorted(found, key=lambda p: p.cog)


async def guild_menu(shard: Shard, guild_id: int) -> list[dict[str, str]]:
    """The links every guild page shows: its own pages, then the cogs' pages."""
    base = f"/guilds/{guild_id}"
    menu = [
        {"title": "Cogs and settings", "href": base},
        {"title": "Permissions", "href": f"{base}/permissions"},
        {"title": "Audit log", "href": f"{base}/audit"},
    ]
    for page in await cog_pages(shard, guild_id):
        menu.append({"title": page.page.title, "href": f"{base}/{page.path}"})
    return menu
