"""The heartbeat's command window: rate and p99 over the last seconds, from running totals."""

from __future__ import annotations

from plughost.cluster.throughput import CommandTotals, CommandWindow, Throughput

BOUNDS = (0.01, 0.1, 1.0)


def _totals(errors: int, *buckets: int) -> CommandTotals:
    return CommandTotals(commands=sum(buckets), errors=errors, bounds=BOUNDS, buckets=buckets)


def test_no_source_means_not_counted() -> None:
    assert CommandWindow().sample(0.0) == Throughput(0, 0, None, None)


def test_rate_and_p99_cover_the_window_only() -> None:
    feed = [
        _totals(0, 100, 0, 0, 0),  # t=0: 100 fast commands
        _totals(1, 100, 0, 10, 0),  # t=5: 10 slow ones, one failing
        _totals(1, 100, 0, 10, 0),  # t=10: nothing new
        _totals(3, 100, 0, 10, 2),  # t=20: 2 above the last bound
        _totals(3, 100, 0, 10, 2),  # t=31: nothing new
    ]
    window = CommandWindow(seconds=10.0)
    window.source = lambda: feed.pop(0)
    first = window.sample(0.0)
    assert first == Throughput(100, 0, 0.0, 10.0)
    assert window.sample(5.0) == Throughput(110, 1, 2.0, 1000.0)
    # t=10: the window is t=0..10, so the 10 slow commands are still in it.
    assert window.sample(10.0) == Throughput(110, 1, 1.0, 1000.0)
    # t=20: t=0 and t=5 have left the window; from t=10, two commands above 1 s.
    assert window.sample(20.0) == Throughput(112, 3, 0.2, 1000.0)
    # t=31: nothing completed since t=20.
    assert window.sample(31.0) == Throughput(112, 3, 0.0, None)
