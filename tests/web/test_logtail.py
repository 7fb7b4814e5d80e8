"""Reading an instance log's latest errors: records, tracebacks, the tail, redaction;
and the one-time confirmations of installs."""

from __future__ import annotations

from pathlib import Path

from plughost.web import logtail
from plughost.web.confirmations import CONFIRMATION_LIFETIME, ask, confirmed
from plughost.web.logtail import Redactor, latest_errors
from plughost.web.sessions import Session


def _line(second: int, level: str, text: str) -> str:
    return f"2026-01-02 03:04:{second:02d},000 {level:<8} plughost.x: {text}\n"


def test_errors_come_newest_first_with_their_tracebacks(tmp_path: Path) -> None:
    log = tmp_path / "plughost.log"
    log.write_text(
        _line(1, "INFO", "started")
        + _line(2, "ERROR", "first")
        + "Traceback (most recent call last):\n  File x\nValueError: bad\n"
        + _line(3, "WARNING", "careful")
        + _line(4, "CRITICAL", "second")
        + _line(5, "ERROR", "third")
    )
    found = latest_errors(log, Redactor([]))
    assert [(r.at, r.level, r.message) for r in found] == [
        ("2026-01-02 03:04:05", "ERROR", "third"),
        ("2026-01-02 03:04:04", "CRITICAL", "second"),
        ("2026-01-02 03:04:02", "ERROR", "first"),
    ]
    assert found[2].details == "Traceback (most recent call last):\n  File x\nValueError: bad"
    assert [r.message for r in latest_errors(log, Redactor([]), limit=1)] == ["third"]
    assert latest_errors(tmp_path / "missing.log", Redactor([])) == []


def test_only_the_tail_is_read_and_long_tracebacks_are_cut(tmp_path: Path) -> None:
    log = tmp_path / "plughost.log"
    filler = _line(1, "ERROR", "old " + "x" * 200) * (logtail.TAIL_BYTES // 200)
    frames = "".join(f"  frame {n}\n" for n in range(logtail.MAX_LINES + 5))
    log.write_text(filler + _line(9, "ERROR", "newest") + frames)
    found = latest_errors(log, Redactor([]), limit=1000)
    assert found[0].message == "newest"
    assert found[0].details.splitlines()[0] == "... (5 lines not shown)"
    assert found[0].details.splitlines()[-1] == f"  frame {logtail.MAX_LINES + 4}"
    assert len(found) < logtail.TAIL_BYTES // 200  # the file's head was never read


def test_the_redactor_removes_known_and_secret_shaped_text() -> None:
    redact = Redactor(["known-secret-1234", None, "short"])
    assert redact("a known-secret-1234 b") == "a [redacted] b"
    assert redact("short stays") == "short stays"  # too short to be a secret worth a scan
    assert redact("url?client_secret=abc123&x=1") == "url?client_secret=[redacted]&x=1"
    assert redact("{'password': 'hunter2'}") == "{'password': '[redacted]'}"
    assert (
        redact("Authorization: Bearer abcdefghijklmnop1234") == "Authorization: Bearer [redacted]"
    )
    token = "MTA5ODc2NTQzMjEwOTg3NjU0.GhIjKl.abcdefghijklmnopqrstuvwxyz0123456789AB"
    assert redact(f"login {token} failed") == "login [redacted] failed"


def test_a_confirmation_works_once_for_its_change_until_it_lapses() -> None:
    session = Session(1, "link", 0.0, 0.0)
    token = ask(session, "install phcog", 100.0)
    assert not confirmed(session, token, "install othercog", 101.0)
    assert not confirmed(session, token, "install phcog", 101.0)  # spent by the wrong try
    token = ask(session, "install phcog", 100.0)
    assert confirmed(session, token, "install phcog", 101.0)
    assert not confirmed(session, token, "install phcog", 102.0)
    late = ask(session, "uninstall phcog", 100.0)
    assert not confirmed(session, late, "uninstall phcog", 100.0 + CONFIRMATION_LIFETIME)
    other = Session(2, "link", 0.0, 0.0)
    token = ask(session, "install phcog", 100.0)
    assert not confirmed(other, token, "install phcog", 101.0)  # another session's token
