"""Splitting shards between processes, and the rule that keeps SQLite to one process."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

__all__ = ["SQLITE_REFUSAL", "format_shards", "multi_process", "split_shards"]

#: Why an SQLite instance runs as one process only.
SQLITE_REFUSAL: Final = (
    "instance {name!r} keeps its data in SQLite, which one process at a time can use; "
    "run all its shards in one process (`plughost run {name}`), or convert it to "
    "PostgreSQL first (`plughost convert {name} --to postgres --dsn ...`)"
)


def split_shards(total_shards: int, processes: int) -> list[list[int]]:
    """``total_shards`` ids in ``processes`` contiguous groups whose sizes differ by at most one."""
    if processes < 1 or total_shards < processes:
        raise ValueError(f"cannot split {total_shards} shards between {processes} processes")
    size, extra = divmod(total_shards, processes)
    groups, start = [], 0
    for index in range(processes):
        count = size + (1 if index < extra else 0)
        groups.append(list(range(start, start + count)))
        start += count
    return groups


def format_shards(shards: Sequence[int]) -> str:
    """``[0, 1, 2, 5]`` -> ``"0-2,5"`` (the form ``--shards`` reads)."""
    parts: list[str] = []
    ordered = sorted(shards)
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] == ordered[j] + 1:
            j += 1
        parts.append(str(ordered[i]) if i == j else f"{ordered[i]}-{ordered[j]}")
        i = j + 1
    return ",".join(parts)


def multi_process(shard_ids: Sequence[int] | None, total_shards: int | None) -> bool:
    """Whether ``run --shards ... --total-shards ...`` serves only part of the shards.

    Without ``--total-shards`` the count is the highest shard id + 1 (as ``run`` does),
    so ``--shards 1`` alone is shard 1 of 2.
    """
    if not shard_ids:
        return False
    total = total_shards if total_shards is not None else max(shard_ids) + 1
    return set(shard_ids) != set(range(total))
