"""The pages cogs contribute to a guild (moderation's cases, economy's leaderboard).

The guild is checked first, as on every guild page; then the cog is asked for its
pages for that guild only, and the one the URL names is rendered (its table through
the console's own autoescaped template). A cog disabled in the guild has no pages
there; a page whose ``render`` fails is a short apology, with the traceback logged.
"""

from __future__ import annotations

import logging

from aiohttp import web

from plughost.hooks.web import WebTable
from plughost.web.contributed import cog_pages, guild_menu
from plughost.web.pages import Refused, render
from plughost.web.pages_guild import guild_managed

__all__ = ["routes"]

log = logging.getLogger("plughost.web")

routes = web.RouteTableDef()


@routes.get("/guilds/{guild_id}/pages/{cog}/{slug}")
async def cog_page(request: web.Request) -> web.Response:
    shard, guild, guild_id = await guild_managed(request)
    cog, slug = request.match_info["cog"], request.match_info["slug"]
    found = next(
        (p for p in await cog_pages(shard, guild_id) if p.cog == cog and p.page.slug == slug),
        None,
    )
    if found is None:
        raise Refused(404, "No such page in this server (is its cog enabled here?).")
    try:
        table = await found.page.render()
    except Exception:
        log.exception("web page %s/%s of guild %s failed", cog, slug, guild_id)
        raise Refused(500, f"The {cog} cog could not show this page; the log says why.") from None
    if not isinstance(table, WebTable):
        log.error("web page %s/%s returned %r, not a WebTable", cog, slug, type(table))
        raise Refused(500, f"The {cog} cog could not show this page; the log says why.")
    return render(
        request,
        "cog_page.html",
        guild=guild,
        cog=cog,
        slug=slug,
        title=found.page.title,
        table=table,
        menu=await guild_menu(shard, guild_id),
    )
