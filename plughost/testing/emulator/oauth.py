"""Discord's OAuth2 authorization-code flow, locally: authorize page, token exchange, ``@me``.

Enough of https://discord.com/developers/docs/topics/oauth2 for a web console to log
members in offline: ``GET /oauth2/authorize`` shows a consent page (the emulator has
no login, so the page asks which user is consenting), ``POST /oauth2/authorize``
redirects back with a one-time ``code``, ``POST /api/v10/oauth2/token`` exchanges it
(client secret and PKCE verifier checked, as Discord does), and ``GET
/api/v10/users/@me`` with ``Authorization: Bearer`` answers the user it was granted for.
A redirect URI must be registered first (``application.redirect_uris``): Discord
refuses any other, the most common mistake when setting a dashboard up.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import html
import json
import secrets
import time
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlencode

from aiohttp import web

from plughost.testing.emulator.payloads import user_json
from plughost.testing.emulator.state import DiscordState

__all__ = ["OAuthProvider"]

#: Discord's authorization codes are short-lived; ten minutes here.
CODE_LIFETIME: Final = 600.0
TOKEN_LIFETIME: Final = 604_800
_PARAMS: Final = ("client_id", "redirect_uri", "response_type", "scope", "state")
_PKCE: Final = ("code_challenge", "code_challenge_method")


@dataclass(frozen=True, slots=True)
class _Grant:
    user_id: int
    redirect_uri: str
    challenge: str | None
    expires: float


def _json(body: object, status: int = 200) -> web.Response:
    # Content-Type exactly, as the REST routes answer (see ARCHITECTURE.md).
    return web.Response(
        body=json.dumps(body).encode(), status=status, headers={"Content-Type": "application/json"}
    )


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class OAuthProvider:
    """The OAuth2 side of the emulated Discord (codes and bearer tokens in memory)."""

    def __init__(self, state: DiscordState) -> None:
        self.state = state
        self._codes: dict[str, _Grant] = {}
        self._tokens: dict[str, int] = {}

    def register(self, app: web.Application, api_prefix: str) -> None:
        """Add the routes; before the REST catch-all, which would take them otherwise."""
        app.router.add_get("/oauth2/authorize", self.authorize_page)
        app.router.add_post("/oauth2/authorize", self.consent)
        app.router.add_post(api_prefix + "/oauth2/token", self.token)

    def bearer_user(self, authorization: str) -> int | None:
        """The user a ``Bearer`` token was granted for, or None."""
        scheme, _, token = authorization.partition(" ")
        if scheme != "Bearer":
            return None
        return self._tokens.get(token)

    async def me(self, user_id: int) -> web.Response:
        return _json(user_json(self.state.user(user_id)))

    # -- authorize --------------------------------------------------------------------

    def _refusal(self, params: dict[str, str]) -> str | None:
        app = self.state.application
        if params.get("response_type") != "code":
            return "Unsupported response_type: only 'code' is offered."
        if params.get("client_id") != str(app.id):
            return "Unknown client_id."
        if params.get("redirect_uri") not in app.redirect_uris:
            return "Invalid OAuth2 redirect_uri: register it in the developer portal."
        if "identify" not in params.get("scope", "").split():
            return "Invalid scope: this application asks for 'identify'."
        method = params.get("code_challenge_method")
        if params.get("code_challenge") and method != "S256":
            return "Unsupported code_challenge_method: use S256."
        return None

    async def authorize_page(self, request: web.Request) -> web.Response:
        params = {k: v for k, v in request.query.items() if k in (*_PARAMS, *_PKCE)}
        refusal = self._refusal(params)
        if refusal is not None:
            return web.Response(text=refusal, status=400)
        hidden = "".join(
            f'<input type="hidden" name="{k}" value="{html.escape(v)}">' for k, v in params.items()
        )
        people = [u for u in self.state.users.values() if not u.bot]
        options = "".join(
            f'<option value="{u.id}">{html.escape(u.username)}</option>' for u in people
        )
        app_name = html.escape(self.state.application.name)
        page = (
            "<!doctype html><html><head><title>Discord - Authorize</title></head><body>"
            f"<h1>{app_name} wants to access your account</h1>"
            "<p>This will allow the developer to know who you are (identify).</p>"
            f'<form method="post">{hidden}'
            f'<label>You are <select name="user_id" id="user">{options}</select></label> '
            '<button name="decision" value="authorize">Authorize</button> '
            '<button name="decision" value="cancel">Cancel</button></form></body></html>'
        )
        return web.Response(text=page, content_type="text/html")

    async def consent(self, request: web.Request) -> web.Response:
        form = await request.post()
        params = {k: str(form[k]) for k in (*_PARAMS, *_PKCE) if k in form}
        refusal = self._refusal(params)
        if refusal is not None:
            return web.Response(text=refusal, status=400)
        back = params["redirect_uri"]
        state = {"state": params["state"]} if "state" in params else {}
        if form.get("decision") != "authorize":
            query = urlencode({"error": "access_denied", **state})
            raise web.HTTPFound(f"{back}?{query}")
        user_id = int(str(form.get("user_id", "0")))
        self.state.user(user_id)  # NotFound for an unknown user: a 500 is right here
        code = secrets.token_urlsafe(24)
        self._codes[code] = _Grant(
            user_id, back, params.get("code_challenge"), time.monotonic() + CODE_LIFETIME
        )
        raise web.HTTPFound(f"{back}?{urlencode({'code': code, **state})}")

    # -- token ------------------------------------------------------------------------

    def _client_ok(self, request: web.Request, form: dict[str, str]) -> bool:
        app = self.state.application
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        basic = request.headers.get("Authorization", "")
        if basic.startswith("Basic "):
            try:
                decoded = base64.b64decode(basic[6:], validate=True).decode()
            except (binascii.Error, UnicodeDecodeError):
                return False
            client_id, _, secret = decoded.partition(":")
        return client_id == str(app.id) and hmac.compare_digest(secret, app.client_secret)

    async def token(self, request: web.Request) -> web.Response:
        form = {k: str(v) for k, v in (await request.post()).items()}
        if not self._client_ok(request, form):
            return _json({"error": "invalid_client"}, 401)
        if form.get("grant_type") != "authorization_code":
            return _json({"error": "unsupported_grant_type"}, 400)
        grant = self._codes.pop(form.get("code", ""), None)  # a code works once
        if grant is None or grant.expires < time.monotonic():
            return _json({"error": "invalid_grant", "error_description": "Invalid code"}, 400)
        if form.get("redirect_uri") != grant.redirect_uri:
            return _json({"error": "invalid_grant", "error_description": "redirect_uri"}, 400)
        if grant.challenge is not None and _s256(form.get("code_verifier", "")) != grant.challenge:
            return _json({"error": "invalid_grant", "error_description": "code_verifier"}, 400)
        access = secrets.token_urlsafe(32)
        self._tokens[access] = grant.user_id
        return _json(
            {
                "access_token": access,
                "token_type": "Bearer",
                "expires_in": TOKEN_LIFETIME,
                "refresh_token": secrets.token_urlsafe(32),
                "scope": "identify",
            }
        )
