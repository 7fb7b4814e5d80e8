"""Logging in (the owner's one-time link, or Login with Discord) and out."""

from __future__ import annotations

import logging
from typing import Final

from aiohttp import web

from plughost.web.oauth import CALLBACK_PATH, OAuthError
from plughost.web.pages import (
    SESSION_COOKIE,
    STATE,
    Refused,
    redirect,
    render,
    session_of,
)

__all__ = ["routes"]

log = logging.getLogger("plughost.web.login")

_STATE_COOKIE: Final = "plughost_oauth_state"
_BAD_LINK: Final = (
    "This login link does not work: it was already used, or it has expired. "
    "Restart the bot with --web for a new one."
)

routes = web.RouteTableDef()


def _client(request: web.Request) -> str:
    return request.remote or "unknown"


def _limit(request: web.Request) -> None:
    if not request.app[STATE].attempts.allow(_client(request)):
        raise Refused(429, "Too many login attempts from here; wait a minute and try again.")


def _logged_in(request: web.Request, user_id: int, how: str) -> web.Response:
    state = request.app[STATE]
    cookie, _ = state.sessions.open(user_id, how)
    log.info("web: user %s logged in (%s) from %s", user_id, how, _client(request))
    # To "/": the token leaves the address bar (and the history) at once.
    response = redirect("/")
    response.set_cookie(
        SESSION_COOKIE,
        cookie,
        httponly=True,
        samesite="Lax",
        secure=state.secure,
        path="/",
        max_age=int(state.sessions.lifetime),
    )
    return response


@routes.get("/login")
async def login(request: web.Request) -> web.Response:
    state = request.app[STATE]
    token = request.query.get("token")
    if token is None:
        if session_of(request) is not None:
            return redirect("/")
        return render(request, "login.html", discord=state.oauth() is not None)
    _limit(request)
    if not state.links.redeem(token):
        log.warning("web: refused a login link from %s", _client(request))
        raise Refused(403, _BAD_LINK)
    owner = state.owner_to_log_in()
    if owner is None:
        raise Refused(403, "No bot owner is known yet: add one to the instance's owners.")
    return _logged_in(request, owner, "link")


@routes.get("/login/discord")
async def discord_login(request: web.Request) -> web.Response:
    state = request.app[STATE]
    oauth = state.oauth()
    if oauth is None:
        raise Refused(404, "Login with Discord is not set up on this instance.")
    _limit(request)
    login_state, url = oauth.begin()
    response = redirect(url)
    # Binds the login to this browser: the callback must come back with the same state.
    response.set_cookie(
        _STATE_COOKIE,
        login_state,
        httponly=True,
        samesite="Lax",
        secure=state.secure,
        path=CALLBACK_PATH,
        max_age=600,
    )
    return response


@routes.get(CALLBACK_PATH)
async def discord_callback(request: web.Request) -> web.Response:
    state = request.app[STATE]
    oauth = state.oauth()
    if oauth is None:
        raise Refused(404, "Login with Discord is not set up on this instance.")
    _limit(request)
    if "error" in request.query:
        raise Refused(403, "The login was cancelled on Discord.")
    try:
        user_id = await oauth.finish(
            state=request.query.get("state", ""),
            cookie_state=request.cookies.get(_STATE_COOKIE),
            code=request.query.get("code", ""),
        )
    except OAuthError as exc:
        raise Refused(403, str(exc)) from None
    response = _logged_in(request, user_id, "discord")
    response.del_cookie(_STATE_COOKIE, path=CALLBACK_PATH)
    return response


@routes.post("/logout")
async def logout(request: web.Request) -> web.Response:
    request.app[STATE].sessions.close(request.cookies.get(SESSION_COOKIE))
    response = redirect("/login")
    response.del_cookie(SESSION_COOKIE, path="/")
    return response
