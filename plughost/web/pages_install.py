"""Bot owners install and uninstall cog packages, behind a fresh confirmation.

The first POST (from the Cogs page) checks the request and shows a confirm page
with a one-time token (:mod:`plughost.web.confirmations`); only a second POST with
that token runs the change, through the same ``CogManager.install`` /
``CogManager.uninstall`` as ``cog install|uninstall`` in chat, the package checked
by the same ``chat_target`` (a requirement specifier, never a pip option): pip's
dry run refuses a change to plughost itself or to another cog's requirements, and a
package whose cog fails to load is rolled back. On a cluster, the other processes
hear of it as of the chat command.
"""

from __future__ import annotations

import logging
from typing import Final

from aiohttp import web

from plughost.cogs.manager import CogError
from plughost.cogs.targets import TargetRefused, chat_target
from plughost.web.confirmations import ask, confirmed
from plughost.web.pages import (
    STATE,
    Refused,
    audit,
    flash,
    redirect,
    render,
    session_of,
)
from plughost.web.pages_owner import owner_only

__all__ = ["routes"]

log = logging.getLogger("plughost.web")

_BACK: Final = "/owner/cogs"
_LAPSED: Final = (
    "This confirmation has expired or was already used: nothing was changed. "
    "Start again from the Cogs page."
)

routes = web.RouteTableDef()


async def _confirm_page(
    request: web.Request, action: str, package: str, detail: str
) -> web.Response:
    session = session_of(request)
    assert session is not None  # owner_only() found a viewer, so a session
    token = ask(session, f"{action} {package}", request.app[STATE].clock())
    return render(
        request, "owner_confirm.html", action=action, package=package, detail=detail, token=token
    )


@routes.post("/owner/packages/install")
async def ask_install(request: web.Request) -> web.Response:
    owner_only(request)
    form = await request.post()
    text = str(form.get("package", ""))
    try:
        # The chat command's check: a requirement specifier only (no pip options,
        # paths or URLs; which index pip uses is pip's own configuration).
        package = str(chat_target(text))
    except TargetRefused as exc:
        log.warning("web: install of %r refused: %s", text[:200], exc)
        flash(request, "error", f"Not installed: {exc}.")
        return redirect(_BACK)
    detail = (
        "pip installs it into the bot's Python, with what it depends on, and its cogs "
        "are loaded. If pip refuses, or a cog fails to load, the install is rolled back."
    )
    return await _confirm_page(request, "install", package, detail)


@routes.post("/owner/packages/uninstall")
async def ask_uninstall(request: web.Request) -> web.Response:
    owner_only(request)
    form = await request.post()
    package = str(form.get("package", "")).strip()
    manager = request.app[STATE].access.main.bot.cogs
    names = manager.cogs_of(package) if package else []
    if not names:
        flash(request, "error", f"No installed package called {package[:60]!r} provides cogs.")
        return redirect(_BACK)
    if any(manager.is_builtin(name) for name in names):
        flash(request, "error", "The built-in cogs cannot be uninstalled.")
        return redirect(_BACK)
    detail = f"Its cogs ({', '.join(names)}) are unloaded, then pip uninstalls it."
    return await _confirm_page(request, "uninstall", package, detail)


@routes.post("/owner/packages/confirm")
async def confirm(request: web.Request) -> web.Response:
    owner_only(request)
    session = session_of(request)
    form = await request.post()
    action, package = str(form.get("action", "")), str(form.get("package", ""))
    token = str(form.get("token", ""))
    state = request.app[STATE]
    if (
        session is None
        or action not in ("install", "uninstall")
        or not confirmed(session, token, f"{action} {package}", state.clock())
    ):
        raise Refused(403, _LAPSED)
    manager = state.access.main.bot.cogs
    try:
        if action == "install":
            names = await manager.install(chat_target(package))
            done = f"Installed {package}; loaded {', '.join(names)}."
        else:
            names = await manager.uninstall(package)
            done = f"Uninstalled {package}."
    except (CogError, TargetRefused) as exc:
        log.warning("web: %s %s failed: %s", action, package, exc)
        flash(request, "error", f"{action.capitalize()} failed: {exc}")
        return redirect(_BACK)
    except Exception:
        log.exception("web: %s %s failed", action, package)
        flash(request, "error", f"{action.capitalize()} failed; the log has the details.")
        return redirect(_BACK)
    await audit(request, None, f"web.cog.{action}", f"{package}: {', '.join(names)}")
    flash(request, "done", done)
    return redirect(_BACK)
