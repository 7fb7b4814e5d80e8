"""An SQLite instance runs as one process: `cluster`, and `run` of part of the shards, refuse."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from plughost.cli import cli
from plughost.cluster.shards import format_shards, multi_process, split_shards
from plughost.instances import create


@pytest.fixture
def sqlite_instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("PLUGHOST_HOME", str(tmp_path))
    create("solo", backend="sqlite", dsn=None, prefix="!", owners=(), token=None)
    return "solo"


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), standalone_mode=False)
    return int(result.return_value or 0), result.output


@pytest.mark.parametrize(
    "args",
    [
        ["cluster", "solo", "--processes", "2", "--total-shards", "4"],
        ["run", "solo", "--shards", "0-1", "--total-shards", "4", "--discord-url", "http://x"],
        ["run", "solo", "--shards", "1", "--discord-url", "http://x"],
    ],
)
def test_sqlite_refuses_multi_process_mode(sqlite_instance: str, args: list[str]) -> None:
    code, output = _run(*args)
    assert code == 1
    lines = output.strip().splitlines()
    assert len(lines) == 1, output
    assert lines[0].startswith("error: instance 'solo' keeps its data in SQLite")
    assert "plughost convert solo --to postgres" in lines[0]
    assert "Traceback" not in output


def test_status_of_an_sqlite_instance_explains(sqlite_instance: str) -> None:
    code, output = _run("status", "solo")
    assert code == 1
    assert output.startswith("error: instance 'solo' uses SQLite and runs as one process")


def test_cluster_needs_a_shard_per_process(sqlite_instance: str) -> None:
    code, output = _run("cluster", "solo", "--processes", "3", "--total-shards", "2")
    assert code != 0
    assert output.startswith("error:")


def test_splitting_shards_between_processes() -> None:
    assert split_shards(16, 4) == [list(range(i, i + 4)) for i in (0, 4, 8, 12)]
    assert split_shards(5, 2) == [[0, 1, 2], [3, 4]]
    assert [format_shards(g) for g in split_shards(7, 3)] == ["0-2", "3-4", "5-6"]
    assert format_shards([5, 0, 1, 2, 7, 8]) == "0-2,5,7-8"
    with pytest.raises(ValueError, match="cannot split 2 shards between 3 processes"):
        split_shards(2, 3)
    assert multi_process([0, 1], 4)
    assert not multi_process([0, 1, 2, 3], 4)
    assert not multi_process(None, None)
    assert not multi_process([0], None)
    assert multi_process([1], None)
