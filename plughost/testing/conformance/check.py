"""Checking the local Discord's traffic against Discord's published spec.

A `SpecCheck` is given every exchange the emulator answers (method, path,
request body, status, response body). It finds the operation, validates the
response body against that operation's schema for the status, and the request
body against the operation's request schema, and keeps what breaks them as
`Violation` records, less what `plughost.testing.conformance.tolerances` lists
as a known difference between Discord and its spec. A request body that breaks
its schema is a violation only when the local Discord accepted it (Discord
would have refused it); refused, it is counted in ``refused_requests``.
`SpecCheck.dispatch` does the same for a gateway event: the parts of its payload
that are objects the spec describes (`plughost.testing.conformance.dispatches`).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from jsonschema import ValidationError

from plughost.testing.conformance.dispatches import dispatch_parts
from plughost.testing.conformance.spec import BodySchema, DiscordSpec, Operation
from plughost.testing.conformance.tolerances import TOLERANCES, Tolerance

__all__ = ["SpecCheck", "SpecTotals", "Violation"]

Direction = Literal["response", "request", "dispatch"]
_NO_OPERATION: Final = "(no Discord operation)"
NOT_FOUND: Final = 404
BAD_REQUEST: Final = 400
# Schema keywords that pick a oneOf branch by a discriminating property: a branch
# failing one of these on "type" is the wrong branch, not a violation to report.
_DISCRIMINATORS: Final = frozenset({"enum", "const"})
# Failed bodies remembered per schema (BodySchema.failures); beyond, each is walked anew.
_MAX_REMEMBERED: Final = 4096


@dataclass(frozen=True)
class Violation:
    """One place where a body breaks the schema of its operation."""

    operation: str  # the spec's operationId
    method: str
    path: str
    status: int
    direction: Direction
    json_path: str  # "$.options[0].min_length"
    message: str

    def __str__(self) -> str:
        if self.direction == "dispatch":
            return f"{self.operation} (gateway dispatch): at {self.json_path}: {self.message}"
        where = f"{self.method} /api/v10{self.path} -> {self.status}"
        return (
            f"{self.operation} ({where}): {self.direction} body at {self.json_path}: {self.message}"
        )


@dataclass
class SpecTotals:
    """Counts over many checks (a test session): what was validated and what broke."""

    operations: set[str] = field(default_factory=set)
    responses: int = 0
    response_violations: int = 0
    requests: int = 0
    request_violations: int = 0
    refused_requests: int = 0
    tolerated: Counter[str] = field(default_factory=Counter)
    events: set[str] = field(default_factory=set)
    dispatches: int = 0
    dispatch_violations: int = 0

    def add(self, check: SpecCheck) -> None:
        self.operations |= check.operations
        self.events |= check.events
        self.dispatches += check.dispatches
        self.dispatch_violations += sum(1 for v in check.violations if v.direction == "dispatch")
        self.responses += check.responses
        self.requests += check.requests
        self.response_violations += sum(1 for v in check.violations if v.direction == "response")
        self.request_violations += sum(1 for v in check.violations if v.direction == "request")
        self.refused_requests += check.refused_requests
        self.tolerated.update(check.tolerated)

    def as_dict(self) -> dict[str, Any]:
        """These counts as plain data, to cross a process boundary (pytest-xdist's workers)."""
        return {
            "operations": sorted(self.operations),
            "responses": self.responses,
            "response_violations": self.response_violations,
            "requests": self.requests,
            "request_violations": self.request_violations,
            "refused_requests": self.refused_requests,
            "tolerated": dict(self.tolerated),
            "events": sorted(self.events),
            "dispatches": self.dispatches,
            "dispatch_violations": self.dispatch_violations,
        }

    def merge(self, data: Mapping[str, Any]) -> None:
        """Add counts made by `as_dict` in another process."""
        self.operations |= set(data["operations"])
        self.responses += data["responses"]
        self.response_violations += data["response_violations"]
        self.requests += data["requests"]
        self.request_violations += data["request_violations"]
        self.refused_requests += data["refused_requests"]
        self.tolerated.update(data["tolerated"])
        self.events |= set(data["events"])
        self.dispatches += data["dispatches"]
        self.dispatch_violations += data["dispatch_violations"]


def _wrong_branch(errors: Sequence[ValidationError], depth: int) -> bool:
    """True when a oneOf branch failed on its discriminator (``type`` not its value)."""
    return any(
        e.validator in _DISCRIMINATORS and len(e.absolute_path) == depth + 1
        for e in errors
        if e.absolute_path and e.absolute_path[-1] == "type"
    )


def _leaves(error: ValidationError) -> Iterator[ValidationError]:
    """The errors worth reporting: for a failed oneOf/anyOf, those of the closest branch."""
    if error.validator not in ("oneOf", "anyOf") or not error.context:
        yield error
        return
    branches: dict[Any, list[ValidationError]] = {}
    for sub in error.context:
        branches.setdefault(sub.schema_path[0], []).append(sub)
    depth = len(error.absolute_path)
    candidates = [b for b in branches.values() if not _wrong_branch(b, depth)]
    if not candidates:
        yield error
        return

    def closeness(branch: list[ValidationError]) -> tuple[int, int]:
        # A null-type branch fails with one shallow error: prefer deep, few errors.
        deepest = max(len(e.absolute_path) for e in branch)
        return (-deepest if deepest > depth else 0, len(branch))

    for sub in min(candidates, key=closeness):
        yield from _leaves(sub)


class SpecCheck:
    """Validates exchanges against the spec and keeps the violations (see module doc)."""

    def __init__(
        self,
        spec: DiscordSpec | None = None,
        tolerances: Iterable[Tolerance] = TOLERANCES,
        *,
        check_requests: bool = True,
    ) -> None:
        self.spec = spec or DiscordSpec.shipped()
        self.tolerances = tuple(tolerances)
        self.check_requests = check_requests
        self.violations: list[Violation] = []
        self.tolerated: Counter[str] = Counter()  # tolerance reason -> times applied
        self.operations: set[str] = set()
        #: Requests for no operation of the spec ("GET /no/such/route").
        self.unserved: list[str] = []
        self.responses = 0
        self.requests = 0
        #: Request-body violations the local Discord refused (4xx), as Discord would.
        self.refused_requests = 0
        #: Gateway dispatches with a part the spec describes, and their event names.
        self.dispatches = 0
        self.events: set[str] = set()

    def exchange(
        self, method: str, path: str, request_body: Any, status: int, response_body: bytes
    ) -> list[Violation]:
        """Check one request and its answer; return (and keep) the new violations."""
        operation = self.spec.operation(method, path)
        if operation is None:
            # Discord answers a path it does not know with 404 too; anything else is not
            # what Discord would have said.
            self.unserved.append(f"{method} {path}")
            if status == NOT_FOUND:
                return []
            found = [Violation(_NO_OPERATION, method, path, status, "response", "$", "no route")]
            self.violations.extend(found)
            return found
        self.operations.add(operation.operation_id)
        found = self._response(operation, method, path, status, response_body)
        if self.check_requests and request_body is not None and status < 500:
            broken = self._request(operation, method, path, status, request_body)
            # A body the spec forbids that was refused is the local Discord doing as
            # Discord does; one it accepted is a refusal it does not model yet.
            if status >= BAD_REQUEST:
                self.refused_requests += len(broken)
            else:
                found += broken
        kept = [v for v in found if not self._tolerated(v)]
        self.violations.extend(kept)
        return kept

    def dispatch(self, event: str, data: Mapping[str, Any]) -> list[Violation]:
        """Check the parts of a gateway dispatch that the spec describes (see
        `plughost.testing.conformance.dispatches`); return (and keep) the new violations."""
        found: list[Violation] = []
        checked = False
        for where, name, part in dispatch_parts(event, data):
            checked = True

            def violation(json_path: str, message: str, where: str = where) -> Violation:
                path = where + json_path.removeprefix("$")
                return Violation(event, "GATEWAY", event, 0, "dispatch", path, message)

            found += self._errors(self.spec.component(name), part, violation)
        if checked:
            self.dispatches += 1
            self.events.add(event)
        kept = [v for v in found if not self._tolerated(v)]
        self.violations.extend(kept)
        return kept

    def _response(
        self, operation: Operation, method: str, path: str, status: int, body: bytes
    ) -> list[Violation]:
        self.responses += 1

        def violation(json_path: str, message: str) -> Violation:
            return Violation(
                operation.operation_id, method, path, status, "response", json_path, message
            )

        if not operation.declares(status):
            return [violation("$", f"status {status} is not a response of this operation")]
        schema = operation.response_schema(status)
        if schema is None:
            return [] if not body else [violation("$", "a body where the spec has none")]
        try:
            data = json.loads(body)
        except ValueError:
            return [violation("$", "the body is not JSON")]
        return self._errors(schema, data, violation)

    def _request(
        self, operation: Operation, method: str, path: str, status: int, body: Any
    ) -> list[Violation]:
        schema = operation.request_schema()
        if schema is None:
            return []
        self.requests += 1

        def violation(json_path: str, message: str) -> Violation:
            return Violation(
                operation.operation_id, method, path, status, "request", json_path, message
            )

        return self._errors(schema, body, violation)

    @staticmethod
    def _errors(schema: BodySchema, data: Any, make: Any) -> list[Violation]:
        # Looked up before the compiled check: that check is fast on a valid body but
        # slow to fail (fastjsonschema builds an exception per branch tried: 7 ms for
        # a gateway member without its user, 600 times a valid one).
        key = json.dumps(data, sort_keys=True, default=str)
        leaves = schema.failures.get(key)
        if leaves is None:
            if schema.is_valid(data):
                return []
            leaves = [
                (leaf.json_path, leaf.message[:300])
                for error in schema.errors(data)
                for leaf in _leaves(error)
            ]
            if len(schema.failures) < _MAX_REMEMBERED:
                schema.failures[key] = leaves
        return [make(json_path, message) for json_path, message in leaves]

    def _tolerated(self, violation: Violation) -> bool:
        for tolerance in self.tolerances:
            if tolerance.covers(
                violation.operation, violation.direction, violation.json_path, violation.message
            ):
                self.tolerated[tolerance.reason] += 1
                return True
        return False

    def take(self) -> list[Violation]:
        """The violations kept so far, and forget them (the counts stay)."""
        taken, self.violations = self.violations, []
        return taken
