"""`plan_from_index`: the plan `palimpsest due` prints and a crawl follows, read without
changing anything, also from a data folder that has no index yet."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from click.testing import CliRunner
from crawling import write_seeds

from archive.cli import main
from archive.schedule.plan import due_entry, explain, plan_from_index
from archive.schedule.seeds import load_seeds

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)


def test_a_folder_without_an_index_plans_every_seed_as_new_and_creates_nothing(tmp_path,
                                                                              monkeypatch):
    monkeypatch.delenv("PALIMPSEST_INDEX", raising=False)
    seeds = write_seeds(tmp_path / "s.toml", [("http://127.0.0.1:9/a", "page"),
                                              ("http://127.0.0.1:9/news", "listing")])
    data = tmp_path / "data"
    plan = plan_from_index(data, load_seeds(seeds), NOW)
    assert plan.statuses() == {"http://127.0.0.1:9/a": "fetch",
                               "http://127.0.0.1:9/news": "fetch"}
    first = explain(plan)[0]
    assert due_entry(first, "fetch") == {
        "url": first.url, "status": "fetch", "kind": "new", "due_at": "2026-12-01T08:00:00.000000Z",
        "last_fetch": None, "reason": "never fetched"}
    assert not data.exists()
    shown = CliRunner().invoke(main, ["due", str(seeds), "--data", str(data), "--json",
                                      "--at", "2026-12-01T08:00:00Z"])
    assert shown.exit_code == 0, shown.output
    result = json.loads(shown.output)
    assert result["due_seeds"] == 2 and result["not_due"] == 0
    assert [page["status"] for page in result["pages"]] == ["fetch", "fetch"]
    assert not data.exists()
