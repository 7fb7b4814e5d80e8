"""The local Discord's OAuth2: what a web console's login meets, refusals included."""

from __future__ import annotations

import base64
import hashlib
import re

import aiohttp

from plughost.testing.emulator import FakeDiscord

REDIRECT = "http://127.0.0.1:9/login/discord/callback"


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _params(fake_discord: FakeDiscord, **extra: str) -> dict[str, str]:
    return {
        "client_id": str(fake_discord.state.application.id),
        "redirect_uri": REDIRECT,
        "response_type": "code",
        "scope": "identify",
        "state": "s1",
        "code_challenge": _challenge("v" * 50),
        "code_challenge_method": "S256",
        **extra,
    }


async def _code(http: aiohttp.ClientSession, fake_discord: FakeDiscord, user: str) -> str:
    form = {**_params(fake_discord), "user_id": str(fake_discord.user(user).id)}
    form["decision"] = "authorize"
    url = f"{fake_discord.emulator.url}/oauth2/authorize"
    async with http.post(url, data=form, allow_redirects=False) as response:
        assert response.status == 302
        location = response.headers["Location"]
    assert location.startswith(REDIRECT + "?")
    assert "state=s1" in location
    found = re.search(r"code=([^&]+)", location)
    assert found is not None
    return found.group(1)


async def test_code_exchange_and_bearer_identify_the_consenting_user(
    fake_discord: FakeDiscord,
) -> None:
    app = fake_discord.state.application
    app.redirect_uris.append(REDIRECT)
    api = fake_discord.api_base
    async with aiohttp.ClientSession() as http:
        page = await http.get(
            f"{fake_discord.emulator.url}/oauth2/authorize", params=_params(fake_discord)
        )
        assert page.status == 200
        assert "alice" in await page.text()
        code = await _code(http, fake_discord, "alice")
        token_form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "code_verifier": "v" * 50,
            "client_id": str(app.id),
            "client_secret": app.client_secret,
        }
        async with http.post(f"{api}/oauth2/token", data=token_form) as response:
            assert response.status == 200
            body = await response.json()
        assert body["token_type"] == "Bearer"
        assert body["scope"] == "identify"
        headers = {"Authorization": f"Bearer {body['access_token']}"}
        async with http.get(f"{api}/users/@me", headers=headers) as response:
            me = await response.json()
        assert me["id"] == str(fake_discord.user("alice").id)
        assert me["username"] == "alice"
        # A code works once.
        async with http.post(f"{api}/oauth2/token", data=token_form) as response:
            assert response.status == 400
            assert (await response.json())["error"] == "invalid_grant"
        # A made-up bearer token is no one.
        bad = {"Authorization": "Bearer nobody"}
        async with http.get(f"{api}/users/@me", headers=bad) as response:
            assert response.status == 401


async def test_refusals_unregistered_redirect_wrong_secret_wrong_verifier(
    fake_discord: FakeDiscord,
) -> None:
    app = fake_discord.state.application
    api = fake_discord.api_base
    url = f"{fake_discord.emulator.url}/oauth2/authorize"
    async with aiohttp.ClientSession() as http:
        async with http.get(url, params=_params(fake_discord)) as response:
            assert response.status == 400
            assert "Invalid OAuth2 redirect_uri" in await response.text()
        app.redirect_uris.append(REDIRECT)
        async with http.get(url, params=_params(fake_discord, scope="guilds")) as response:
            assert response.status == 400
        code = await _code(http, fake_discord, "bob")
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "code_verifier": "v" * 50,
            "client_id": str(app.id),
            "client_secret": "wrong",
        }
        async with http.post(f"{api}/oauth2/token", data=form) as response:
            assert response.status == 401
        form["client_secret"] = app.client_secret
        form["code_verifier"] = "w" * 50
        async with http.post(f"{api}/oauth2/token", data=form) as response:
            assert response.status == 400
            assert (await response.json())["error_description"] == "code_verifier"
