"""The Grafana dashboard in docs/ queries only metrics a real scrape has, and shows them all."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from plughost.metrics import MetricsAddress, serve_metrics
from plughost.runtime.bot import Bot
from plughost.testing.emulator import FakeDiscord

from .scraping import scrape

DASHBOARD = Path(__file__).resolve().parents[2] / "docs" / "grafana" / "plughost.json"
# A metric name in PromQL: not a function (followed by "("), not a label (followed by
# "=", "!~", ...), not inside {...} or a string.
_NAME = re.compile(r"\b((?:plughost|process|python)_[a-z0-9_]+)\b(?!\s*[(=!~])")


def _queried_names() -> set[str]:
    dashboard = json.loads(DASHBOARD.read_text())
    exprs = [t["expr"] for panel in dashboard["panels"] for t in panel["targets"]]
    variables = [v["query"]["query"] for v in dashboard["templating"]["list"] if "query" in v
                 and isinstance(v["query"], dict)]  # fmt: skip
    names: set[str] = set()
    for expr in [*exprs, *variables]:
        names |= set(_NAME.findall(re.sub(r"\{[^}]*\}", "", expr)))
    return names


def test_the_dashboard_queries_metrics_by_name() -> None:
    names = _queried_names()
    assert "plughost_command_duration_seconds_bucket" in names
    assert "plughost_store_query_duration_seconds_bucket" in names
    assert len(names) >= 12


@pytest.mark.usefixtures("metrics_cogs")
async def test_every_queried_metric_is_in_a_scrape(bot: Bot, fake_discord: FakeDiscord) -> None:
    await bot.load_cog("alpha")
    alice = fake_discord.member("alice")
    async with serve_metrics([bot], MetricsAddress("127.0.0.1", 0), process="test") as endpoint:
        # One of each: an answer, an error, a denial, so that every series exists.
        for line in ("!hello", "!boom", "!cog unload alpha"):
            assert await fake_discord.send(line, author=alice)
        samples = await scrape(f"http://127.0.0.1:{endpoint.port}/metrics")
    scraped = {sample.name for sample in samples}
    missing = sorted(_queried_names() - scraped)
    assert not missing, f"the dashboard queries metrics no scrape has: {missing}"
    # And the other way round: every plughost metric has a panel.
    families = {re.sub(r"_(bucket|count|sum|total)$", "", n) for n in scraped if "plughost_" in n}
    shown = {re.sub(r"_(bucket|count|sum|total)$", "", n) for n in _queried_names()}
    assert families <= shown, f"no panel shows {sorted(families - shown)}"
