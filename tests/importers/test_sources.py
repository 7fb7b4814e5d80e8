"""The three ways to name a Red instance: its data folder, a backup tarball, its registered name."""

from __future__ import annotations

import json
import tarfile
from collections.abc import Callable
from pathlib import Path

import pytest

from plughost import instances as inst
from plughost.config import Config, connect
from plughost.importers.red import RedSourceError, open_source, registry_file

from .red import DOCUMENTS, GUILD

Run = Callable[..., tuple[int, str]]


def _backup(data: Path, dest: Path, entry: dict[str, object]) -> Path:
    """A tarball laid out as `redbot-setup backup` writes one: paths relative to the data
    folder, plus instance.json (the instance's registry entry)."""
    (data / "instance.json").write_text(json.dumps({"mybot": entry}, indent=4))
    tarball = dest / "redv3_mybot_2026-12-03T10-00-00.tar.gz"
    with tarfile.open(tarball, "w:gz") as tar:
        for path in sorted(data.glob("**/*")):
            if path.is_file():
                tar.add(path, arcname=str(path.relative_to(data)), recursive=False)
    return tarball


async def _note_text(dsn: str) -> str:
    async with connect(dsn):
        conf = Config.get_conf(None, identifier=2711, cog_name="Notes")
        conf.init_custom("NOTE", 2)
        text: str = await conf.custom("NOTE", GUILD, 1).text()
        return text


async def test_a_backup_tarball_imports_like_its_folder(
    home: Path, red_folder: Path, tmp_path: Path, run_cli: Run
) -> None:
    entry = {"DATA_PATH": "/gone", "COG_PATH_APPEND": "cogs", "CORE_PATH_APPEND": "core"}
    tarball = _backup(red_folder, tmp_path, {**entry, "STORAGE_TYPE": "JSON"})
    code, out = run_cli("import-red", str(tarball), "--into", "bot")
    assert code == 0, out
    assert out.splitlines()[0] == f"{tarball} -> instance 'bot'"
    assert f"{DOCUMENTS} Red document(s) imported and verified" in out
    assert await _note_text(inst.load("bot").dsn) == "first"


def test_a_backup_with_other_folder_names(red_folder: Path, tmp_path: Path) -> None:
    (red_folder / "cogs").rename(red_folder / "extensions")
    entry = {"DATA_PATH": "/gone", "COG_PATH_APPEND": "extensions", "CORE_PATH_APPEND": "core"}
    red = open_source(str(_backup(red_folder, tmp_path, entry)), None)
    assert sorted(red.cogs) == ["Bank", "Core", "ModLog", "Notes", "Permissions"]


def test_a_tarball_escaping_its_folder_is_refused(tmp_path: Path) -> None:
    evil = tmp_path / "evil.tar"
    payload = tmp_path / "payload"
    payload.write_text("{}")
    with tarfile.open(evil, "w") as tar:
        tar.add(payload, arcname="../outside.json")
    with pytest.raises(RedSourceError, match="cannot unpack"):
        open_source(str(evil), None)
    assert not (tmp_path.parent / "outside.json").exists()


async def test_a_registered_instance_is_found_through_reds_registry(
    home: Path, red_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Run
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    registry = registry_file()
    assert registry == tmp_path / "config" / "Red-DiscordBot" / "config.json"
    registry.parent.mkdir(parents=True)
    registry.write_text(
        json.dumps(
            {
                "mybot": {
                    "DATA_PATH": str(red_folder),
                    "COG_PATH_APPEND": "cogs",
                    "CORE_PATH_APPEND": "core",
                    "STORAGE_TYPE": "JSON",
                    "STORAGE_DETAILS": {},
                },
                "mongobot": {"DATA_PATH": "/x", "STORAGE_TYPE": "MongoDBV2"},
            },
            indent=4,
        )
    )
    code, out = run_cli("import-red", "--instance", "mybot", "--into", "bot")
    assert code == 0, out
    assert out.splitlines()[0] == f"Red instance 'mybot' ({red_folder}) -> instance 'bot'"
    assert await _note_text(inst.load("bot").dsn) == "first"

    code, out = run_cli("import-red", "--instance", "nobot", "--into", "other")
    assert code == 1
    assert "no Red instance 'nobot'" in out
    assert "(it has: mongobot, mybot)" in out
    code, out = run_cli("import-red", "--instance", "mongobot", "--into", "other")
    assert code == 1
    assert "uses the MongoDBV2 backend" in out
    assert "redbot-setup backup mongobot" in out
