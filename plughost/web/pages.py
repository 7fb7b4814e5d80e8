"""What every page handler shares: the console's state, the viewer, refusals, rendering.

Templates are Jinja2 with autoescaping on for every file: a guild or cog name is
data from Discord and from third-party cogs, and must never become markup. (Plain
string templates would need an escape at every interpolation, and one missed is
an XSS; aiohttp-jinja2 would add a dependency for the few lines below.)
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any, Final, final

import jinja2
from aiohttp import web
from interactions.api.http.route import Route

from plughost.permissions.store import PermissionStore
from plughost.web.access import Access
from plughost.web.oauth import CALLBACK_PATH, DiscordOAuth
from plughost.web.sessions import Clock, LoginAttempts, LoginLinks, Session, SessionBook

__all__ = [
    "SESSION_COOKIE",
    "STATE",
    "Refused",
    "Viewer",
    "WebState",
    "audit",
    "redirect",
    "render",
    "session_of",
    "viewer_of",
]

log = logging.getLogger("plughost.web")

SESSION_COOKIE: Final = "plughost_session"


class Refused(Exception):
    """Answer with ``status`` and a short message page (403 for anything not theirs)."""

    def __init__(self, status: int, text: str) -> None:
        super().__init__(text)
        self.status = status
        self.text = text


@final
@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is looking, as the templates see them."""

    user_id: int
    owner: bool
    csrf: str
    label: str


@dataclass(slots=True)
class WebState:
    """Everything the console's pages share (one per console, never module state)."""

    access: Access
    clock: Clock
    templates: jinja2.Environment
    public_url: str
    oauth_secret: str | None = field(repr=False)
    preferred_owner: int | None = None
    sessions: SessionBook = field(init=False)
    links: LoginLinks = field(init=False)
    attempts: LoginAttempts = field(init=False)
    started: float = field(init=False)
    _oauth: DiscordOAuth | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.sessions = SessionBook(self.clock)
        self.links = LoginLinks(self.clock)
        self.attempts = LoginAttempts(self.clock)
        self.started = time.monotonic()

    @property
    def secure(self) -> bool:
        """Cookies get ``Secure`` when the console is reached over https (a TLS proxy)."""
        return self.public_url.startswith("https://")

    @property
    def redirect_uri(self) -> str:
        return self.public_url.rstrip("/") + CALLBACK_PATH

    def client_id(self) -> int | None:
        """The application's id, once the bot has logged in."""
        app = self.access.main.client.app
        return int(app.id) if app else None

    def oauth(self) -> DiscordOAuth | None:
        """The OAuth2 client, when a client secret is set and the bot has logged in."""
        if self._oauth is None and self.oauth_secret and (client_id := self.client_id()):
            self._oauth = DiscordOAuth(
                api_base=Route.BASE,
                client_id=client_id,
                client_secret=self.oauth_secret,
                redirect_uri=self.redirect_uri,
                clock=self.clock,
            )
        return self._oauth

    def owner_to_log_in(self) -> int | None:
        """Whom the one-time link logs in: the instance's first owner, else any owner."""
        owners = self.access.owner_ids()
        if self.preferred_owner is not None and self.preferred_owner in owners:
            return self.preferred_owner
        return min(owners) if owners else None


STATE: Final = web.AppKey("plughost.web.state", WebState)


def session_of(request: web.Request) -> Session | None:
    """The live session the request's cookie names (looked up, not kept on the request:
    aiohttp's typed request storage needs a newer aiohttp than plughost requires)."""
    return request.app[STATE].sessions.find(request.cookies.get(SESSION_COOKIE))


def viewer_of(request: web.Request) -> Viewer | None:
    """The logged-in viewer, re-checked against the owners now (not at login)."""
    session = session_of(request)
    if session is None:
        return None
    state = request.app[STATE]
    owner = state.access.is_owner(session.user_id)
    user = state.access.main.client.cache.get_user(session.user_id)
    name = user.username if user is not None else f"user {session.user_id}"
    return Viewer(session.user_id, owner, session.csrf, f"{name} (bot owner)" if owner else name)


def require_viewer(request: web.Request) -> Viewer:
    viewer = viewer_of(request)
    if viewer is None:
        raise web.HTTPSeeOther("/login")
    return viewer


def redirect(location: str) -> web.Response:
    """A 303 to ``location`` (a response, so cookies can be set on it)."""
    return web.Response(status=303, headers={"Location": location})


def flash(request: web.Request, kind: str, text: str) -> None:
    session = session_of(request)
    if session is not None:
        session.flash.append((kind, text))


def render(
    request: web.Request, template: str, *, status: int = 200, **values: Any
) -> web.Response:
    session = session_of(request)
    notes = [{"kind": kind, "text": text} for kind, text in session.flash] if session else []
    if session is not None:
        session.flash.clear()
    page = request.app[STATE].templates.get_template(template)
    text = page.render(viewer=viewer_of(request), flash=notes, **values)
    return web.Response(text=text, status=status, content_type="text/html")


async def audit(
    request: web.Request,
    guild_id: int | None,
    action: str,
    detail: str,
    *,
    store: PermissionStore | None = None,
) -> None:
    """Write a change to the permission audit log, as the web user who made it."""
    viewer = require_viewer(request)
    target = store or request.app[STATE].access.main.bot.permission_store
    log.info("web: user %s: %s %s (guild %s)", viewer.user_id, action, detail, guild_id)
    if target is not None:
        await target.record(viewer.user_id, guild_id, action, detail)
