"""Bot owners' pages: status, the cogs (installed, loaded, failed) with load/unload/reload,
and the settings Login with Discord needs."""

from __future__ import annotations

import importlib.metadata
import math
import time
from typing import Any, Final

from aiohttp import web

from plughost.cogs.manager import CogError
from plughost.web.pages import (
    STATE,
    Refused,
    Viewer,
    audit,
    flash,
    redirect,
    render,
    require_viewer,
)

__all__ = ["routes"]

_ACTIONS: Final = ("load", "unload", "reload")

routes = web.RouteTableDef()


def _owner(request: web.Request) -> Viewer:
    viewer = require_viewer(request)
    if not viewer.owner:
        raise Refused(403, "Only the bot's owners can see this page.")
    return viewer


def _duration(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min {secs} s"


def _version() -> str:
    try:
        return importlib.metadata.version("plughost")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


@routes.get("/owner")
async def status(request: web.Request) -> web.Response:
    _owner(request)
    state = request.app[STATE]
    shards = []
    for shard in state.access.shards:
        latency = shard.client.latency
        shards.append(
            {
                "id": shard.bot.shard_id,
                "total": shard.client.total_shards,
                "ready": shard.client.is_ready,
                "latency": f"{latency * 1000:.0f} ms" if math.isfinite(latency) else "unknown",
                "guilds": len(shard.client.guilds),
            }
        )
    return render(
        request,
        "owner_status.html",
        version=_version(),
        uptime=_duration(time.monotonic() - state.started),
        shards=shards,
        guild_count=sum(s["guilds"] for s in shards),
    )


def _cog_rows(request: web.Request) -> list[dict[str, Any]]:
    manager = request.app[STATE].access.main.bot.cogs
    catalog = manager.rescan()
    names = sorted({*catalog.available, *catalog.quarantined, *manager.loaded, *manager.failures})
    rows = []
    for name in names:
        info = manager.infos.get(name) or catalog.available.get(name)
        package = f"{info.distribution} {info.version}" if info else ""
        reason = ""
        if name in manager.loaded:
            state = "loaded"
            builtin = manager.is_builtin(name)
            actions: tuple[str, ...] = () if builtin else ("reload", "unload")
        elif (quarantine := catalog.quarantined.get(name)) is not None:
            state, reason, actions = "quarantined", quarantine.reason, ()
        else:
            failure = manager.failures.get(name)
            state = f"failed ({failure.stage})" if failure else "installed"
            reason = failure.message if failure else ""
            actions = ("load",) if name in catalog.available else ()
        rows.append(
            {"name": name, "package": package, "state": state, "reason": reason, "actions": actions}
        )
    return rows


@routes.get("/owner/cogs")
async def cogs(request: web.Request) -> web.Response:
    _owner(request)
    return render(request, "owner_cogs.html", cogs=_cog_rows(request))


@routes.post("/owner/cogs/{cog}/{action}")
async def cog_action(request: web.Request) -> web.Response:
    _owner(request)
    name, action = request.match_info["cog"], request.match_info["action"]
    if action not in _ACTIONS:
        raise Refused(404, f"Unknown action {action!r}.")
    manager = request.app[STATE].access.main.bot.cogs
    try:
        if action == "load":
            await manager.load(name)
        elif action == "unload":
            await manager.unload(name)
        else:
            await manager.reload(name)
    except CogError as exc:
        flash(request, "error", str(exc))
        return redirect("/owner/cogs")
    await audit(request, None, f"web.cog.{action}", name)
    flash(request, "done", f"{action.capitalize()}ed {name}.")
    return redirect("/owner/cogs")


@routes.get("/owner/settings")
async def settings(request: web.Request) -> web.Response:
    _owner(request)
    state = request.app[STATE]
    return render(
        request,
        "owner_settings.html",
        redirect_uri=state.redirect_uri,
        client_id=state.client_id(),
        secret_set=bool(state.oauth_secret),
    )
