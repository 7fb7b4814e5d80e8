"""Bot owners install and uninstall cog packages, behind a fresh confirmation.

The first POST (from the Cogs page) checks the request and shows a confirm page
with a one-time token (:mod:`plughost.web.confirmations`); only a second POST with
that token runs the change, through the same ``CogManager.install`` /
``CogManager.uninstall`` as ``cog install|uninstall`` in chat: pip's dry run
refuses a change to plughost itself or to another cog's requirements, and a
package whose cog fails to load is rolled back. On a cluster, the other processes
hear of it as of the chat command.
"""

from __future__ import annotations

import logging
from typing import Final

from aiohttp import web
from packaging.requirements import InvalidRequirement, Requirement

from plughost.cogs.install import InstallError
from plughost.cogs.manager import CogError
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
_MAX_REQUIREMENT: Final = 200

routes = web.RouteTableDef()


def _requirement(text: str) -> str:
    """``text`` if it names one package (``PKG``, ``PKG==1.0``, ``PKG>=2``); else CogError.

    Options (``--index-url``), paths and URLs are refused: what pip may reach is the
    owner's choice in pip's own configuration, not a form field's.
    """
    text = text.strip()
    if not text or len(text) > _MAX_REQUIREMENT or text.startswith("-"):
        raise CogError("Give one package name, optionally with a version: phcog or phcog==1.2.")
    try:
        parsed = Requirement(text)
    except InvalidRequirement:
        raise CogError(f"{text[:60]!r} is not a package name with an optional version.") from None
    if parsed.url:
        raise CogError("Install from an index by name; URLs and paths are not accepted here.")
    return text


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
    try:
        package = _requirement(str(form.get("package", "")))
    except CogError as exc:
        flash(request, "error", str(exc))
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
            names = await manager.install(_requirement(package))
            done = f"Installed {package}; loaded {', '.join(names)}."
        else:
            names = await manager.uninstall(package)
            done = f"Uninstalled {package}."
    except (CogError, InstallError) as exc:
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
