"""Access decided by the permission chain on every request, and changes made in chat
showing on the next page load. Over HTTP (aiohttp's client), logging in through the
local Discord's OAuth2 as a browser would."""

from __future__ import annotations

from collections.abc import AsyncIterator
from urllib.parse import parse_qsl, urlsplit

import aiohttp
import pytest
from aiohttp import web

from plughost.runtime.bot import Bot
from plughost.testing.emulator import FakeDiscord
from plughost.web import WebAddress, WebConsole

from .conftest import MANAGE_GUILD, csrf_of


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    # unsafe: keep cookies set by an IP address (127.0.0.1), as browsers do.
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        yield session


async def login(
    http: aiohttp.ClientSession, web_console: WebConsole, fake_discord: FakeDiscord, who: str
) -> None:
    async with http.get(f"{web_console.url}/login/discord", allow_redirects=False) as response:
        authorize = response.headers["Location"]
    params = dict(parse_qsl(urlsplit(authorize).query))
    form = {**params, "user_id": str(fake_discord.user(who).id), "decision": "authorize"}
    async with http.post(authorize.split("?")[0], data=form, allow_redirects=False) as response:
        callback = response.headers["Location"]
    async with http.get(callback) as response:
        assert response.status == 200
        assert str(response.url) == f"{web_console.url}/"


async def status_of(http: aiohttp.ClientSession, url: str) -> int:
    async with http.get(url, allow_redirects=False) as response:
        return response.status


async def test_a_rule_opens_a_guild_and_a_rule_closes_it_on_the_next_request(
    console: WebConsole, http: aiohttp.ClientSession, fake_discord: FakeDiscord
) -> None:
    frank = fake_discord.member("frank")  # no permission of his own
    page = f"{console.url}/guilds/{fake_discord.guild.id}"
    await login(http, console, fake_discord, "frank")
    assert await status_of(http, page) == 403
    owner = fake_discord.owner
    allow = f'!perm allow command "cog enable" user {frank.id}'
    assert (await fake_discord.send(allow, author=owner))[0].content
    assert await status_of(http, page) == 200
    deny = f'!perm deny command "cog enable" user {frank.id}'
    assert (await fake_discord.send(deny, author=owner))[0].content
    assert await status_of(http, page) == 403


async def test_chat_changes_show_on_the_next_page_load_and_the_prefix_form_works(
    console: WebConsole, http: aiohttp.ClientSession, fake_discord: FakeDiscord, bot: Bot
) -> None:
    carol = fake_discord.member("carol", permissions=MANAGE_GUILD)
    page = f"{console.url}/guilds/{fake_discord.guild.id}"
    await login(http, console, fake_discord, "carol")
    await fake_discord.send("!prefix ?", author=carol)
    await fake_discord.send("?cog disable greeter", author=carol)
    async with http.get(page) as response:
        html = await response.text()
    assert 'name="prefix" value="?"' in html
    assert '<td class="state">disabled</td>' in html

    csrf = csrf_of(html)
    async with http.post(f"{page}/prefix", data={"csrf": csrf, "prefix": "`bad`"}) as response:
        assert "That prefix has a backtick." in await response.text()  # the one prefix rule
    for hostile in ("?\u200b", "\u200b", "a\x00", "\u202e!"):
        data = {"csrf": csrf, "prefix": hostile}
        async with http.post(f"{page}/prefix", data=data) as response:
            assert "Prefix refused" in await response.text(), repr(hostile)
    async with http.post(f"{page}/prefix", data={"csrf": csrf, "prefix": "$"}) as response:
        assert 'name="prefix" value="$"' in await response.text()
    await fake_discord.send("$cog enable greeter", author=carol)
    assert [m.content for m in await fake_discord.send("$greet", author=carol)] == ["Hello, friend"]
    assert bot.permission_store is not None
    entries = await bot.permission_store.audit_log(fake_discord.guild.id)
    assert [(e.actor_id, e.action, e.detail) for e in entries] == [
        (carol.id, "web.prefix.set", "$")
    ]


async def test_logging_out_ends_the_session_on_the_server(
    console: WebConsole, http: aiohttp.ClientSession, fake_discord: FakeDiscord
) -> None:
    await login(http, console, fake_discord, "alice")
    cookie = next(c for c in http.cookie_jar if c.key == "plughost_session")
    async with http.get(f"{console.url}/") as response:
        csrf = csrf_of(await response.text())
    session_id, _, signature = cookie.value.rpartition(".")
    forged = f"{session_id}.{'0' * len(signature)}"
    async with aiohttp.ClientSession() as other:
        for value, status in ((cookie.value, 200), (forged, 303), (session_id, 303)):
            headers = {"Cookie": f"plughost_session={value}"}
            async with other.get(
                f"{console.url}/", headers=headers, allow_redirects=False
            ) as response:
                assert response.status == status, value
    async with http.post(f"{console.url}/logout", data={"csrf": csrf}) as response:
        assert str(response.url) == f"{console.url}/login"
    # The old cookie, sent again by hand, is no session any more.
    async with aiohttp.ClientSession() as other:
        headers = {"Cookie": f"plughost_session={cookie.value}"}
        async with other.get(f"{console.url}/", headers=headers, allow_redirects=False) as response:
            assert response.status == 303


async def test_a_callback_this_browser_did_not_start_is_refused(
    console: WebConsole, http: aiohttp.ClientSession, fake_discord: FakeDiscord
) -> None:
    url = f"{console.url}/login/discord/callback?code=stolen&state=made-up"
    async with http.get(url) as response:
        assert response.status == 403
        assert "not started here" in await response.text()
    assert not [c for c in http.cookie_jar if c.key == "plughost_session"]


async def test_cookies_are_secure_behind_https_and_extra_routes_share_the_headers(
    bot: Bot, fake_discord: FakeDiscord, http: aiohttp.ClientSession
) -> None:
    extra = web.RouteTableDef()

    @extra.get("/metrics")
    async def metrics(request: web.Request) -> web.Response:
        return web.Response(text="up 1\n")

    web_console = WebConsole(
        [bot],
        address=WebAddress("127.0.0.1", 0),
        public_url="https://bot.example.org",
        extra_routes=extra,
    )
    await web_console.start()
    try:
        local = f"http://127.0.0.1:{web_console.port}"
        token = web_console.login_link().split("token=")[1]
        async with http.get(f"{local}/login?token={token}", allow_redirects=False) as response:
            cookie = response.headers["Set-Cookie"]
        assert "Secure" in cookie
        assert "HttpOnly" in cookie
        assert "SameSite=Lax" in cookie
        assert web_console.redirect_uri == "https://bot.example.org/login/discord/callback"
        async with http.get(f"{local}/metrics") as response:
            assert await response.text() == "up 1\n"
            assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    finally:
        await web_console.stop()


async def test_guild_owners_see_their_guild_and_a_blocklisted_admin_sees_none(
    console: WebConsole, http: aiohttp.ClientSession, fake_discord: FakeDiscord
) -> None:
    erin = fake_discord.user("erin")
    other = fake_discord.add_guild("Erin's Guild", owner=erin)
    await fake_discord.emulator.wait_ready()
    await login(http, console, fake_discord, "erin")
    async with http.get(f"{console.url}/") as response:
        html = await response.text()
    assert "Erin&#39;s Guild" in html
    assert fake_discord.guild.name not in html  # she is not even a member there
    # The bot's cache holds every member of the demo guild: no REST call to learn that.
    asked = f"/guilds/{fake_discord.guild.id}/members/{erin.id}"
    assert fake_discord.emulator.requests_to("GET", asked) == []
    assert await status_of(http, f"{console.url}/guilds/{other.id}") == 200

    gina = fake_discord.member("gina", permissions=MANAGE_GUILD)
    await fake_discord.send(f"!perm list add block user {gina.id}", author=fake_discord.owner)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as gina_http:
        await login(gina_http, console, fake_discord, "gina")
        assert await status_of(gina_http, f"{console.url}/guilds/{fake_discord.guild.id}") == 403


async def test_a_login_cancelled_on_discord_is_refused(
    console: WebConsole, http: aiohttp.ClientSession, fake_discord: FakeDiscord
) -> None:
    async with http.get(f"{console.url}/login/discord", allow_redirects=False) as response:
        authorize = response.headers["Location"]
    params = dict(parse_qsl(urlsplit(authorize).query))
    assert params["scope"] == "identify"
    assert params["code_challenge_method"] == "S256"
    assert len(params["state"]) >= 43  # 32 bytes from secrets
    form = {**params, "user_id": str(fake_discord.user("alice").id), "decision": "cancel"}
    async with http.post(authorize.split("?")[0], data=form) as response:
        assert response.status == 403
        assert "cancelled" in await response.text()
    assert not [c for c in http.cookie_jar if c.key == "plughost_session"]


async def test_a_wrong_client_secret_fails_the_login_without_showing_or_logging_it(
    bot: Bot,
    fake_discord: FakeDiscord,
    http: aiohttp.ClientSession,
    caplog: pytest.LogCaptureFixture,
) -> None:
    secret = "wrong-secret-3d1f9a"
    web_console = WebConsole([bot], address=WebAddress("127.0.0.1", 0), oauth_secret=secret)
    await web_console.start()
    fake_discord.state.application.redirect_uris.append(web_console.redirect_uri)
    caplog.set_level("DEBUG")
    try:
        async with http.get(f"{web_console.url}/login/discord", allow_redirects=False) as response:
            authorize = response.headers["Location"]
        assert secret not in authorize
        params = dict(parse_qsl(urlsplit(authorize).query))
        form = {**params, "user_id": str(fake_discord.user("alice").id), "decision": "authorize"}
        async with http.post(authorize.split("?")[0], data=form) as response:
            assert response.status == 403
            text = await response.text()
        assert "Discord refused the login" in text
        assert secret not in text
    finally:
        await web_console.stop()
    assert "invalid_client" in caplog.text
    assert secret not in caplog.text
