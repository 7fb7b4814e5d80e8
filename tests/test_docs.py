"""The documentation site builds without a warning, and its reference pages stay true.

Each reference page follows a convention that these tests read:

* ``docs/reference/api.md``: a level-2 heading `` `plughost.NAME` `` per name in
  ``plughost.__all__``, and level-3 headings `` `NAME.member` `` for members;
* ``docs/reference/hooks.md``: a level-2 heading `` `hook(param, ...)` `` per hook
  specification in ``plughost.hooks.specs``;
* ``docs/reference/bot-commands.md``: a level-3 heading `` `path` `` per command of
  the built-in ``core`` cog, followed by the usage of each of its forms
  (`` `!cog load <name>` ``, `` `/cog load <name>` ``);
* ``docs/reference/cli.md``: a heading `` `plughost ...` `` per command and group of
  the click group, followed by its usage line and a table of its options.

A name, hook or command that is added without its documentation, or documented
after it is gone, fails here, naming what to write or remove.
"""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import pytest
import yaml

import plughost
from plughost.cli import cli
from plughost.hooks import specs as hookspecs

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
REFERENCE = DOCS / "reference"

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")


@dataclass(frozen=True)
class Section:
    level: int
    title: str
    body: str  # the text up to the next heading of any level


def sections(path: Path) -> list[Section]:
    """The headings of a Markdown page with their text; ``#`` lines in code blocks
    (shell comments) are not headings."""
    found: list[Section] = []
    level, title, body = 0, "", []
    fenced = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if _FENCE.match(line):
            fenced = not fenced
        heading = None if fenced else _HEADING.match(line)
        if heading is None:
            body.append(line)
            continue
        if title:
            found.append(Section(level, title, "\n".join(body)))
        level, title, body = len(heading.group(1)), heading.group(2), []
    if title:
        found.append(Section(level, title, "\n".join(body)))
    return found


def _report(what: str, missing: set[str], stale: set[str], page: Path) -> str:
    parts = [f"{page.relative_to(ROOT)} is out of step with the code ({what})."]
    if missing:
        parts.append(f"Document: {', '.join(sorted(missing))}.")
    if stale:
        parts.append(f"Remove or rename (no longer in the code): {', '.join(sorted(stale))}.")
    return " ".join(parts)


# -- the public API ---------------------------------------------------------------------

API = REFERENCE / "api.md"
_API_NAME = re.compile(r"^`plughost\.(\w+)`$")
_API_MEMBER = re.compile(r"^`(\w+)\.(\w+)`$")


def test_every_public_name_is_documented() -> None:
    documented = {
        m.group(1) for s in sections(API) if s.level == 2 and (m := _API_NAME.match(s.title))
    }
    exported = set(plughost.__all__)
    assert documented == exported, _report(
        "plughost.__all__", exported - documented, documented - exported, API
    )


def test_every_documented_member_exists() -> None:
    members = [
        (m.group(1), m.group(2))
        for s in sections(API)
        if s.level == 3 and (m := _API_MEMBER.match(s.title))
    ]
    assert members, f"{API.relative_to(ROOT)} documents no member (`Name.member` headings)"
    stale = {
        f"{owner}.{member}"
        for owner, member in members
        if owner not in plughost.__all__ or not hasattr(getattr(plughost, owner), member)
    }
    assert not stale, _report("members", set(), stale, API)


# -- hooks ------------------------------------------------------------------------------

HOOKS = REFERENCE / "hooks.md"
_HOOK = re.compile(r"^`(\w+)\(([^)]*)\)`$")


def _hookspecs() -> dict[str, list[str]]:
    marker = f"{hookspecs.PROJECT_NAME}_spec"
    return {
        name: list(inspect.signature(func).parameters)
        for name, func in vars(hookspecs).items()
        if inspect.isfunction(func) and hasattr(func, marker)
    }


def test_every_hook_is_documented_with_its_parameters() -> None:
    specs = _hookspecs()
    assert len(specs) >= 9, "the hook specifications were not found"
    documented = {
        m.group(1): [p.strip() for p in m.group(2).split(",") if p.strip()]
        for s in sections(HOOKS)
        if s.level == 2 and (m := _HOOK.match(s.title))
    }
    assert set(documented) == set(specs), _report(
        "plughost/hooks/specs.py", set(specs) - set(documented), set(documented) - set(specs), HOOKS
    )
    wrong = {
        f"{name}({', '.join(params)})"
        for name, params in specs.items()
        if documented[name] != params
    }
    assert not wrong, f"{HOOKS.relative_to(ROOT)}: write the headings as {sorted(wrong)}"


# -- the core cog's commands ------------------------------------------------------------

BOT_COMMANDS = REFERENCE / "bot-commands.md"
_COMMAND = re.compile(r"^`([a-z][\w -]*)`$")


def _leaves(command: Any) -> Iterator[Any]:
    subs = {id(s): s for s in (getattr(command, "subcommands", None) or {}).values()}
    if not subs:
        yield command
    for sub in subs.values():
        yield from _leaves(sub)


def core_commands(bot: Any) -> dict[str, set[str]]:
    """Command path -> the usage of each of its forms, for every command the loaded
    ``core`` cog registered with the bot (prefixed, hybrid twins and slash)."""
    from plughost.cogs.cog import bound_cog
    from plughost.commands.usage import command_path, usage_line

    core = bot.cogs.loaded["core"]
    found: dict[str, set[str]] = {}
    prefixed = {id(c): c for c in bot.prefixed.commands.values()}
    for command in prefixed.values():
        for leaf in _leaves(command):
            if bound_cog(leaf.callback) is core:
                found.setdefault(command_path(leaf), set()).add(usage_line(leaf, "!"))
    for commands in bot.interactions_by_scope.values():
        for command in commands.values():
            if bound_cog(getattr(command, "callback", None)) is not core:
                continue
            usage = set() if hasattr(command, "target_type") else {usage_line(command, "/")}
            found.setdefault(command_path(command), set()).update(usage)
    return found


async def test_every_core_command_is_documented_with_its_usage(bot: Any) -> None:
    commands = core_commands(bot)
    assert {"ping", "help", "cog load"} <= set(commands), "the core cog's commands were not found"
    documented = {
        m.group(1): s.body
        for s in sections(BOT_COMMANDS)
        if s.level == 3 and (m := _COMMAND.match(s.title))
    }
    assert set(documented) == set(commands), _report(
        "the core cog",
        set(commands) - set(documented),
        set(documented) - set(commands),
        BOT_COMMANDS,
    )
    wrong = sorted(
        f"{name}: `{usage}`"
        for name, usages in commands.items()
        for usage in usages
        if f"`{usage}`" not in documented[name]
    )
    assert not wrong, f"{BOT_COMMANDS.relative_to(ROOT)}: write these usage lines: {wrong}"


# -- the plughost command ---------------------------------------------------------------

CLI = REFERENCE / "cli.md"
_CLI_COMMAND = re.compile(r"^`(plughost(?: [\w-]+)*)`$")
_OPTION_ROW = re.compile(r"^\|\s*`-")
_FLAG = re.compile(r"`(-{1,2}[A-Za-z][\w-]*)")


def cli_commands() -> dict[str, tuple[str, set[str]]]:
    """Command path -> (its usage line, its option flags), for the group and every
    command under it, as click would print them."""
    found: dict[str, tuple[str, set[str]]] = {}

    def walk(command: click.Command, ctx: click.Context) -> None:
        usage = " ".join([ctx.command_path, *command.collect_usage_pieces(ctx)])
        flags = {
            flag
            for param in command.params
            if isinstance(param, click.Option)
            for flag in (*param.opts, *param.secondary_opts)
        }
        found[ctx.command_path] = (usage, flags)
        if isinstance(command, click.Group):
            # Through list/get_command: the root group imports its commands on lookup.
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                assert sub is not None, name
                walk(sub, click.Context(sub, info_name=name, parent=ctx))

    # With the group's context settings (-h as well as --help), as a real run has
    # them: click caches each command's help option from the first context it sees.
    walk(cli, click.Context(cli, info_name="plughost", **cli.context_settings))
    return found


def _documented_flags(body: str) -> set[str]:
    return {
        flag
        for line in body.splitlines()
        if _OPTION_ROW.match(line)
        for flag in _FLAG.findall(line.split("|")[1])
    }


def test_every_cli_command_is_documented_with_usage_and_options() -> None:
    commands = cli_commands()
    assert {"plughost run", "plughost cogs install"} <= set(commands)
    documented = {m.group(1): s.body for s in sections(CLI) if (m := _CLI_COMMAND.match(s.title))}
    assert set(documented) == set(commands), _report(
        "the plughost command",
        set(commands) - set(documented),
        set(documented) - set(commands),
        CLI,
    )
    problems = []
    for path, (usage, flags) in sorted(commands.items()):
        body = documented[path]
        if usage not in body.splitlines():
            problems.append(f"{path}: the usage line should read {usage!r}")
        written = _documented_flags(body)
        if written != flags:
            problems.append(
                f"{path}: options documented {sorted(written)}, but the command has {sorted(flags)}"
            )
    assert not problems, f"{CLI.relative_to(ROOT)}: " + "; ".join(problems)


# -- the site ---------------------------------------------------------------------------


def _nav_pages(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, list):
        for item in node:
            yield from _nav_pages(item)
    elif isinstance(node, dict):
        for value in node.values():
            yield from _nav_pages(value)


def test_every_page_is_in_the_nav() -> None:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    nav = set(_nav_pages(config["nav"]))
    pages = {p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md")}
    assert pages - nav == set(), f"add these pages to the nav in mkdocs.yml: {sorted(pages - nav)}"


@pytest.mark.slow
def test_the_site_builds_without_a_warning(tmp_path: Path) -> None:
    site = tmp_path / "site"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{output}"
    assert "WARNING" not in output, output
    assert (site / "index.html").is_file()
    assert (site / "reference" / "api" / "index.html").is_file()


_DOCS_LINK = re.compile(r"\]\((docs/[^)#\s]*)(#[^)\s]*)?\)")


def test_the_readmes_links_to_the_docs_resolve() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    links = _DOCS_LINK.findall(readme)
    assert links, "the README links to no page under docs/"
    broken = sorted({target for target, _ in links if not (ROOT / target).is_file()})
    assert not broken, f"README.md links to missing pages: {broken}"
