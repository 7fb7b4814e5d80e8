"""The shape of the library: layers, typed wiring, no hidden state on the dispatch path."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import plughost

ROOT = Path(plughost.__file__).parent

#: The packages an event passes through on its way from the gateway to a reply.
DISPATCH_PATH = (
    "runtime",
    "permissions",
    "i18n",
    "commands",
    "cogs",
    "hooks",
    "core",
    "checks.py",
)

#: Module-level names on the dispatch path that hold state, each with the reason it is
#: safe. A context variable is per task (per invocation), not shared.
ALLOWED_STATE = {
    "cogs/changes.py:_remote": "context variable: marks the task applying a remote change",
    "cogs/cog.py:_LOADING_AS": "context variable: the name a cog is being built under",
    "i18n/locale.py:_LOCALE": "context variable: the locale of the invocation served",
    "runtime/tracking.py:_current": "context variable: the event whose work a task is",
}

_MUTABLE_CALLS = re.compile(
    r"^(dict|list|set|defaultdict|OrderedDict|deque|Counter|"
    r"weakref\.\w+|WeakKeyDictionary|WeakValueDictionary|WeakSet|"
    r"contextvars\.ContextVar|ContextVar)\("
)


def _dispatch_modules() -> list[Path]:
    found: list[Path] = []
    for part in DISPATCH_PATH:
        path = ROOT / part
        found += [path] if path.is_file() else sorted(path.rglob("*.py"))
    return found


def _module_state(path: Path, root: Path = ROOT) -> list[str]:
    """Module-level names bound to a mutable container (or a context variable)."""
    names = []
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign):
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        name = ast.unparse(target)
        if name == "__all__":
            continue
        mutable = isinstance(value, ast.Dict | ast.List | ast.Set | ast.ListComp | ast.DictComp)
        if mutable or _MUTABLE_CALLS.match(ast.unparse(value)):
            names.append(f"{path.relative_to(root).as_posix()}:{name}")
    return names


def test_no_module_level_mutable_state_on_the_dispatch_path() -> None:
    found = {name for path in _dispatch_modules() for name in _module_state(path)}
    assert found - ALLOWED_STATE.keys() == set(), "module state on the dispatch path"
    assert ALLOWED_STATE.keys() <= found, "stale entries in ALLOWED_STATE"


def test_the_scan_sees_a_module_level_table(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("import weakref\n_SEEN = {}\n_REFS = weakref.WeakKeyDictionary()\nOK = 1\n")
    assert _module_state(module, tmp_path) == ["m.py:_SEEN", "m.py:_REFS"]


def test_no_part_of_the_bot_is_looked_up_by_name() -> None:
    probe = re.compile(r"getattr\((self\.|ctx\.|cog\.|self\.cog\.)?(bot|client|_bot)\b\s*,")
    hits = [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
        for path in sorted(ROOT.rglob("*.py"))
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if probe.search(line)
    ]
    assert hits == []


def test_every_bot_offers_the_parts_it_is_described_with() -> None:
    from plughost.runtime.bot import Bot
    from plughost.runtime.parts import RunningBot, running_bot_of

    bot = Bot()
    assert isinstance(bot, RunningBot)
    assert running_bot_of(bot) is bot
    assert bot.chain_check.chain is bot.permission_chain
    assert bot.permission_store is not None
    assert bot.permission_chain.state is bot.permission_store.state


def test_the_import_contracts_hold() -> None:
    """Layers import downwards only (pyproject.toml's import-linter contracts)."""
    lint = Path(sys.executable).with_name("lint-imports")
    if not lint.exists():
        pytest.fail("import-linter is a test dependency: pip install -e '.[test]'")
    result = subprocess.run(
        [str(lint), "--no-cache"], capture_output=True, text=True, cwd=ROOT.parent, check=False
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 broken" in result.stdout


def test_a_back_edge_breaks_the_contracts(tmp_path: Path) -> None:
    """The contracts can fail: a config module importing the runtime breaks them."""
    tree = tmp_path / "tree"
    shutil.copytree(ROOT, tree / "plughost", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT.parent / "pyproject.toml", tree / "pyproject.toml")
    bad = tree / "plughost" / "config" / "backedge.py"
    bad.write_text("from plughost.runtime import bot\n")
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint), "--no-cache"],
        capture_output=True,
        text=True,
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert result.returncode != 0
    assert "plughost.config.backedge -> plughost.runtime.bot" in result.stdout
