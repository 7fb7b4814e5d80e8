"""`plughost new-cog`: the project it writes installs, passes its own tests, builds, and checks."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from cogs.dists import Venv

from plughost._version import __version__
from plughost.cli import cli
from plughost.scaffold import plughost_range

from .conftest import run_in


def new_cog(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["new-cog", *args])
    return result.exit_code, result.output


@pytest.mark.parametrize("name", ["Hello", "9lives", "hello-world", "x" * 33, "class", "core", ""])
def test_bad_names_are_refused_in_one_line(tmp_path: Path, name: str) -> None:
    code, output = new_cog(name, "--path", str(tmp_path))
    assert code != 0
    assert output.startswith("error: ")
    assert output.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_an_existing_folder_is_never_overwritten(tmp_path: Path) -> None:
    (tmp_path / "hello").mkdir()
    (tmp_path / "hello" / "mine.txt").write_text("keep")
    code, output = new_cog("hello", "--path", str(tmp_path))
    assert code != 0
    assert output == f"error: {tmp_path / 'hello'} already exists; choose another name or --path\n"
    assert [p.name for p in (tmp_path / "hello").iterdir()] == ["mine.txt"]


def test_the_requirement_follows_the_running_version() -> None:
    assert plughost_range("0.1.0") == ">=0.1,<1"
    assert plughost_range("0.4.2") == ">=0.4,<1"
    assert plughost_range("1.2") == ">=1.2,<2"


def test_the_project_has_every_file_and_passes_ruff(tmp_path: Path) -> None:
    code, output = new_cog("daily_quote", "--path", str(tmp_path))
    assert code == 0, output
    root = tmp_path / "daily_quote"
    files = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
    assert files == [
        ".github/workflows/publish.yml",
        ".gitignore",
        "LICENSE",
        "README.md",
        "pyproject.toml",
        "src/plughost_daily_quote/__init__.py",
        "src/plughost_daily_quote/locales/README.md",
        "tests/conftest.py",
        "tests/test_daily_quote.py",
    ]
    pyproject = (root / "pyproject.toml").read_text()
    assert f'dependencies = ["plughost{plughost_range()}"]' in pyproject
    assert 'daily_quote = "plughost_daily_quote:DailyQuote"' in pyproject
    assert 'asyncio_mode = "auto"' in pyproject
    # Issue 15, item 2: interactions.py's DeprecationWarnings filtered as plughost does.
    assert '"ignore::DeprecationWarning:interactions.*"' in pyproject
    workflow = (root / ".github/workflows/publish.yml").read_text()
    assert "id-token: write" in workflow
    assert "pypa/gh-action-pypi-publish" in workflow
    # plughost is not on PyPI yet: the workflow installs it first, from where the
    # repository variable says (a wheel URL or a git URL), before the cog.
    plughost_step = workflow.index('python -m pip install "$PLUGHOST"')
    assert plughost_step < workflow.index("python -m pip install -e '.[test]'")
    assert f"vars.PLUGHOST_REQUIREMENT || 'plughost{plughost_range()}'" in workflow
    readme = (root / "README.md").read_text()
    assert readme.index("pip install /path/to/plughost") < readme.index("pip install -e '.[test]'")
    assert "Copyright (c)" in (root / "LICENSE").read_text()
    for ruff in (["check"], ["format", "--check"]):
        # cwd: ruff tells first-party imports by the folder it runs in.
        done = run_in(Venv(Path(sys.prefix)), "-m", "ruff", *ruff, "--isolated", ".", cwd=root)
        assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.slow
def test_a_new_cog_installs_passes_its_tests_builds_and_checks(
    tmp_path: Path, author_venv: Venv
) -> None:
    code, output = new_cog("hello", "--path", str(tmp_path))
    assert code == 0, output
    project = tmp_path / "hello"

    author_venv.install(project, editable=True)
    tests = run_in(author_venv, "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=project)
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert "3 passed" in tests.stdout
    assert "DeprecationWarning" not in tests.stdout  # the scaffold's filter holds

    # As an author publishes: `python -m build`, in its isolated build environment
    # (it fetches hatchling from the package index, as on the author's machine).
    built = run_in(
        author_venv, "-m", "build", "--wheel", "-o", str(tmp_path / "wheels"), cwd=project
    )
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = (tmp_path / "wheels").glob("*.whl")
    assert wheel.name == "plughost_hello-0.1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        entry_points = archive.read("plughost_hello-0.1.0.dist-info/entry_points.txt").decode()
    assert "plughost_hello/__init__.py" in names
    assert "plughost_hello-0.1.0.dist-info/licenses/LICENSE" in names
    assert "hello = plughost_hello:Hello" in entry_points.replace('"', "")

    # The wheel in a fresh environment beside plughost, as an operator would have it.
    fresh = Venv.create(tmp_path / "fresh")
    fresh.pip("install", "--no-deps", str(wheel))
    listed = run_in(fresh, "-m", "plughost", "cogs", "list")
    assert "hello  plughost-hello 0.1.0" in listed.stdout, listed.stdout + listed.stderr
    checked = run_in(fresh, "-m", "plughost", "cogs", "check", "hello")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "FAIL" not in checked.stdout
    assert f"PASS  plughost range: plughost<1,>=0.1 includes {__version__}" in checked.stdout
    assert "PASS  left behind: nothing" in checked.stdout
    assert checked.stdout.endswith("all checks passed (1 cog)\n")
    # ... and it answers in the console, which loads every installed cog.
    console = subprocess.run(
        [str(fresh.python), "-m", "plughost", "console"],
        input="!hello\n/hello\n",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert console.returncode == 0, console.stdout + console.stderr
    assert console.stdout.count("That is greeting number") == 2, console.stdout
