"""Real cog distributions for tests: write a project, build and pip-install it into a venv.

The venv sees the site-packages of the interpreter running the tests (a ``.pth``
file adds them after its own), so that plughost (installed editable there),
interactions.py, pip and hatchling are importable without installing anything;
what the tests install goes into the venv only, and disappears with it. Not
``--system-site-packages``: inside a virtualenv that names the *base*
interpreter's site-packages, which have neither plughost nor hatchling.
``--without-pip``: the parent's pip runs fine in the venv and installs into it,
and skipping ensurepip saves ~3 s per venv.

Typical use::

    project = write_cog_project(tmp_path, "phtest-econ", cogs={"econ": "phtest_econ:Econ"},
                                files={"__init__.py": cog_module("Econ")})
    venv.install(project)
    result = venv.run_json("emit(catalog_dict(scan()))")
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import site
import subprocess
import sys
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hatchling.builders.wheel import WheelBuilder

__all__ = ["PRELUDE", "Venv", "build_wheels", "cog_module", "write_cog_project"]

_MARK = "@@json@@ "

PRELUDE = f"""
import dataclasses, json, sys
from plughost.cogs import scan, import_cog, purge_modules, CogImportError

def emit(obj):
    print({_MARK!r} + json.dumps(obj, default=str), flush=True)

def catalog_dict(catalog):
    return {{
        "available": {{n: dataclasses.asdict(i) for n, i in catalog.available.items()}},
        "quarantined": {{n: dataclasses.asdict(q) for n, q in catalog.quarantined.items()}},
    }}

def loaded(*packages):
    return sorted(m for m in sys.modules if m.partition(".")[0] in packages)
"""
"""Defined in every :meth:`Venv.run_json` script: ``emit(obj)`` (the result),
``catalog_dict(catalog)``, ``loaded(*packages)`` (their modules in sys.modules),
and plughost.cogs' ``scan``, ``import_cog``, ``purge_modules``, ``CogImportError``."""


def cog_module(class_name: str, body: str = "", *, header: str = "") -> str:
    """Source of a module defining ``class_name(Cog)``; ``body`` is the class body."""
    body = textwrap.indent(textwrap.dedent(body).strip() or "pass", "    ")
    return (
        "import interactions\n"
        "from plughost.cogs import Cog\n"
        "from plughost.hooks.specs import hookimpl\n"
        f"{textwrap.dedent(header).strip()}\n\n\n"
        f"class {class_name}(Cog):\n"
        f'    """The {class_name} cog."""\n\n'
        f"{body}\n"
    )


def write_cog_project(
    parent: Path,
    dist_name: str,
    *,
    cogs: Mapping[str, str],
    files: Mapping[str, str],
    version: str = "1.0",
    package: str | None = None,
    dependencies: Sequence[str] = ("plughost>=0.1",),
    summary: str = "A test cog.",
    homepage: str | None = None,
) -> Path:
    """Write a hatchling project providing ``cogs`` (entry-point name -> "module:Class").

    ``files`` are paths relative to the package directory (default: the dist name
    with ``-`` as ``_``) -> source. Returns the project directory.
    """
    package = package or dist_name.replace("-", "_")
    root = parent / f"{dist_name}-{version}"
    urls = f'\n[project.urls]\nHomepage = "{homepage}"\n' if homepage else ""
    entry_points = "\n".join(f'{name} = "{value}"' for name, value in cogs.items())
    (root / package).mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        textwrap.dedent(
            f"""\
            [build-system]
            requires = ["hatchling"]
            build-backend = "hatchling.build"

            [project]
            name = "{dist_name}"
            version = "{version}"
            description = "{summary}"
            dependencies = {json.dumps(list(dependencies))}
            """
        )
        + urls
        + f'\n[project.entry-points."plughost.cogs"]\n{entry_points}\n'
        + f'\n[tool.hatch.build.targets.wheel]\npackages = ["{package}"]\n'
        # Editable installs as a plain .pth path entry, which hatchling writes
        # itself; its default needs the `editables` package in the build env.
        + '\n[tool.hatch.build]\ndev-mode-dirs = ["."]\n'
    )
    for relative, source in files.items():
        path = root / package / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source))
    return root


def build_wheels(projects: Iterable[Path], outdir: Path) -> list[Path]:
    """Build the projects' wheels into ``outdir`` (a folder for ``--find-links``).

    In this process, with hatchling's wheel builder: what its PEP 517 hook (and so
    ``pip wheel --no-build-isolation``) runs, with the project root given instead of
    the working directory. A pip process per build cost about a second of CPU.
    """
    built = []
    for project in projects:
        builder = WheelBuilder(str(project))
        built += [Path(w) for w in builder.build(directory=str(outdir), versions=["standard"])]
    return sorted(built)


@dataclass(frozen=True)
class Venv:
    """A throwaway virtual environment that sees the running interpreter's site-packages."""

    path: Path

    @classmethod
    def create(cls, path: Path) -> Venv:
        subprocess.run(
            [sys.executable, "-m", "venv", "--without-pip", str(path)],
            check=True,
        )
        venv = cls(path)
        # addsitedir, not a plain path line: the parent's own .pth files (editable
        # installs among them) must be processed too.
        parents = [*site.getsitepackages(), site.getusersitepackages()]
        lines = "".join(f"import site; site.addsitedir({d!r})\n" for d in parents)
        (venv.site_packages / "_plughost_parent_site.pth").write_text(lines)
        return venv

    @property
    def site_packages(self) -> Path:
        found = sorted((self.path / "lib").glob("python3*/site-packages"))
        return found[0]

    @property
    def python(self) -> Path:
        return self.path / "bin" / "python"

    def pip(self, *args: str) -> None:
        """Run pip in the venv, offline, failing the test with pip's output on error."""
        self._run([str(self.python), "-m", "pip", *args, "--no-index", "-q"])

    def install(self, *projects: Path, editable: bool = False) -> None:
        """Build and install the projects (one pip run), without dependencies."""
        targets: list[str] = []
        for project in projects:
            targets += ["-e", str(project)] if editable else [str(project)]
        self.pip("install", "--no-build-isolation", "--no-deps", *targets)

    def build_wheels(self, projects: Iterable[Path], outdir: Path) -> list[Path]:
        """Build wheels into ``outdir`` (a folder for ``--find-links``): :func:`build_wheels`."""
        return build_wheels(projects, outdir)

    def distributions(self) -> set[str]:
        """Names of the distributions installed in the venv itself (not in the parent's
        site-packages), read here with importlib.metadata: no process to start."""
        found = importlib.metadata.distributions(path=[str(self.site_packages)])
        return {dist.metadata["Name"] for dist in found}

    def uninstall(self, *dist_names: str) -> None:
        self._run([str(self.python), "-m", "pip", "uninstall", "-y", "-q", *dist_names])

    def run_json(self, code: str, *, timeout: float = 120) -> Any:
        """Run ``PRELUDE + code`` in the venv's python; return what it ``emit``-ted."""
        out = self._run([str(self.python), "-c", PRELUDE + textwrap.dedent(code)], timeout)
        for line in reversed(out.splitlines()):
            if line.startswith(_MARK):
                return json.loads(line[len(_MARK) :])
        raise AssertionError(f"the script emitted nothing; its output:\n{out}")

    def _run(self, command: list[str], timeout: float = 300) -> str:
        env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INPUT": "1"}
        env.pop("PYTHONPATH", None)  # the venv must find plughost the way users do
        done = subprocess.run(
            command, capture_output=True, text=True, env=env, timeout=timeout, check=False
        )
        if done.returncode != 0:
            raise AssertionError(
                f"{' '.join(command[:4])} ... failed ({done.returncode}):\n"
                f"{done.stdout}\n{done.stderr}"
            )
        return done.stdout
