"""Login with Discord: the OAuth2 authorization-code flow with PKCE, scope ``identify``.

``state`` and the PKCE verifier come from :mod:`secrets` (Red-Dashboard's ``state``
came from ``random.choice``); both are kept on the server and bound to the browser
that started the login by a cookie, so a stolen callback URL logs nobody in. The
client secret is given to :class:`DiscordOAuth` and sent only in the token request's
body: it is never shown, logged or put in a URL.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import secrets
from dataclasses import dataclass, field
from typing import Final, final
from urllib.parse import urlencode, urlsplit

import aiohttp

from plughost.web.sessions import Clock

__all__ = ["CALLBACK_PATH", "DiscordOAuth", "OAuthError", "PendingLogin"]

log = logging.getLogger("plughost.web.oauth")

#: Where Discord sends the member back; the redirect URI is the console's URL + this.
CALLBACK_PATH: Final = "/login/discord/callback"
#: How long a member may take on Discord's consent page.
PENDING_LIFETIME: Final = 600.0


class OAuthError(Exception):
    """The login failed; the message is safe to show (it never holds a secret)."""


@final
@dataclass(frozen=True, slots=True)
class PendingLogin:
    verifier: str
    expires: float


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


@final
@dataclass(slots=True)
class DiscordOAuth:
    """The OAuth2 client of one console: Discord's endpoints, or the local emulator's."""

    api_base: str
    """Discord's REST base (``https://discord.com/api/v10``) or an emulator's."""
    client_id: int
    """The application's id (the bot's, once it has logged in)."""
    client_secret: str = field(repr=False)
    redirect_uri: str = ""
    clock: Clock = field(default=lambda: 0.0, repr=False)
    _pending: dict[str, PendingLogin] = field(default_factory=dict, repr=False)

    @property
    def authorize_url(self) -> str:
        # Discord serves the consent page at the site's root, not under /api.
        parts = urlsplit(self.api_base)
        return f"{parts.scheme}://{parts.netloc}/oauth2/authorize"

    def begin(self) -> tuple[str, str]:
        """A new login: the ``state`` (for the browser's cookie) and the URL to send it to."""
        state = secrets.token_urlsafe(32)
        verifier = secrets.token_urlsafe(64)
        now = self.clock()
        for key in [k for k, p in self._pending.items() if p.expires <= now]:
            del self._pending[key]
        self._pending[state] = PendingLogin(verifier, now + PENDING_LIFETIME)
        query = urlencode(
            {
                "client_id": str(self.client_id),
                "redirect_uri": self.redirect_uri,
                "response_type": "code",
                "scope": "identify",
                "state": state,
                "code_challenge": _challenge(verifier),
                "code_challenge_method": "S256",
                "prompt": "consent",
            }
        )
        return state, f"{self.authorize_url}?{query}"

    async def finish(self, *, state: str, cookie_state: str | None, code: str) -> int:
        """Exchange ``code`` for a token and return the Discord user id it identifies."""
        pending = self._pending.pop(state, None)
        if (
            pending is None
            or cookie_state is None
            or not secrets.compare_digest(state, cookie_state)
        ):
            raise OAuthError("This login was not started here, or it was already used.")
        if pending.expires <= self.clock():
            raise OAuthError("This login took too long; start again.")
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": self.redirect_uri,
            "code_verifier": pending.verifier,
            "client_id": str(self.client_id),
            "client_secret": self.client_secret,
        }
        timeout = aiohttp.ClientTimeout(total=15)
        try:
            async with aiohttp.ClientSession(timeout=timeout) as http:
                token = await self._token(http, form)
                headers = {"Authorization": f"Bearer {token}"}
                async with http.get(f"{self.api_base}/users/@me", headers=headers) as response:
                    me = await response.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            log.warning("could not finish a Discord login: %s", type(exc).__name__)
            raise OAuthError("Discord could not be reached; try again.") from None
        if response.status != 200 or not isinstance(me, dict) or "id" not in me:
            raise OAuthError("Discord did not say who you are; start again.")
        return int(me["id"])

    async def _token(self, http: aiohttp.ClientSession, form: dict[str, str]) -> str:
        async with http.post(f"{self.api_base}/oauth2/token", data=form) as response:
            body = await response.json(content_type=None)
        if response.status != 200 or not isinstance(body, dict) or "access_token" not in body:
            # The error code only: the request held the secret, and a body may echo it.
            error = body.get("error") if isinstance(body, dict) else None
            log.warning("Discord refused the token exchange (%s): %s", response.status, error)
            raise OAuthError("Discord refused the login; start again.")
        return str(body["access_token"])
