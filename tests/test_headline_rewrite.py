"""A headline rewritten everywhere at once (the `<h1>`, `og:title` and `<title>` in one
capture, as CMSs do) is one edit: its diff names the metadata headlines that changed with it,
and they are not reported again as edits of their own (README, 'Reading the edits')."""

from __future__ import annotations

import json

import test_headline_edits as harbour
from inprocess import cli

LATER_OG = "Sea wall work starts in October"


def test_a_headline_rewritten_with_its_metadata_is_one_edit(tmp_path, monkeypatch):
    monkeypatch.setattr(harbour, "PLAN", [
        (harbour.STORY, harbour.story(harbour.H1_A, harbour.OG_1, harbour.TITLE_1)),
        (harbour.STORY, harbour.story(harbour.H1_B, harbour.OG_2, harbour.TITLE_2)),
        (harbour.STORY, harbour.story(harbour.H1_B, LATER_OG, harbour.TITLE_2)),
    ])
    data = harbour.build(tmp_path / "data")
    found = harbour.changes_json(data)
    # The rewrite is one edit; the og:title changing later, alone, is its own.
    assert [c["kind"] for c in found] == ["social-headline", "edited"]
    assert found[0]["headline"] == {"from": harbour.OG_2, "to": LATER_OG}
    diff = json.loads(cli("diff", harbour.STORY, "--json", "--to", found[1]["at"],
                          "--data", str(data)).stdout)
    assert {"field": "social", "from": harbour.OG_1, "to": harbour.OG_2} in \
        diff["metadata_headlines"]
