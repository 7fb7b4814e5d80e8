"""`plughost cogs check`: each problem an author can ship gets a FAIL line naming it."""

from __future__ import annotations

from pathlib import Path

import pytest
from cogs.dists import Venv, cog_module, write_cog_project

from .conftest import run_in

STATEMENT = 'end_user_data_statement = "Stores nothing about users."'

# The cogs below are installed into the session venv under names of their own.
_BROKEN = {
    "phchk_silent": ("Silent", "", "pass"),
    "phchk_misspelt": (
        "Misspelt",
        "",
        f"""
        {STATEMENT}

        @hookimpl
        async def cog_unlaod(self):
            pass
        """,
    ),
    "phchk_listener": (
        "Listener",
        "",
        f"""
        {STATEMENT}

        @hookimpl
        async def cog_load(self):
            # Registered by hand: plughost cannot know to remove it.
            self.bot.add_listener(interactions.Listener.create("message_create")(self.heard))

        async def heard(self, event):
            pass
        """,
    ),
    "phchk_task": (
        "Spinner",
        "import asyncio",
        f"""
        {STATEMENT}

        @hookimpl
        async def cog_load(self):
            self.spinning = asyncio.create_task(self.spin(), name="spinner")

        async def spin(self):
            await asyncio.Event().wait()
        """,
    ),
}


@pytest.fixture(scope="module")
def broken(author_venv: Venv, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Install the broken cogs (one distribution) and an out-of-range one; return the
    broken distribution's project folder."""
    parent = tmp_path_factory.mktemp("check-projects")
    files = {
        f"{name}.py": cog_module(cls, body, header=header)
        for name, (cls, header, body) in _BROKEN.items()
    }
    project = write_cog_project(
        parent,
        "phchk-broken",
        cogs={name: f"phchk_broken.{name}:{cls}" for name, (cls, _, _) in _BROKEN.items()},
        files={"__init__.py": "", **files},
        dependencies=["plughost>=0.1,<1"],
    )
    old = write_cog_project(
        parent,
        "phchk-old",
        cogs={"phchk_old": "phchk_old:Old"},
        files={"__init__.py": cog_module("Old", STATEMENT)},
        dependencies=["plughost>=5,<6"],
    )
    author_venv.install(project, old)
    return project


def check(venv: Venv, target: str) -> tuple[int, list[str]]:
    done = run_in(venv, "-m", "plughost", "cogs", "check", target)
    return done.returncode, (done.stdout + done.stderr).splitlines()


def lines_of(output: list[str], cog: str) -> list[str]:
    start = output.index(f"checking cog {cog!r}")
    block = []
    for line in output[start + 1 :]:
        if not line.startswith("  "):
            break
        block.append(line.strip())
    return block


@pytest.mark.slow
def test_a_project_path_checks_each_of_its_cogs_and_names_every_problem(
    author_venv: Venv, broken: Path
) -> None:
    code, output = check(author_venv, str(broken))
    assert code == 1
    assert output[-1] == "error: 4 of 4 cogs failed the check"

    silent = lines_of(output, "phchk_silent")
    assert any(
        line.startswith("FAIL  data statement: no end_user_data_statement") for line in silent
    )
    assert silent[-1] == "SKIP  load and unload: fix the failures above first"

    misspelt = lines_of(output, "phchk_misspelt")
    assert (
        "FAIL  hooks: method 'cog_unlaod': there is no hook named 'cog_unlaod' "
        "(did you mean 'cog_unload'?); the hooks are listed in plughost.hooks.specs"
    ) in misspelt

    listener = lines_of(output, "phchk_listener")
    loaded = "loaded (1 listeners, 1 extensions, 2 hook registrations) and unloaded"
    assert f"PASS  load and unload: {loaded}" in listener
    leftover = "listeners after unload: message_create -> Listener.heard"
    assert f"FAIL  left behind: {leftover}" in listener

    task = lines_of(output, "phchk_task")
    assert "FAIL  left behind: tasks after unload: task spinner (Spinner.spin)" in task
    assert [line for line in task if line.startswith("FAIL")] == [
        "FAIL  left behind: tasks after unload: task spinner (Spinner.spin)"
    ]


@pytest.mark.slow
def test_an_incompatible_range_fails_by_name(author_venv: Venv, broken: Path) -> None:
    code, output = check(author_venv, "phchk_old")
    assert code == 1
    assert any(
        line.strip().startswith("FAIL  plughost range: requires plughost<6,>=5, but plughost")
        for line in output
    ), output


def test_a_cog_that_is_not_installed_says_how_to_install_it(author_venv: Venv) -> None:
    code, output = check(author_venv, "phchk_nowhere")
    assert code == 1
    assert "FAIL  installed: no installed cog 'phchk_nowhere'" in output[1]
    assert "pip install -e PATH" in output[1]


def test_a_folder_without_a_pyproject_is_one_error_line(author_venv: Venv, tmp_path: Path) -> None:
    code, output = check(author_venv, str(tmp_path))
    assert code == 1
    assert output == [
        f"error: cannot read {tmp_path / 'pyproject.toml'}: "
        f"[Errno 2] No such file or directory: '{tmp_path / 'pyproject.toml'}'"
    ]
