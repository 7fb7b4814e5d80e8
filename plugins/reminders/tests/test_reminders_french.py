"""The reminders cog in French: replies, the reminder going off, its buttons, the slash command."""

from __future__ import annotations

import re

from babel.messages.pofile import read_po
from plughost_reminders import ManualClock, messages

from plughost import Bot
from plughost.testing.emulator import FakeDiscord, Message


def test_every_message_has_a_french_translation() -> None:
    locales = messages._.localedir
    with (locales / "reminders.pot").open("rb") as template:
        wanted = [m.id for m in read_po(template) if m.id]
    with (locales / "fr" / "LC_MESSAGES" / "reminders.po").open("rb") as source:
        french = read_po(source)
    assert wanted
    assert [m for m in wanted if french.get(m) is None or not french.get(m).string] == []


async def test_a_french_server_sets_lists_and_gets_its_reminders_in_french(
    bot: Bot, fake_discord: FakeDiscord, clock: ManualClock
) -> None:
    owner, alice = fake_discord.owner, fake_discord.member("alice")
    await fake_discord.send("!set locale fr", author=owner)
    [reply] = await fake_discord.send("!remind me in 1h30m étirements")
    assert re.fullmatch(
        r"Rappel n°1 programmé : dans 1 heure 30 minutes \(<t:\d+:f>\), ici\.", reply.content
    )
    [listing] = await fake_discord.send("!reminders list")
    assert listing.content == "Vos rappels (1) :\nn°1 dans 1 heure 30 minutes : étirements"
    clock.advance(hours=1, minutes=30)

    # Going off is no invocation: the reminder's server's language is used.
    def went_off() -> Message | None:
        found = [
            m
            for m in fake_discord.messages(fake_discord.channel)
            if m.author_id == fake_discord.bot.id and "demandé de vous rappeler" in m.content
        ]
        return found[0] if found else None

    posted = await fake_discord.wait_for(went_off, what="the French reminder going off")
    assert posted.content == f"⏰ <@{alice.id}>, vous m'avez demandé de vous rappeler : étirements"
    labels = [c["label"] for row in posted.components for c in row["components"]]
    assert labels == ["Reporter de 10 min", "Reporter…", "Terminé"]
    await fake_discord.click(posted, "Terminé")
    assert posted.content.endswith("étirements\n✅ Terminé.")


async def test_a_french_member_sees_the_slash_command_in_french(
    bot: Bot, fake_discord: FakeDiscord
) -> None:
    synced = {
        command["name"]: command
        for request in fake_discord.requests
        if request.method == "PUT" and request.path.endswith("/commands")
        for command in request.json
    }
    assert synced["remind"]["name_localizations"] == {"fr": "rappel"}
    names = {o["name"]: o["name_localizations"] for o in synced["remind"]["options"]}
    assert names == {"in": {"fr": "dans"}, "text": {"fr": "texte"}}
    alice = fake_discord.member("alice")
    alice.user.locale = "fr"
    response = await fake_discord.slash("remind", author=alice, text="thé", **{"in": "5m"})
    assert response.content.startswith("Rappel n°1 programmé : dans 5 minutes")
