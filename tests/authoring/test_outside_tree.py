"""Issue 15, target 2: an author outside the tree, with plughost from a wheel of the clone.

Everything runs as the author would run it, in subprocesses: plughost's wheel is
built from this checkout, a fresh virtual environment (no view of the test
interpreter's site-packages) gets plughost from that wheel and its dependencies
from the package index, and then the commands of the generated project's README
and of its GitHub workflow run in that environment, in a folder outside the
repository. One environment for all the steps: it is the slow part.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml

from plughost._version import __version__
from plughost.scaffold import plughost_range

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def _develop_commands(readme: str) -> list[str]:
    """The command lines of the generated README's "Develop" block, comments cut."""
    block = readme.split("## Develop", 1)[1].split("```", 2)[1]
    return [line.split("#", 1)[0].strip() for line in block.strip().splitlines()]


def _same_step(command: str) -> str:
    """``command`` as it acts in an activated venv: `python -m pip` is `pip`, no `-q`."""
    words = command.removeprefix("python -m pip ").split()
    if command.startswith("python -m pip "):
        words.insert(0, "pip")
    return " ".join(word for word in words if word != "-q")


def _workflow_runs(workflow: dict[str, Any], job: str) -> list[tuple[str, dict[str, str]]]:
    steps = workflow["jobs"][job]["steps"]
    return [(step["run"], step.get("env", {})) for step in steps if "run" in step]


class Author:
    """A shell in the author's activated virtualenv, recording what it ran."""

    def __init__(self, venv: Path, home: Path) -> None:
        self.venv = venv
        self.ran: list[str] = []
        self.env = {
            key: value
            for key, value in os.environ.items()
            # The author's shell knows nothing of the test run or of this checkout.
            if key not in {"PYTHONPATH", "PYTEST_ADDOPTS", "VIRTUAL_ENV", "PYTHONHOME"}
        }
        self.env |= {
            "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}",
            "VIRTUAL_ENV": str(venv),
            "PLUGHOST_HOME": str(home),  # the console's instance folder
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            "PIP_NO_INPUT": "1",
        }

    def run(
        self,
        command: str,
        cwd: Path,
        *,
        stdin: str | None = None,
        env: dict[str, str] | None = None,
    ) -> str:
        self.ran.append(command)
        done = subprocess.run(
            ["bash", "-c", command],
            cwd=cwd,
            env={**self.env, **(env or {})},
            input=stdin,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert done.returncode == 0, f"$ {command}\n{done.stdout}\n{done.stderr}"
        return done.stdout


def test_an_author_outside_the_tree_goes_from_new_cog_to_the_console(tmp_path: Path) -> None:
    # The clone's wheel, as docs/authoring.md says (`python -m build` in the clone).
    wheels = tmp_path / "plughost-wheels"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "-o", str(wheels), str(REPO)],
        check=True,
        capture_output=True,
    )
    (plughost_wheel,) = wheels.glob("plughost-*.whl")
    assert plughost_wheel.name == f"plughost-{__version__}-py3-none-any.whl"

    work = tmp_path / "src"  # the author's folder, outside the repository
    work.mkdir()
    assert not work.is_relative_to(REPO)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    author = Author(venv, tmp_path / "plughost-home")

    # The plughost the author generates with is the one they develop against.
    author.run(f"pip install -q {shlex.quote(str(plughost_wheel))}", work)
    where = author.run("python -c 'import plughost; print(plughost.__file__)'", work)
    assert Path(where.strip()).is_relative_to(venv), where  # the wheel's, not the checkout's
    author.run("plughost new-cog hello", work)
    project = work / "hello"
    readme = (project / "README.md").read_text()
    develop = _develop_commands(readme)
    assert develop[:2] == [
        "python -m venv .venv && . .venv/bin/activate",
        "pip install /path/to/plughost",
    ]
    # The README's remaining steps, verbatim (the venv and plughost are in place).
    assert develop[2:] == [
        "pip install -e '.[test]'",
        "python -m pytest",
        "plughost cogs check hello",
        "plughost console",
    ]
    author.run("pip install -q -e '.[test]'", project)
    tests = author.run("python -m pytest -p no:cacheprovider", project)
    assert "3 passed" in tests, tests
    assert "warning" not in tests.lower(), tests  # interactions.py's filtered as plughost does
    checked = author.run("plughost cogs check hello", project)
    assert f"PASS  plughost range: plughost<1,>=0.1 includes {__version__}" in checked
    assert checked.endswith("all checks passed (1 cog)\n"), checked
    # docs/guide/publishing.md: the project folder checks every cog it declares.
    assert "all checks passed (1 cog)" in author.run("plughost cogs check .", project)
    assert "PLUGHOST_REQUIREMENT" in readme.split("## Publish", 1)[1]
    console = author.run("plughost console", project, stdin="!hello\n/hello\n")
    assert "Hello, alice! That is greeting number 1." in console, console
    assert "That is greeting number 2." in console, console

    # The generated workflow, job by job, with the repository variable it asks for
    # set to the wheel (its `${{ ... }}` expression is what GitHub would evaluate).
    workflow = yaml.safe_load((project / ".github/workflows/publish.yml").read_text())
    test_job = _workflow_runs(workflow, "test")
    assert [run for run, _ in test_job] == [
        'python -m pip install "$PLUGHOST"',
        "python -m pip install -e '.[test]'",
        "python -m pytest -q",
        "plughost cogs check hello",
    ]
    assert test_job[0][1] == {
        "PLUGHOST": f"${{{{ vars.PLUGHOST_REQUIREMENT || 'plughost{plughost_range()}' }}}}"
    }
    # On GitHub the job starts from a fresh runner; here it runs in the venv the
    # README's steps set up, where the steps that are one of those (`python -m pip`
    # is the venv's `pip`, `-q` only quietens) would redo what they did: ~10 s of CPU
    # for nothing to see. The job's own step, plughost from $PLUGHOST, runs.
    done = {_same_step(command) for command in develop}
    ran = []
    for run, _ in test_job:
        if _same_step(run) not in done:
            ran.append(run)
            author.run(run, project, env={"PLUGHOST": str(plughost_wheel)})
    assert ran == ['python -m pip install "$PLUGHOST"']
    for run, env in _workflow_runs(workflow, "build"):
        assert not env
        author.run(run, project)
    built = sorted(p.name for p in (project / "dist").iterdir())
    assert built == ["plughost_hello-0.1.0-py3-none-any.whl", "plughost_hello-0.1.0.tar.gz"]
    wheel = project / "dist" / built[0]
    with zipfile.ZipFile(wheel) as archive:
        assert "plughost_hello/__init__.py" in archive.namelist()
    # The built wheel, as an operator installs it, checks and answers too.
    author.run(f"pip install -q --force-reinstall --no-deps {wheel}", work)
    author.run("plughost cogs check hello", work)
    console = author.run("plughost console", work, stdin="!hello\n")
    assert "That is greeting number" in console, console
