"""Changed figures: found by pattern, paired through the word diff by the text around them."""

import pytest

from archive.diff.figures import figure_changes, find_figures, merge_figure_changes
from archive.diff.wordiff import word_ops


def changes(old, new, language="en"):
    return [(c.old, c.new, c.kind, c.delta) for c in figure_changes(
        old, new, word_ops(old, new), languages=(language, language))]


@pytest.mark.parametrize("text, found", [
    ("1,412 injured", [("1,412", "number")]),
    ("about 19\u202f000 people", [("19\u202f000", "number")]),
    ("a 3.5 metre rise", [("3.5", "number")]),
    ("63% of homes, 71 per cent of farms, 8 percent of roads",
     [("63%", "percent"), ("71 per cent", "percent"), ("8 percent", "percent")]),
    ("€2.4 million and $300 and £12bn", [("€2.4 million", "money"), ("$300", "money"),
                                         ("£12bn", "money")]),
    ("on 14 November, on November 21, 2026, by 2026-12-01 or 01/12/2026, in December 2026",
     [("14 November", "date"), ("November 21, 2026", "date"), ("2026-12-01", "date"),
      ("01/12/2026", "date"), ("December 2026", "date")]),
    ("210 million cubic metres", [("210 million", "number")]),
    ("COVID19 and B52 are names, not figures", []),
])
def test_figures_are_found_whole(text, found):
    assert [(f.text, f.kind) for f in find_figures(text)] == found


def test_a_revised_count_is_one_pair_with_its_difference():
    assert changes("Officials said 1,412 people were injured.",
                   "Officials said 1,438 people were injured.") == [
        ("1,412", "1,438", "number", 26)]


def test_a_date_is_revised_as_a_date_not_as_a_number():
    assert changes("The operation ends on 14 November.", "The operation ends on 21 November.") \
        == [("14 November", "21 November", "date", None)]


def test_a_percentage_keeps_its_unit_and_its_change_in_points():
    assert changes("63 per cent had returned home.", "71 per cent had returned home.") \
        == [("63 per cent", "71 per cent", "percent", 8)]


def test_decimals_and_thousands_separators_are_read_as_values():
    assert changes("a rise of 3.5 metres", "a rise of 4.25 metres") == [
        ("3.5", "4.25", "number", 0.75)]
    assert changes("about 19,000 people", "about 21,500 people") == [
        ("19,000", "21,500", "number", 2500)]


def test_figures_are_paired_by_the_words_around_them():
    old = "There were 1,412 injured and 37 dead in 11 districts."
    new = "There were 1,438 injured, 38 dead and 4 missing in 12 districts."
    assert changes(old, new) == [("1,412", "1,438", "number", 26), ("37", "38", "number", 1),
                                 ("11", "12", "number", 1)]


def test_unequal_counts_pair_only_figures_with_the_same_neighbour():
    old = "Crews reached 40 villages."
    new = "Crews reached 52 villages and 3 farms."
    assert changes(old, new) == [("40", "52", "number", 12)]


def test_unchanged_figures_and_new_figures_alone_are_not_revisions():
    assert changes("Thirty-seven people died in 2026.",
                   "Thirty-seven people died in 2026, officials said on Friday.") == []
    assert changes("The count was 1,412.", "The count was 1,412, the ministry said, of 19,000.") \
        == []


def test_a_figure_revised_twice_in_the_text_is_merged_with_a_count():
    old = "Of 1,412 injured, most were treated at home. The 1,412 figure is final."
    new = "Of 1,438 injured, most were treated at home. The 1,438 figure is final."
    merged = merge_figure_changes(figure_changes(old, new, word_ops(old, new),
                                                 languages=("en", "en")))
    assert [(c.old, c.new, c.count) for c in merged] == [("1,412", "1,438", 2)]
    assert merged[0].context.startswith("Of 1,438 injured")
