"""The diff engine on its own: texts in, ops out. Known edits, moves, caps, and invariants."""

from hypothesis import given, settings
from hypothesis import strategies as st

from archive.diff.engine import (
    CHANGED,
    DELETED,
    INSERTED,
    MOVED,
    MOVED_AWAY,
    SAME,
    DiffLimits,
    VersionText,
    diff_texts,
    diff_versions,
)
from archive.diff.wordiff import DELETE, INSERT, new_text, old_text, tokenize, word_ops
from archive.extract.normalize import normalize_text

P1 = "The ministry counted 1,412 injured people in eleven districts after the floods."
P2 = "Deputy Minister Teodor Halsk said the count had been checked twice by district staff."
P3 = "Relief kitchens will stay open until 14 November, the army said on Tuesday evening."
P4 = "Opposition deputies asked for a hearing into why the warnings came so late."


def kinds(result):
    return [(p.kind, p.old_index, p.new_index) for p in result.paragraphs]


def edits(ops):
    return [op for op in ops if op[0] != "equal"]


def test_a_one_figure_edit_is_one_word_pair():
    result = diff_texts("\n".join([P1, P2]), "\n".join([P1.replace("1,412", "1,438"), P2]))
    assert result.ops == [
        ("equal", "The ministry counted "),
        ("delete", "1,412"),
        ("insert", "1,438"),
        ("equal", " injured people in eleven districts after the floods.\n" + P2 + "\n"),
    ]
    assert kinds(result) == [(CHANGED, 0, 0), (SAME, 1, 1)]
    assert result.word_counts() == (1, 1)


def test_an_added_paragraph_is_one_insertion_and_nothing_else():
    result = diff_texts("\n".join([P1, P2, P3]), "\n".join([P1, P4, P2, P3]))
    assert edits(result.ops) == [("insert", P4 + "\n")]
    assert kinds(result) == [(SAME, 0, 0), (INSERTED, None, 1), (SAME, 1, 2), (SAME, 2, 3)]


def test_a_removed_paragraph_is_one_deletion():
    result = diff_texts("\n".join([P1, P2, P3]), "\n".join([P1, P3]))
    assert edits(result.ops) == [("delete", P2 + "\n")]


def test_a_moved_paragraph_is_shown_moved_not_deleted_and_inserted():
    result = diff_texts("\n".join([P1, P2, P3, P4]), "\n".join([P2, P3, P4, P1]))
    assert edits(result.ops) == []  # no text was deleted or inserted
    assert kinds(result) == [(MOVED_AWAY, 0, 3), (SAME, 1, 0), (SAME, 2, 1), (SAME, 3, 2),
                             (MOVED, 0, 3)]
    assert result.changed
    moved = result.paragraphs[-1]
    assert not moved.edited and moved.ops == [("equal", P1)]


def test_a_moved_and_edited_paragraph_shows_only_its_word_edits():
    edited = P1.replace("eleven", "twelve")
    result = diff_texts("\n".join([P1, P2, P3, P4]), "\n".join([P2, P3, P4, edited]))
    assert edits(result.ops) == [("delete", "eleven"), ("insert", "twelve")]
    moved = result.paragraphs[-1]
    assert (moved.kind, moved.old_index, moved.new_index, moved.edited) == (MOVED, 0, 3, True)


def test_a_rewritten_paragraph_next_to_an_unrelated_new_one_is_paired_with_its_old_self():
    result = diff_texts("\n".join([P1, P2, P3]),
                        "\n".join([P1, P4, P2.replace("twice", "three times"), P3]))
    assert kinds(result) == [(SAME, 0, 0), (INSERTED, None, 1), (CHANGED, 1, 2), (SAME, 2, 3)]
    assert edits(result.paragraphs[2].ops) == [("delete", "twice"), ("insert", "three times")]


def test_an_edit_in_place_is_not_taken_for_a_move_of_a_similar_paragraph():
    twin = P1.replace("eleven districts", "eleven districts of the valley")
    old = [P1, P2, P3, P4, twin]
    new = [P1.replace("1,412", "1,438"), P2, "Something else entirely, about bridges.", P4,
           twin.replace("1,412", "1,440")]
    result = diff_texts("\n".join(old), "\n".join(new))
    assert kinds(result) == [(CHANGED, 0, 0), (SAME, 1, 1), (DELETED, 2, None),
                             (INSERTED, None, 2), (SAME, 3, 3), (CHANGED, 4, 4)]


def test_unrelated_paragraphs_are_not_paired():
    result = diff_texts("\n".join([P1, P2]), "\n".join([P1, P4]))
    assert kinds(result) == [(SAME, 0, 0), (DELETED, 1, None), (INSERTED, None, 1)]


def test_typography_and_spacing_are_not_edits():
    curly = P2.replace("Deputy", "Deputy\u00a0").replace("  ", " ")
    result = diff_texts(f'He said "yes" - {P2}', f"He said \u201cyes\u201d \u2014 {curly}")
    assert edits(result.ops) == []


def test_a_rewritten_sentence_reads_as_one_deletion_and_one_insertion():
    ops = word_ops("Officials said the dam was safe and sound.",
                   "Engineers warned the spillway was cracked.")
    # Not a comb of single words around the shared "the" and "was".
    assert ops == [("delete", "Officials said the dam was safe and sound"),
                   ("insert", "Engineers warned the spillway was cracked"), ("equal", ".")]


def test_headline_and_byline_are_reported_apart_from_the_body():
    old = VersionText("Families face weeks of waiting", "Ilka Moravec", P1)
    new = VersionText("Government promises homes by December", "Ilka Moravec and Jonas Petrik",
                      P1)
    result = diff_versions(old, new)
    assert result.title.old == "Families face weeks of waiting"
    assert result.title.new == "Government promises homes by December"
    assert edits(result.byline.ops) == [("insert", " and Jonas Petrik")]
    assert not result.body.changed and result.body.ops == [("equal", P1 + "\n")]
    same = diff_versions(old, VersionText("Families face  weeks of waiting", "Ilka Moravec", P1))
    assert same.title is None and same.byline is None and not same.changed


def test_figures_come_with_the_diff_headline_included():
    old = VersionText("Flood injuries pass 1,400", None, "\n".join([P1, P3]))
    new = VersionText("Flood injuries pass 1,430", None,
                      "\n".join([P1.replace("1,412", "1,438"), P3.replace("14 November",
                                                                            "21 November")]))
    result = diff_versions(old, new)
    assert [(f.old, f.new, f.kind, f.where) for f in result.figures] == [
        ("1,400", "1,430", "number", "title"),
        ("1,412", "1,438", "number", "body"),
        ("14 November", "21 November", "date", "body"),
    ]


def test_every_cap_is_named_when_hit_and_the_diff_still_completes():
    limits = DiffLimits(max_chars=2_000, max_paragraphs=5, max_paragraph_tokens=40,
                        max_move_comparisons=4)
    many = [f"Paragraph {n} says something about district {n} and its {n} shelters."
            for n in range(12)]
    result = diff_texts("\n".join(many), "\n".join(reversed(many)), limits)
    assert any("paragraphs; only the first 5 were compared" in cap for cap in result.capped)
    long_text = "word " * 1_000
    result = diff_texts(long_text, long_text + "more", limits)
    assert any("characters; only the first 2,000 were compared" in cap for cap in result.capped)
    result = diff_texts("alpha " * 30, "alpha " * 29 + "beta", limits)
    assert any("shown replaced whole" in cap for cap in result.capped)
    assert [op for op, _ in result.ops] == [DELETE, INSERT, "equal"]
    result = diff_texts("\n".join(many), "\n".join(p.replace("shelters", "tents") for p in many),
                        DiffLimits(max_total_tokens=60))
    # Each pair is 44 tokens: the first is word-diffed, the rest are replaced whole.
    assert any("over 60 tokens in all; from paragraph 2 on" in cap for cap in result.capped)
    assert [p.ops[0][0] for p in result.paragraphs[:3]] == ["equal", DELETE, DELETE]
    edited = [p + " Updated." for p in many[:4]]
    result = diff_texts("\n".join(many[:4] + ["x y z"]), "\n".join(["x y z"] + edited),
                        DiffLimits(max_move_comparisons=4))
    assert any("too many to search for moved-and-edited" in cap for cap in result.capped)


def test_a_pathological_page_is_bounded_by_the_caps():
    # One huge paragraph of the same few words, edited in the middle: without the caps this is
    # the quadratic worst case of sequence matching.
    old = ("the flood " * 60_000).strip()
    new = old[:300_000] + " levee " + old[300_000:]
    result = diff_texts(old, new)
    assert result.capped
    assert new_text(result.ops).startswith(new[:1000])


paragraph = st.lists(st.sampled_from(["flood", "1,412", "the", "dam", "said", ",", "63%",
                                      "14 November", "\u201cquoted\u201d", "Brenitz"]),
                     min_size=1, max_size=12).map(" ".join)
document = st.lists(paragraph, min_size=0, max_size=8)


@settings(max_examples=150, deadline=None)
@given(document, document)
def test_ops_rebuild_the_newer_text_exactly_and_the_older_up_to_moves(old, new):
    result = diff_texts("\n".join(old), "\n".join(new))
    assert new_text(result.ops) == "".join(p + "\n" for p in new)
    rebuilt = [line for line in old_text(result.ops).split("\n") if line]
    assert sorted(map(normalize_text, rebuilt)) == sorted(map(normalize_text, old))
    if [normalize_text(p) for p in old] == [normalize_text(p) for p in new]:
        assert not result.changed


@settings(max_examples=150, deadline=None)
@given(paragraph, paragraph)
def test_word_ops_rebuild_both_texts(old, new):
    ops = word_ops(old, new)
    assert new_text(ops) == new
    assert normalize_text(old_text(ops)) == normalize_text(old)
    assert "".join(tokenize(old)) == old
