"""Errors answered as Discord answers them, and its ``400 Invalid Form Body`` (50035).

Discord answers a body it refuses with::

    {"code": 50035, "message": "Invalid Form Body",
     "errors": {"embeds": {"0": {"title": {"_errors": [
         {"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 256 or fewer in length."}]}}}}}

`FormErrors` collects such errors by field path while a body is checked, and
`FormErrors.raise_if_any` turns them into that answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

__all__ = [
    "INVALID_FORM_BODY",
    "REQUIRED",
    "ApiError",
    "FormErrors",
    "length_between",
    "max_length",
]

INVALID_FORM_BODY: Final = 50035
REQUIRED: Final = ("BASE_TYPE_REQUIRED", "This field is required")

Path = Sequence[str | int]


class ApiError(Exception):
    """An error answered the way Discord does: ``{"message": ..., "code": ...}``.

    ``errors`` is the field-by-field detail of a 50035 (built with `FormErrors`).
    """

    def __init__(
        self, status: int, message: str, code: int = 0, *, errors: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.errors = errors

    def body(self) -> dict[str, Any]:
        data: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors is not None:
            data["errors"] = self.errors
        return data


def max_length(limit: int) -> tuple[str, str]:
    return "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length."


def length_between(low: int, high: int) -> tuple[str, str]:
    return "BASE_TYPE_BAD_LENGTH", f"Must be between {low} and {high} in length."


class FormErrors:
    """Errors of one request body, by field path (``("embeds", 0, "title")``)."""

    __slots__ = ("_tree",)

    def __init__(self) -> None:
        self._tree: dict[str, Any] = {}

    def __bool__(self) -> bool:
        return bool(self._tree)

    def add(self, path: Path, error: tuple[str, str]) -> None:
        node = self._tree
        for part in path:
            node = node.setdefault(str(part), {})
        code, message = error
        node.setdefault("_errors", []).append({"code": code, "message": message})

    def check_length(self, path: Path, value: str | None, high: int, low: int = 0) -> None:
        """Add Discord's length error when ``value`` is outside ``low..high`` characters
        (a required field left empty is "required", as Discord says it)."""
        size = len(value or "")
        if low > 0 and size == 0:
            self.add(path, REQUIRED)
        elif size > high or size < low:
            self.add(path, max_length(high) if low == 0 else length_between(low, high))

    @property
    def tree(self) -> dict[str, Any]:
        return self._tree

    def raise_if_any(self) -> None:
        if self._tree:
            raise ApiError(400, "Invalid Form Body", INVALID_FORM_BODY, errors=self._tree)
