"""Precision before recall: "the same figure" measured on the cases of tests/stale_cases.py."""

from __future__ import annotations

from stale_cases import CASES

from archive.diff.sameness import occurrences, same_figure


def judged() -> list[tuple[bool, bool]]:
    """(expected, found) for every case."""
    results = []
    for source_language, source, source_figure, language, article, figure, same in CASES:
        [one] = [o for o in occurrences(source, source_language)
                 if o.figure.text == source_figure]
        [other] = [o for o in occurrences(article, language) if o.figure.text == figure]
        results.append((same, same_figure(one, other)))
    return results


def test_no_coincidence_is_taken_for_the_same_figure():
    results = judged()
    true_positive = sum(1 for same, found in results if same and found)
    false_positive = sum(1 for same, found in results if found and not same)
    assert false_positive == 0  # precision 1.0 on these cases
    # Recall is what precision costs: measured, and kept from sliding unnoticed.
    positives = sum(1 for same, _ in results if same)
    assert (true_positive, positives, len(results) - positives) == (13, 14, 14)
