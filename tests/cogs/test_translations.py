"""Translations: a cog's catalogs, the locale of each invocation, `set locale`, the i18n CLI."""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po
from click.testing import CliRunner

from plughost.cli import cli
from plughost.core import messages as core_messages
from plughost.runtime.bot import Bot
from plughost.testing.emulator import FakeDiscord

from .inplace import InPlace, in_place

__all__ = ["in_place"]

SOURCE = '''
import interactions
from interactions.ext.hybrid_commands import hybrid_slash_command
from plughost import Cog
from plughost import Translator

_ = Translator("greeter", __file__)


class Greeter(Cog):
    """Greets, in the invocation's language."""

    translator = _  # slash names and descriptions from the same catalogs

    @hybrid_slash_command(name="greet", description="Say hello.")
    async def greet(self, ctx):
        await ctx.send(_("Hello, {name}!").format(name=ctx.author.username))

    @interactions.listen("message_create")
    async def waved(self, event):
        if event.message.content == "o/":
            await event.message.channel.send(_("Someone waved."))
'''

FRENCH = """
msgid ""
msgstr ""
"Language: fr\\n"
"Content-Type: text/plain; charset=utf-8\\n"

msgid "Hello, {name}!"
msgstr "Bonjour, {name} !"

msgid "Someone waved."
msgstr "Quelqu'un a fait coucou."

msgid "greet"
msgstr "saluer"

msgid "Say hello."
msgstr "Dire bonjour."
"""


def _catalogs(package_dir: Path) -> None:
    """What an author does: extract the messages, translate them, compile."""
    runner = CliRunner()
    extracted = runner.invoke(cli, ["cogs", "i18n", "extract", str(package_dir)])
    assert extracted.exit_code == 0, extracted.output
    assert "(2 messages)" in extracted.output
    template = (package_dir / "locales" / f"{package_dir.name}.pot").read_text()
    assert 'msgid "Hello, {name}!"' in template
    assert 'msgid "Someone waved."' in template
    po = package_dir / "locales" / "fr" / "LC_MESSAGES" / "greeter.po"
    po.parent.mkdir(parents=True)
    po.write_text(FRENCH)
    compiled = runner.invoke(cli, ["cogs", "i18n", "compile", str(package_dir)])
    assert compiled.exit_code == 0, compiled.output
    assert po.with_suffix(".mo").is_file()


async def _say(discord: FakeDiscord, text: str, **kw: object) -> str:
    replies = await discord.send(text, **kw)  # type: ignore[arg-type]
    return "\n".join(str(r.content) for r in replies)


async def test_the_guild_setting_else_the_members_discord_locale_picks_the_catalog(
    bot: Bot, fake_discord: FakeDiscord, in_place: InPlace
) -> None:
    package = in_place.install({"greeter": "Greeter"}, SOURCE)
    _catalogs(in_place.source_of(package).parent)
    await bot.load_cog("greeter")
    owner, alice = fake_discord.owner, fake_discord.member("alice")

    # No guild setting: prefixed commands in the default, slash in the member's locale.
    assert await _say(fake_discord, "!greet") == "Hello, alice!"
    assert (await fake_discord.slash("greet", author=alice)).content == "Hello, alice!"
    alice.user.locale = "fr"
    assert (await fake_discord.slash("greet", author=alice)).content == "Bonjour, alice !"
    assert await _say(fake_discord, "!greet") == "Hello, alice!"

    # A bad code is refused and changes nothing.
    reply = await _say(fake_discord, "!set locale french!", author=owner)
    assert reply == "That is not a locale code: try fr, de or pt-BR."
    assert await _say(fake_discord, "!greet") == "Hello, alice!"
    alice_member = fake_discord.member("alice")
    assert "Only an administrator" in await _say(
        fake_discord, "!set locale fr", author=alice_member
    )

    # The guild's setting wins, for every kind of invocation, core's replies included.
    reply = await _say(fake_discord, "!set locale FR", author=owner)
    assert reply == "Je réponds désormais en fr sur ce serveur."
    assert await _say(fake_discord, "!greet") == "Bonjour, alice !"
    assert await _say(fake_discord, "o/") == "Quelqu'un a fait coucou."
    alice.user.locale = "de"
    assert (await fake_discord.slash("greet", author=alice)).content == "Bonjour, alice !"

    reply = await _say(fake_discord, "!set locale reset", author=owner)
    assert reply == "Chaque membre reçoit désormais le bot dans sa propre langue Discord."
    assert await _say(fake_discord, "!greet") == "Hello, alice!"
    assert await _say(fake_discord, "o/") == "Someone waved."


async def test_slash_names_and_descriptions_are_localised_from_the_catalogs(
    bot: Bot, fake_discord: FakeDiscord, in_place: InPlace
) -> None:
    package = in_place.install({"greeter": "Greeter"}, SOURCE)
    _catalogs(in_place.source_of(package).parent)
    await bot.load_cog("greeter")
    synced = [
        command
        for request in fake_discord.requests
        if request.method == "PUT" and request.path.endswith("/commands")
        for command in request.json
        if command["name"] == "greet"
    ]
    assert synced, "the greet command was never synced"
    assert synced[-1]["name_localizations"] == {"fr": "saluer"}
    assert synced[-1]["description_localizations"] == {"fr": "Dire bonjour."}
    alice = fake_discord.member("alice")
    alice.user.locale = "fr"
    assert (await fake_discord.slash("greet", author=alice)).content == "Bonjour, alice !"


def test_the_core_catalog_translates_every_message_it_extracts() -> None:
    locales = core_messages._.localedir
    with (locales / "core.pot").open("rb") as template:
        wanted = [m.id for m in read_po(template) if m.id]
    with (locales / "fr" / "LC_MESSAGES" / "core.po").open("rb") as source:
        french = read_po(source)
    assert len(wanted) > 50
    assert [m for m in wanted if french.get(m) is None or not french.get(m).string] == []


async def test_core_answers_in_the_servers_language(
    bot: Bot, fake_discord: FakeDiscord, in_place: InPlace
) -> None:
    in_place.install({"greeter": "Greeter"}, SOURCE)
    owner = fake_discord.owner
    await _say(fake_discord, "!set locale fr", author=owner)
    assert (await _say(fake_discord, "!ping")).startswith("pong (shard 0/1, latence de la gateway")
    assert await _say(fake_discord, "!prefix", author=owner) == "Le préfixe de ce serveur est `!`."
    assert await _say(fake_discord, "!cog load greeter", author=owner) == "greeter chargé."
    listing = await _say(fake_discord, "!cog list", author=owner)
    assert "chargé : greeter" in listing
    assert "(activé ici)" in listing
    reply = await _say(fake_discord, "!cog disable greeter", author=owner)
    assert reply == "greeter désactivé sur ce serveur."
    what = await _say(fake_discord, "!mydata what")
    assert what.startswith("Ce que chaque partie de ce bot conserve à votre sujet :")
    assert "⚠ non déclaré : ce cog ne dit pas ce qu'il conserve" in what
