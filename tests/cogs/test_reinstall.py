"""Installing, upgrading and editable-installing while running: the new code is what loads."""

from __future__ import annotations

from pathlib import Path

import pytest

from .dists import Venv, cog_module, write_cog_project

pytestmark = pytest.mark.slow

SCRIPT = """
import subprocess
from plughost.cogs import cog_packages

def pip_install(*args):
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-index", "--no-deps",
                    "--no-build-isolation", "--disable-pip-version-check", *args], check=True)

def version_of(name, refresh=True):
    info = scan(refresh=refresh).available[name]
    return info, import_cog(info).VERSION

out = {}
info, out["before"] = version_of("up_cog")
pip_install(%(upgrade)r)
info, out["upgraded_without_purge"] = version_of("up_cog")
out["dist_version"] = info.version
purge_modules(*cog_packages(info))
info, out["upgraded_after_purge"] = version_of("up_cog")

pip_install("-e", %(editable)r)
try:
    version_of("edit_cog", refresh=False)
    out["editable_without_refresh"] = "imported"
except CogImportError as exc:
    out["editable_without_refresh"] = exc.quarantine.kind
info, out["editable_after_refresh"] = version_of("edit_cog")
emit(out)
"""


def _project(tmp_path: Path, dist: str, cog: str, version: str) -> Path:
    package = dist.replace("-", "_")
    return write_cog_project(
        tmp_path / version,
        dist,
        version=version,
        cogs={cog: f"{package}.cog:Cog_"},
        files={"__init__.py": "", "cog.py": cog_module("Cog_", f"VERSION = {version!r}")},
    )


def test_upgrades_load_fresh_after_a_purge_and_editable_installs_after_a_refresh(
    cog_venv: Venv, tmp_path: Path
) -> None:
    cog_venv.install(_project(tmp_path, "phtest-up", "up_cog", "1.0"))
    upgrade = _project(tmp_path, "phtest-up", "up_cog", "2.0")
    editable = _project(tmp_path, "phtest-edit", "edit_cog", "0.1")

    result = cog_venv.run_json(SCRIPT % {"upgrade": str(upgrade), "editable": str(editable)})

    assert result == {
        "before": "1.0",
        "dist_version": "2.0",
        # The metadata changes at once; the imported module does not...
        "upgraded_without_purge": "1.0",
        # ...until it is purged.
        "upgraded_after_purge": "2.0",
        # An editable install's .pth is only read at startup, or by a refresh.
        "editable_without_refresh": "import-error",
        "editable_after_refresh": "0.1",
    }
