"""``import_red``: a Red instance into a plughost instance, staged, verified, then swapped in.

The import is built in a staging SQLite store that starts as a copy of the target
instance's data; only when every step and the verification succeeded is it
swapped in, so a failure anywhere leaves the instance as it was:

* an SQLite instance: the instance lock is held from the copy to the swap (the
  bot cannot start meanwhile, nor may it be running), and the staging file
  replaces the database file by rename;
* a PostgreSQL instance: the staged documents replace the instance's in one
  transaction, then the instance is read back and checked (the CLI refuses while
  a shard process has a live heartbeat: it would keep writing to what is replaced).

A dry run does everything except the swap (the cogs' mappings run too), so its
report is what the import would do; it takes no lock, so it works beside a
running bot. An instance that does not exist yet is created (SQLite), and removed
again if the import fails.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Final

from plughost.config import ConfigStore, StoreLockedError
from plughost.config.backends.filelock import InstanceLock
from plughost.config.connection import connect
from plughost.config.transfer import checksum
from plughost.importers.red.core import InstanceSettings, instance_settings, withhold_secrets
from plughost.importers.red.model import CORE_COG, CORE_IDENTIFIER, RedInstance
from plughost.importers.red.report import ImportReport
from plughost.importers.red.scopes import documents_of
from plughost.importers.red.staging import (
    RedImportError,
    StagingPlan,
    config_reports,
    decoded,
    fill_staging,
)
from plughost.instances import (
    Instance,
    InstanceError,
    Settings,
    create,
    delete,
    edit,
    instance_names,
    load,
    redact_dsn,
    validate_name,
)
from plughost.instances.postgres import run_to_completion

__all__ = ["import_red", "plan_of"]

_STAGING: Final = ".red-import-"


def plan_of(red: RedInstance, *, with_secrets: bool) -> tuple[StagingPlan, int]:
    """What to write, from what was read; and how many secrets were withheld."""
    scopes: dict[tuple[str, str], dict[str, object]] = {}
    withheld = 0
    for cog_name, identifiers in sorted(red.cogs.items()):
        for identifier, stored in sorted(identifiers.items()):
            data = dict(stored)
            if (cog_name, identifier) == (CORE_COG, CORE_IDENTIFIER):
                data, withheld = withhold_secrets(data, with_secrets)
            scopes[cog_name, identifier] = data
    groups = {key: red.custom_groups(*key) for key in scopes}
    configs = [documents_of(c, i, dict(s), groups[c, i]) for (c, i), s in scopes.items()]
    owner = instance_settings(dict(red.core), False).owner
    plan = StagingPlan(red.origin, configs, scopes, groups, owner or 0)
    return plan, withheld


def import_red(
    red: RedInstance, into: str, *, dry_run: bool, with_secrets: bool, replace: bool
) -> ImportReport:
    """Import ``red`` into instance ``into``; the report says what was (or would be) done."""
    plan, withheld = plan_of(red, with_secrets=with_secrets)
    report = ImportReport(red.origin, into, dry_run, config_reports(plan))
    report.secrets_withheld = withheld
    report.unreadable = list(red.unreadable)
    wanted = instance_settings(dict(red.core), with_secrets)
    _note_settings(report, wanted)
    exists = validate_name(into) in instance_names()
    if dry_run:
        _dry_run(load(into) if exists else None, plan, report, replace)
    elif not exists:
        # Red's settings are checked by create(), before anything is written.
        owners = () if wanted.owner is None else (wanted.owner,)
        instance = create(into, prefix=wanted.prefix or "!", owners=owners, token=wanted.token)
        try:
            _import_into(instance, plan, report, replace=replace)
        except BaseException:
            delete(into, backup=False)
            raise
    else:
        instance = load(into)
        settings = _settings_for(instance, wanted)  # validated before any change
        _import_into(instance, plan, report, replace=replace)
        if settings is not None:
            edit(into, prefix=settings.prefix, owners=settings.owners, token=settings.token)
    return report


def _owners(existing: tuple[int, ...], wanted: InstanceSettings) -> tuple[int, ...]:
    if wanted.owner is None or wanted.owner in existing:
        return existing
    return (*existing, wanted.owner)


def _settings_for(instance: Instance, wanted: InstanceSettings) -> Settings | None:
    """The instance's settings with Red's prefix, owner and token; None if nothing changes.

    Built (so validated) before the import, so that a Red value plughost refuses
    fails the import before anything is changed.
    """
    old = instance.settings
    new = dataclasses.replace(
        old,
        prefix=wanted.prefix or old.prefix,
        owners=_owners(old.owners, wanted),
        token=wanted.token or old.token,
    )
    return None if new == old else new


def _note_settings(report: ImportReport, wanted: InstanceSettings) -> None:
    if wanted.prefix is not None:
        report.settings.append(f"prefix {wanted.prefix!r}")
    if wanted.owner is not None:
        report.settings.append(f"owner {wanted.owner}")
    if wanted.token is not None:
        report.settings.append("bot token")


def _dry_run(
    instance: Instance | None, plan: StagingPlan, report: ImportReport, replace: bool
) -> None:
    """Everything but the swap: staged from a copy of the instance (or from nothing)."""
    if instance is None:
        with _staging_file(Path(tempfile.gettempdir())) as staging:
            run_to_completion(_fill_file(staging, None, plan, report, replace))
        return
    database = instance.sqlite_path
    if database is not None:
        # No lock: a dry run may look while the bot runs; SQLite's backup is a
        # consistent copy even while the bot writes.
        with _file_errors(), _staging_file(database.parent) as staging:
            _copy_sqlite(database, staging)
            run_to_completion(_fill_file(staging, None, plan, report, replace))
        return
    with _staging_file(Path(tempfile.gettempdir())) as staging:
        run_to_completion(_fill_file(staging, instance.dsn, plan, report, replace, swap=False))


def _import_into(
    instance: Instance, plan: StagingPlan, report: ImportReport, *, replace: bool
) -> None:
    database = instance.sqlite_path
    if database is not None:
        with _file_errors(), _locked(database), _staging_file(database.parent) as staging:
            _copy_sqlite(database, staging)
            run_to_completion(_fill_file(staging, None, plan, report, replace))
            _leave_wal(staging)
            for suffix in ("-wal", "-shm"):
                # Stale journal files of the old database must not be replayed on the new one.
                with contextlib.suppress(FileNotFoundError):
                    os.remove(f"{database}{suffix}")
            os.replace(staging, database)
    else:
        with _staging_file(Path(tempfile.gettempdir())) as staging:
            run_to_completion(_fill_file(staging, instance.dsn, plan, report, replace, swap=True))


async def _fill_file(
    staging: Path,
    dsn: str | None,
    plan: StagingPlan,
    report: ImportReport,
    replace: bool,
    *,
    swap: bool = False,
) -> None:
    """Stage the import in ``staging``; with a PostgreSQL ``dsn``, copy from it first and
    (``swap``) replace its documents with the staged ones."""
    try:
        if dsn is None:
            async with connect(f"sqlite://{staging}") as stage:
                await fill_staging(stage, plan, report, replace=replace)
            return
        async with connect(dsn) as target, connect(f"sqlite://{staging}") as stage:
            before: list[tuple[str, str]] = []
            async for batch in target.iter_rows():
                await stage.insert_rows(batch)
                before.extend(batch)
            await fill_staging(stage, plan, report, replace=replace)
            if swap:
                await _swap(stage, target, before)
    except (RedImportError, InstanceError):
        raise
    except Exception as exc:  # stores and drivers: one line, the DSN's password hidden
        message = f"{type(exc).__name__}: {exc}"
        if dsn is not None:
            message = message.replace(dsn, redact_dsn(dsn))
        raise RedImportError(
            f"import failed, the instance is unchanged: {message}", has_details=True
        ) from exc


async def _swap(stage: ConfigStore, target: ConfigStore, before: list[tuple[str, str]]) -> None:
    """Replace the target's documents with the staged ones (one transaction), and check.

    The check reads the committed data back; should it ever differ, ``before`` (the
    target's documents as they were) is put back the same way before raising.
    """
    rows: list[tuple[str, str]] = []
    async for batch in stage.iter_rows():
        rows.extend(batch)
    expected = await checksum(stage)
    await target.replace_prefix("", decoded(rows))  # one transaction on PostgreSQL
    await target.flush()
    landed = await checksum(target)
    if landed != expected:
        await target.replace_prefix("", decoded(before))
        raise RedImportError(
            f"the instance held {landed.documents} documents after the swap,"
            f" {expected.documents} were staged (or different content); its documents"
            " were put back as they were"
        )


@contextlib.contextmanager
def _file_errors() -> Iterator[None]:
    """Copying, folding and renaming SQLite files: a failure is one line, nothing swapped."""
    try:
        yield
    except (OSError, sqlite3.Error) as exc:
        raise RedImportError(
            f"import failed, the instance is unchanged: {type(exc).__name__}: {exc}",
            has_details=True,
        ) from exc


@contextlib.contextmanager
def _locked(database: Path) -> Iterator[None]:
    lock = InstanceLock(str(database))
    try:
        lock.acquire()
    except StoreLockedError as exc:
        raise RedImportError(f"the instance is in use (stop the bot first): {exc}") from exc
    try:
        yield
    finally:
        lock.release()


@contextlib.contextmanager
def _staging_file(folder: Path) -> Iterator[Path]:
    """A staging database path in a new private folder (0700) inside ``folder``.

    Private: the staging store holds Red's data, secrets too with --with-secrets.
    Inside ``folder``: the SQLite swap renames it over the instance's database, which
    must be on the same file system.
    """
    private = Path(tempfile.mkdtemp(prefix=_STAGING, dir=folder))
    try:
        yield private / "staging.db"
    finally:
        shutil.rmtree(private, ignore_errors=True)


def _copy_sqlite(database: Path, staging: Path) -> None:
    """A consistent copy of the instance's database (WAL included), if it has one yet."""
    if not database.exists():
        return
    # Read-write: a read-only connection cannot open a WAL database without its -shm
    # file. It only reads; SQLite's backup restarts if another connection writes.
    source = sqlite3.connect(database, timeout=30)
    try:
        copy = sqlite3.connect(staging)
        try:
            source.backup(copy)
        finally:
            copy.close()
    finally:
        source.close()


def _leave_wal(staging: Path) -> None:
    """Fold the staging file's WAL into it, so the renamed file is complete by itself."""
    db = sqlite3.connect(staging)
    try:
        db.execute("PRAGMA journal_mode=DELETE")
    finally:
        db.close()
