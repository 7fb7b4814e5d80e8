"""Filling the staging store: Red's documents, verified, then Red core's settings and the cogs'
mappings, then the record of the import.

The staging store starts as a copy of the target instance's data, so that what
is swapped in afterwards is the instance's data plus the import, all verified
before the instance itself is touched.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final, final

from plughost.config import ConfigStore
from plughost.config.documents import MISSING, decode, encode
from plughost.config.keys import encode_parts
from plughost.config.transfer import Checksum, TransferReport
from plughost.hooks.red import RedData
from plughost.importers.red.core import apply_core
from plughost.importers.red.mapping import RedMapper
from plughost.importers.red.model import CORE_COG, CORE_IDENTIFIER
from plughost.importers.red.report import ConfigReport, ImportReport
from plughost.importers.red.rules import RED_PERMISSIONS, apply_rules, known_ids
from plughost.importers.red.scopes import ConfigDocuments

__all__ = [
    "MARKER_KEY",
    "RedImportError",
    "StagingPlan",
    "config_reports",
    "decoded",
    "fill_staging",
]

#: Where the record of a finished import lives (plughost's own namespace).
MARKER_KEY: Final = encode_parts(("plughost.importers.red", "0", "GLOBAL"))


class RedImportError(Exception):
    """The import was refused or failed; the instance is unchanged. One line for people.

    ``has_details``: a traceback behind it was logged (a cog failed, a store broke),
    worth pointing the operator to.
    """

    def __init__(self, message: str, *, has_details: bool = False) -> None:
        super().__init__(message)
        self.has_details = has_details


@final
@dataclass(frozen=True, slots=True)
class StagingPlan:
    """Everything read from Red, ready to be written."""

    origin: str
    configs: list[ConfigDocuments]
    scopes: dict[tuple[str, str], dict[str, Any]]
    """(cog, identifier) -> Red's scopes as given to the cogs (secrets withheld)."""
    custom_groups: dict[tuple[str, str], dict[str, int]]
    actor_id: int


def _checksum(rows: list[tuple[str, str]]) -> TransferReport:
    total = Checksum()
    for key, text in sorted(rows):
        total.add(key, text)
    return total.report()


async def _landed(store: ConfigStore, configs: list[ConfigDocuments]) -> list[tuple[str, str]]:
    """What the store holds under the Red Configs' roots, in key order.

    The staging store is SQLite, which gives back the very text it was given: the
    rows compare exactly (stricter than a checksum, and cheaper than canonical JSON).
    """
    rows: list[tuple[str, str]] = []
    for config in configs:
        rows.extend((str(k), str(t)) for k, t in await store.scan_text(config.root))
    rows.sort()
    return rows


async def fill_staging(
    stage: ConfigStore, plan: StagingPlan, report: ImportReport, *, replace: bool
) -> None:
    """Write the import into ``stage`` (the current store) and verify it; fills ``report``."""
    await _make_room(stage, plan, report.into, replace=replace)
    rows = await _write_red_documents(stage, plan)
    mapper = RedMapper()
    report.problems.extend(mapper.problems)
    await _apply_to_plughost(plan, report, mapper.cog_names)
    await _offer_to_cogs(plan, report, mapper)
    await stage.flush()
    # A cog's mapping writes its own data: Red's documents must still be exactly as sent.
    if await _landed(stage, plan.configs) != rows:
        raise RedImportError("a cog's import_red_data changed Red's own documents; refused")
    # The figure people compare with other tools: as `plughost convert` computes it.
    expected = _checksum(rows)
    record = {
        "origin": plan.origin,
        "at": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "documents": expected.documents,
        "checksum": expected.checksum,
        "configs": [[c.cog_name, c.identifier] for c in plan.configs],
    }
    await stage.insert_rows([(MARKER_KEY, encode(record))])
    await stage.flush()
    report.documents, report.checksum = expected.documents, expected.checksum


async def _make_room(stage: ConfigStore, plan: StagingPlan, into: str, *, replace: bool) -> None:
    """Refuse a second import (unless ``replace``); with it, remove the earlier one's Configs."""
    marker = await stage.read(MARKER_KEY)
    if marker is not MISSING and not replace:
        raise RedImportError(
            f"instance {into!r} already holds a Red import (from {marker.get('origin')},"
            f" {marker.get('at')}); pass --replace to import again over it"
        )
    roots = [c.root for c in plan.configs]
    if marker is not MISSING:
        roots += [encode_parts((str(c), str(i))) for c, i in marker.get("configs", [])]
    for config in plan.configs:
        if not replace and await stage.scan_text(config.root):
            raise RedImportError(
                f"instance {into!r} already has data of {config.cog_name}"
                f" {config.identifier}; pass --replace to overwrite it"
            )
    for root in sorted(set(roots)):
        await stage.delete_prefix(root)


async def _write_red_documents(stage: ConfigStore, plan: StagingPlan) -> list[tuple[str, str]]:
    """Every Red document, written and read back; the rows, in key order."""
    rows = sorted(row for config in plan.configs for row in config.rows)
    for start in range(0, len(rows), 1000):
        await stage.insert_rows(rows[start : start + 1000])
    await stage.flush()
    if (landed := await _landed(stage, plan.configs)) != rows:
        raise RedImportError(
            f"verification failed: {len(rows)} Red documents sent,"
            f" {len(landed)} stored (or different content)"
        )
    return rows


async def _apply_to_plughost(
    plan: StagingPlan, report: ImportReport, cogs: tuple[str, ...]
) -> None:
    """Red core's settings and the Permissions cog's rules onto plughost's own parts."""
    outcome = await apply_core(
        plan.scopes.get((CORE_COG, CORE_IDENTIFIER), {}), actor_id=plan.actor_id
    )
    report.core_applied, report.core_unapplied = outcome.applied, outcome.unapplied
    if RED_PERMISSIONS not in plan.scopes:
        return
    data = RedData(
        *RED_PERMISSIONS,
        plan.scopes[RED_PERMISSIONS],
        plan.custom_groups.get(RED_PERMISSIONS, {}),
    )
    ruled = await apply_rules(data, known_ids(plan.scopes.values()), cogs, actor_id=plan.actor_id)
    report.core_applied.extend(ruled.applied)
    report.core_unapplied.extend(ruled.unapplied)


async def _offer_to_cogs(plan: StagingPlan, report: ImportReport, mapper: RedMapper) -> None:
    """Every Red Config to the installed cogs' ``import_red_data``; any failure fails all."""
    by_config = {(c.cog_name, c.identifier): c for c in report.configs}
    errors: list[str] = []
    for (cog, identifier), scopes in plan.scopes.items():
        data = RedData(cog, identifier, scopes, plan.custom_groups.get((cog, identifier), {}))
        mapped = await mapper.offer(data)
        by_config[cog, identifier].mapped = [(m.cog, m.result) for m in mapped.answers]
        errors.extend(mapped.errors)
    if errors:
        report.problems.extend(errors)
        raise RedImportError("; ".join(errors), has_details=True)


def config_reports(plan: StagingPlan) -> list[ConfigReport]:
    """The report's entry for each Red Config, before anything is written."""
    return [
        ConfigReport(
            c.cog_name, c.identifier, len(c.rows), dict(c.per_scope), c.empty, list(c.skipped)
        )
        for c in plan.configs
    ]


def decoded(rows: list[tuple[str, str]]) -> list[tuple[str, Any, str]]:
    """``(key, value, text)`` rows, as ``ConfigStore.replace_prefix`` takes them."""
    return [(key, decode(text), text) for key, text in rows]
