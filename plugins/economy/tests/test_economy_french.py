"""The economy cog in French: every reply, and its slash commands in a French member's picker."""

import contextvars

from babel.messages.pofile import read_po
from plughost_economy import messages

from plughost import use_locale


def test_every_message_has_a_french_translation():
    locales = messages._.localedir
    with (locales / "economy.pot").open("rb") as template:
        wanted = [m.id for m in read_po(template) if m.id]
    with (locales / "fr" / "LC_MESSAGES" / "economy.po").open("rb") as source:
        french = read_po(source)
    assert wanted, "the template is empty: run plughost cogs i18n extract"
    untranslated = [m for m in wanted if french.get(m) is None or not french.get(m).string]
    assert untranslated == []

    # And the compiled catalog the cog reads says the same (in a context of its own,
    # so that the locale does not outlive this test).
    def in_french():
        use_locale("fr")
        return messages._("Bots do not have bank accounts.")

    assert contextvars.copy_context().run(in_french) == "Les bots n'ont pas de compte en banque."


async def test_a_french_server_gets_french_replies(bot, fake_discord, economy, balance_of):
    owner, alice, bob = fake_discord.owner, fake_discord.member("alice"), fake_discord.member("bob")
    replies = await fake_discord.send("!set locale fr", author=owner)
    assert replies[0].content == "Je réponds désormais en fr sur ce serveur."
    replies = await fake_discord.send("!payday", author=alice)
    assert replies[0].content == (
        "Jour de paie ! Vous recevez 100 credits ; votre solde est de 100 credits."
    )
    # The bank's own refusals (also what other cogs get through the service) too.
    replies = await fake_discord.send(f"!transfer {bob.mention} 101", author=alice)
    assert replies[0].content == "Fonds insuffisants : le solde est de 100."
    response = await fake_discord.slash("balance", author=alice, member=bob)
    assert response.content == f"{bob.mention} a 0 credits à Bank."
    assert await balance_of(alice) == 100


async def test_a_french_member_gets_french_slash_commands(bot, fake_discord, economy):
    synced = {
        command["name"]: command
        for request in fake_discord.requests
        if request.method == "PUT" and request.path.endswith("/commands")
        for command in request.json
    }
    assert synced["balance"]["name_localizations"] == {"fr": "solde"}
    assert synced["balance"]["description_localizations"] == {
        "fr": "Affiche votre solde, ou celui d'un membre."
    }
    [member_option] = synced["balance"]["options"]
    assert member_option["name_localizations"] == {"fr": "membre"}
    assert synced["bank"]["name_localizations"] == {"fr": "banque"}
    # Without a server setting, a member whose Discord is in French reads French.
    alice = fake_discord.member("alice")
    alice.user.locale = "fr"
    response = await fake_discord.slash("payday", author=alice)
    assert response.content.startswith("Jour de paie ! Vous recevez 100 credits")
    alice.user.locale = "en-US"
    response = await fake_discord.slash("balance", author=alice)
    assert response.content == f"{alice.mention} has 100 credits in Bank."
