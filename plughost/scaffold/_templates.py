"""The files of a new cog project, as text with ``__PLACEHOLDER__`` tokens.

Plain ``str.replace`` tokens rather than ``str.format`` or ``string.Template``:
the files are full of braces (TOML inline tables, Python f-strings) and of ``$``
(GitHub Actions' ``${{ ... }}``), which either would need escaped throughout.
The generated Python passes ruff's default rules and ``ruff format``; a test
keeps it that way.
"""

from __future__ import annotations

from typing import Final

__all__ = ["FILES"]

_PYPROJECT = """\
[build-system]
requires = ["hatchling>=1.27"]
build-backend = "hatchling.build"

[project]
name = "__DIST__"
version = "0.1.0"
description = "A plughost cog: greets members and counts their greetings."
readme = "README.md"
license = "MIT"
license-files = ["LICENSE"]
requires-python = ">=3.11"
authors = [{ name = "AUTHOR NAME" }]
classifiers = [
    "Programming Language :: Python :: 3",
    "Framework :: AsyncIO",
    "Topic :: Communications :: Chat",
]
# The plughost versions this cog is written for; plughost refuses to load it
# under any other (and `plughost cogs check` says so).
dependencies = ["plughost__RANGE__"]

[project.optional-dependencies]
test = ["pytest>=8", "pytest-asyncio>=0.24"]

# The entry-point name is the cog's name everywhere: `cog load __NAME__`, logs, config.
[project.entry-points."plughost.cogs"]
__NAME__ = "__PACKAGE__:__CLASS__"

[tool.hatch.build]
# `pip install -e .` as a plain path entry for src/; hatchling's default editable
# install needs the `editables` package in the build environment.
dev-mode-dirs = ["src"]

[tool.hatch.build.targets.wheel]
packages = ["src/__PACKAGE__"]

[tool.pytest.ini_options]
# plughost's fixtures (`bot`, `fake_discord`) are async.
asyncio_mode = "auto"
asyncio_default_fixture_loop_scope = "function"
testpaths = ["tests"]
# interactions.py warns about its own deprecated internals on import; they are not
# this cog's to fix (plughost filters them the same way).
filterwarnings = [
    "ignore::DeprecationWarning:interactions.*",
]
"""

_COG = '''\
"""The __NAME__ cog: greets members and counts their greetings. Make it your own."""

# No `from __future__ import annotations`: interactions.py reads the annotations of
# command parameters at runtime to convert arguments, and cannot from strings.
from interactions.ext import prefixed_commands as prefixed
from interactions.ext.hybrid_commands import HybridContext, hybrid_slash_command
from plughost import Bot, Cog, Config, Translator, checks, hookimpl

__all__ = ["__CLASS__"]

# Translations: locales/<lang>/LC_MESSAGES/__NAME__.mo beside this file (see locales/README.md).
_ = Translator("__NAME__", __file__)


class __CLASS__(Cog):
    """Greets members and counts their greetings."""

    # Shown to users and operators: say what the cog stores about people.
    end_user_data_statement = "Stores how many times each user has greeted the bot."

    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        # The identifier keeps this cog's data apart from other cogs'; never change it.
        self.config = Config.get_conf(
            self, identifier=__IDENTIFIER__, force_registration=True
        )
        self.config.register_user(greetings=0)
        self.config.register_guild(greeting="Hello")

    @hybrid_slash_command(name="__NAME__", description="Greet the bot; it counts.")
    async def greet(self, ctx: HybridContext) -> None:
        """Greet the bot: `!__NAME__` or `/__NAME__`."""
        async with self.config.user(ctx.author).greetings.get_lock():
            count = await self.config.user(ctx.author).greetings() + 1
            await self.config.user(ctx.author).greetings.set(count)
        greeting = "Hello"
        if ctx.guild is not None:
            greeting = await self.config.guild(ctx.guild).greeting()
        name = ctx.author.username
        await ctx.send(f"{greeting}, {name}! That is greeting number {count}.")

    @prefixed.prefixed_command(name="__NAME__-greeting")
    @checks.admin_or_permissions(manage_guild=True)
    async def set_greeting(self, ctx: prefixed.PrefixedContext, word: str) -> None:
        """Set this server's greeting word (server admins): `!__NAME__-greeting Howdy`."""
        if ctx.guild is None:
            await ctx.send(_("Greetings are set per server."))
            return
        await self.config.guild(ctx.guild).greeting.set(word)
        await ctx.send(f"The greeting is now {word!r}.")

    @hookimpl
    async def delete_user_data(self, requester: str, user_id: int) -> None:
        """Forget a user's greeting count; it is kept for nothing else."""
        await self.config.user_from_id(user_id).clear()
'''

_CONFTEST = '''\
"""The `bot` fixture of plughost's pytest plugin, with this cog loaded."""

import pytest


@pytest.fixture
async def bot(bot):
    await bot.load_cog("__NAME__")
    return bot
'''

_TESTS = '''\
"""The __NAME__ cog, driven as members would: over plughost's local Discord emulator."""


async def test_greetings_are_counted_per_user(bot, fake_discord):
    alice = fake_discord.member("alice")
    replies = await fake_discord.send("!__NAME__", author=alice)
    assert replies[0].content == "Hello, alice! That is greeting number 1."
    response = await fake_discord.slash("__NAME__", author=alice)
    assert response.content == "Hello, alice! That is greeting number 2."
    bob = fake_discord.member("bob")
    replies = await fake_discord.send("!__NAME__", author=bob)
    assert replies[0].content == "Hello, bob! That is greeting number 1."


async def test_admins_set_the_greeting(bot, fake_discord):
    owner, bob = fake_discord.owner, fake_discord.member("bob")
    replies = await fake_discord.send("!__NAME__-greeting Howdy", author=owner)
    assert replies[0].content == "The greeting is now 'Howdy'."
    await fake_discord.send("!__NAME__-greeting Boo", author=bob)  # not an admin
    replies = await fake_discord.send("!__NAME__", author=bob)
    assert replies[0].content.startswith("Howdy, bob!")


async def test_deleting_a_users_data_resets_their_count(bot, fake_discord):
    alice = fake_discord.member("alice")
    await fake_discord.send("!__NAME__", author=alice)
    await bot.delete_user_data(alice.id, requester="user")
    replies = await fake_discord.send("!__NAME__", author=alice)
    assert replies[0].content.endswith("greeting number 1.")
'''

_README = """\
# __DIST__

A [plughost](https://pypi.org/project/plughost/) cog: `!__NAME__` or `/__NAME__`
greets you and counts your greetings; server admins change the greeting word with
`!__NAME__-greeting WORD`.

## Install

```
plughost cogs install __DIST__
```

then, in Discord, as the bot owner: `!cog load __NAME__`.

## Develop

```
python -m venv .venv && . .venv/bin/activate
pip install /path/to/plughost      # until plughost is on PyPI: its clone, or its wheel
pip install -e '.[test]'
python -m pytest            # runs the cog against plughost's local Discord emulator
plughost cogs check __NAME__   # what plughost checks before you publish
plughost console            # try it in the terminal: type !__NAME__
```

## Publish

The GitHub workflow `.github/workflows/publish.yml` tests every push, and builds
and publishes to PyPI every tag `v*`, with PyPI trusted publishing (no token).
Once: on PyPI, add a trusted publisher for this repository, workflow
`publish.yml`, environment `pypi`. Until plughost is on PyPI, also set the
repository variable `PLUGHOST_REQUIREMENT` to where the tests get plughost (a
wheel URL, or `plughost @ git+https://github.com/OWNER/plughost@v0.1.0`). Then
bump `version` in `pyproject.toml`, and `git tag v0.1.0 && git push --tags`.

## Data

Stores how many times each user has greeted the bot. A user's count is deleted
when they (or the bot owner) ask plughost to delete their data.
"""

_LICENSE = """\
MIT License

Copyright (c) __YEAR__ AUTHOR NAME

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""

_WORKFLOW = """\
# Tests every push and pull request; a tag v* also builds and publishes to PyPI
# with trusted publishing (OpenID Connect, no API token). Set it up once on PyPI:
# Your projects > Publishing > add a GitHub publisher for this repository,
# workflow "publish.yml", environment "pypi".
name: test and publish

on:
  push:
    branches: [main]
    tags: ["v*"]
  pull_request:

jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      # plughost is not on PyPI yet: set the repository variable PLUGHOST_REQUIREMENT
      # (Settings > Secrets and variables > Actions > Variables) to where it comes
      # from, a wheel URL or "plughost @ git+https://github.com/OWNER/plughost@v0.1.0".
      - run: python -m pip install "$PLUGHOST"
        env:
          PLUGHOST: ${{ vars.PLUGHOST_REQUIREMENT || 'plughost__RANGE__' }}
      - run: python -m pip install -e '.[test]'
      - run: python -m pytest -q
      - run: plughost cogs check __NAME__

  build:
    needs: test
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - run: python -m pip install build
      - run: python -m build
      - uses: actions/upload-artifact@v4
        with:
          name: dist
          path: dist/

  publish:
    if: startsWith(github.ref, 'refs/tags/v')
    needs: build
    runs-on: ubuntu-latest
    environment:
      name: pypi
      url: https://pypi.org/p/__DIST__
    permissions:
      id-token: write  # the OIDC token PyPI's trusted publishing exchanges for an upload
    steps:
      - uses: actions/download-artifact@v4
        with:
          name: dist
          path: dist/
      - uses: pypa/gh-action-pypi-publish@release/v1
"""

_LOCALES = """\
# Translations of the __NAME__ cog

gettext catalogs, read by the cog's `_ = Translator("__NAME__", __file__)`:

```
plughost cogs i18n extract src/__PACKAGE__ --domain __NAME__   # writes __NAME__.pot here
mkdir -p src/__PACKAGE__/locales/fr/LC_MESSAGES
cp src/__PACKAGE__/locales/__NAME__.pot src/__PACKAGE__/locales/fr/LC_MESSAGES/__NAME__.po
# translate the msgstr lines, then:
plughost cogs i18n compile src/__PACKAGE__                     # writes the .mo files
```

Servers pick their language with `!set locale fr`; otherwise slash commands
answer in each member's Discord language. Ship the `.mo` files in the wheel.
"""

_GITIGNORE = """\
__pycache__/
*.egg-info/
.venv/
build/
dist/
"""

FILES: Final[dict[str, str]] = {
    "pyproject.toml": _PYPROJECT,
    "src/__PACKAGE__/__init__.py": _COG,
    "src/__PACKAGE__/locales/README.md": _LOCALES,
    "tests/conftest.py": _CONFTEST,
    "tests/test___NAME__.py": _TESTS,
    "README.md": _README,
    "LICENSE": _LICENSE,
    ".github/workflows/publish.yml": _WORKFLOW,
    ".gitignore": _GITIGNORE,
}
"""Relative path -> content; both may contain placeholders."""
