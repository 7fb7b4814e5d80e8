"""One text policy for what members type: names, prefixes and free text.

Cogs reach it as ``plughost.text``. Each function returns the text as it should
be stored, or raises :class:`~plughost.commands.arguments.ArgumentError` naming
the argument, which the bot's error boundary turns into a short reply
("Bad argument `name`: ...") and the usage line; nothing is stored.

- **Never anywhere:** NUL and the other control characters (newline and tab are
  allowed in free text only), lone surrogates (not encodable, so not storable),
  and text that is nothing but invisible characters (spaces, zero-width and bidi
  controls, fillers like U+3164 or U+2800, combining marks alone).
- **Names** (a bank's, a currency's) and **prefixes** also refuse every format
  character (Unicode category Cf: zero-width spaces and joiners, the bidi marks,
  embeddings, overrides and isolates that make text read in another order) and
  line or paragraph separators. Right-to-left *letters* (Hebrew, Arabic) are
  fine: only the invisible controls around them are refused.
- **Prefixes** have no whitespace at all: a prefix ending in an invisible
  character (measured: ``!prefix`` + U+200B) makes every command unreachable.
"""

from __future__ import annotations

import unicodedata
from typing import Final

from plughost.commands.arguments import ArgumentError
from plughost.commands.prefixes import MAX_PREFIX_LENGTH, prefix_problem

__all__ = ["free_text", "name", "prefix", "visible"]

#: Letters and symbols that draw nothing, though not in a blank category.
_BLANK_LOOKING: Final = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f\u17b4\u17b5")
#: Categories that draw nothing on their own: separators, formats, controls, marks.
_INVISIBLE_CATEGORIES: Final = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf", "Mn", "Me"})
#: Control characters free text may hold.
_FREE_TEXT_CONTROLS: Final = frozenset("\n\t")


def visible(text: str) -> bool:
    """Whether ``text`` has at least one character that draws something."""
    return any(
        ch not in _BLANK_LOOKING and unicodedata.category(ch) not in _INVISIBLE_CATEGORIES
        for ch in text
    )


def _describe(ch: str) -> str:
    label = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X} {label}" if label else f"U+{ord(ch):04X}"


def _refuse_unstorable(text: str, argument: str, allowed_controls: frozenset[str]) -> None:
    for ch in text:
        category = unicodedata.category(ch)
        if category == "Cs":
            raise ArgumentError(argument, "it holds a broken character (a lone surrogate)")
        if category == "Cc" and ch not in allowed_controls:
            raise ArgumentError(argument, f"control characters are not allowed ({_describe(ch)})")


def _refuse_invisible_controls(text: str, argument: str) -> None:
    for ch in text:
        if unicodedata.category(ch) in ("Cf", "Zl", "Zp"):
            raise ArgumentError(
                argument,
                f"invisible formatting characters are not allowed ({_describe(ch)})",
            )


def _refuse_length(text: str, argument: str, max_length: int | None) -> None:
    if max_length is not None and len(text) > max_length:
        raise ArgumentError(argument, f"it has at most {max_length} characters")


def name(text: str, *, argument: str, max_length: int) -> str:
    """A display name: runs of whitespace become one space; 1 to ``max_length``
    visible characters, no format characters and no backticks (they break the
    code spans replies put names in)."""
    _refuse_unstorable(text, argument, frozenset())
    _refuse_invisible_controls(text, argument)
    cleaned = " ".join(text.split())
    if not visible(cleaned):
        raise ArgumentError(argument, "a name needs at least one visible character")
    if "`" in cleaned:
        raise ArgumentError(argument, "backticks are not allowed")
    _refuse_length(cleaned, argument, max_length)
    return cleaned


def prefix(text: str, *, argument: str, max_length: int = MAX_PREFIX_LENGTH) -> str:
    """A command prefix, by the one prefix rule (``plughost.commands.prefixes``:
    :func:`~plughost.commands.prefixes.prefix_problem`, which the CLI uses too),
    surrounding whitespace dropped; at most ``max_length`` characters."""
    _refuse_unstorable(text, argument, frozenset())
    cleaned = text.strip(" ")  # other whitespace (a line separator) is refused, not dropped
    problem = prefix_problem(cleaned)
    if problem is None and len(cleaned) > max_length:
        problem = f"a prefix here has at most {max_length} characters"
    if problem is not None:
        raise ArgumentError(argument, problem)
    return cleaned


def free_text(
    text: str, *, argument: str, max_length: int | None = None, required: bool = True
) -> str:
    """Free text (a reminder, a reason): newlines and tabs allowed, other controls
    not; surrounding whitespace dropped; empty only when not ``required``, and
    never invisible-only."""
    _refuse_unstorable(text, argument, _FREE_TEXT_CONTROLS)
    cleaned = text.strip()
    if not cleaned and not required:
        return ""
    if not visible(cleaned):
        raise ArgumentError(argument, "it needs at least one visible character")
    _refuse_length(cleaned, argument, max_length)
    return cleaned
