"""What an import did (or a dry run would do), per Red Config, as data and as text lines."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import final

from plughost.hooks.red import RedImport

__all__ = ["ConfigReport", "ImportReport"]


@final
@dataclass(slots=True)
class ConfigReport:
    """One Red Config: its documents brought over unchanged, and what cogs made of it."""

    cog_name: str
    identifier: str
    documents: int
    per_scope: dict[str, int]
    empty: int = 0
    skipped: list[str] = field(default_factory=list)
    mapped: list[tuple[str, RedImport]] = field(default_factory=list)


@final
@dataclass(slots=True)
class ImportReport:
    """The whole import: every Config, Red core's settings, and the verification."""

    origin: str
    into: str
    dry_run: bool
    configs: list[ConfigReport] = field(default_factory=list)
    core_applied: list[str] = field(default_factory=list)
    core_unapplied: list[str] = field(default_factory=list)
    settings: list[str] = field(default_factory=list)
    """Instance settings taken from Red (names only, never a secret's value)."""
    secrets_withheld: int = 0
    problems: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    documents: int = 0
    """Red documents brought over (and verified)."""
    checksum: str = ""
    """Checksum of those documents, as ``plughost convert`` computes it."""

    def lines(self) -> list[str]:
        """The report for people: one line per fact, indented under its Config."""
        verb = "would import" if self.dry_run else "imported"
        out = [f"{self.origin} -> instance {self.into!r}"]
        for config in self.configs:
            scopes = ", ".join(f"{s} {n}" for s, n in sorted(config.per_scope.items()))
            out.append(
                f"{config.cog_name} {config.identifier}: {verb} {config.documents} document(s)"
                + (f" ({scopes})" if scopes else "")
            )
            if config.empty:
                out.append(f"  {config.empty} empty document(s) not stored (they read alike)")
            for cog, result in config.mapped:
                out.append(f"  cog {cog}: {result.imported} {result.what} mapped")
                out.extend(f"    not mapped: {line}" for line in result.skipped)
            out.extend(f"  skipped: {line}" for line in config.skipped)
        if self.core_applied:
            out.append("Red settings applied: " + ", ".join(self.core_applied))
        out.extend(f"  not applied: {line}" for line in self.core_unapplied)
        if self.settings:
            out.append("instance settings: " + ", ".join(self.settings))
        if self.secrets_withheld:
            out.append(
                f"{self.secrets_withheld} secret(s) (token, shared API tokens) withheld:"
                " pass --with-secrets to import them"
            )
        out.extend(f"left behind: {line}" for line in self.unreadable)
        out.extend(f"problem: {line}" for line in self.problems)
        done = "to import" if self.dry_run else "imported and verified"
        out.append(f"{self.documents} Red document(s) {done}, checksum {self.checksum[:12]}")
        return out
