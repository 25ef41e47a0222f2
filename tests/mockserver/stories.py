"""What the mock news site publishes: three articles of The Wend Valley Echo and the three
notices of the Wend Valley Water Board they cite, with the variants tests switch between.

All of it is fiction written for these tests. A citation is written ``{{N|words}}`` in the
text: the words link to water-board notice N on the other host. Each one-word edit swaps a word
that occurs exactly once in its article (test_mockserver checks it).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timezone

_CITATION = re.compile(r"\{\{([0-9]+)\|([^}]+)\}\}")


@dataclass(frozen=True)
class Story:
    """One article as the newspaper serves it."""

    headline: str
    byline: str
    published: datetime
    standfirst: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Notice:
    """One water-board notice: a static page that answers conditional requests."""

    title: str
    issued: datetime
    paragraphs: tuple[str, ...]


def _at(day: int, hour: int, minute: int) -> datetime:
    return datetime(2026, 10, day, hour, minute, tzinfo=timezone.utc)


STORIES = {
    "flood-count": Story(
        headline="Water board puts storm injuries at 1,180 in its first full count",
        byline="Orla Penhale",
        published=_at(12, 7, 30),
        standfirst="The Wend Valley Water Board said on Monday that {{1|1,180 people were "
                   "hurt}} during the September storm surge, the first figure to include the "
                   "coastal villages.",
        paragraphs=(
            "The count brings together records from four hospitals and the field posts set "
            "up in church halls. It is close to double the number the board gave in the first "
            "days after the surge.",
            "According to {{1|the board's statement}}, most injuries were sprains, cuts and "
            "cases of exposure among people who waded through flooded lanes. No deaths have "
            "been added to the toll since the first week.",
            "Board chair Hester Quayle said the figures had been checked against each "
            "hospital's own register. \"We wanted one number that nobody would have to "
            "correct,\" she said.",
            "About 2,400 residents of the lower town are still living with relatives or in the "
            "sports centre. The board expects most of them to be home before the end of the "
            "month.",
            "Councillors in Kelby have asked why the sirens in the harbour district sounded "
            "only after water had reached the quay. The board says a review of its warning "
            "system will report in the spring.",
        ),
    ),
    "dam-review": Story(
        headline="Engineers to inspect Harrow Lock sluice after divers find cracks",
        byline="Tomas Reddin",
        published=_at(14, 9, 10),
        standfirst="The sluice at Harrow Lock will stay closed to boats while engineers examine "
                   "cracks in its concrete apron, {{2|the water board announced}} on "
                   "Wednesday.",
        paragraphs=(
            "Divers working for the board found three cracks during a routine survey after "
            "the storm. The board said in {{2|its notice}} that none of them threatens the "
            "lock gates.",
            "The lock was built in 1911 and rebuilt after a partial collapse in 1974. It "
            "carries most of the leisure traffic between the estuary and the upper river.",
            "\"Nobody downstream is in any danger,\" said the board's chief engineer, Ruth "
            "Amble. \"But we won't let boats through until we're sure of the apron.\"",
            "An independent engineer will review the survey and is expected to report by the "
            "end of January. Until then boats will be lifted past the lock by crane at "
            "weekends.",
            "Boat owners' associations said the closure would cost the marinas upstream their "
            "autumn trade. The board has promised to publish the engineer's findings in full.",
        ),
    ),
    "winter-warning": Story(
        headline="Charities warn of a hard winter for families still out of their homes",
        byline="Orla Penhale",
        published=_at(16, 11, 45),
        standfirst="Charities in the Wend valley say damp houses and broken boilers could leave "
                   "hundreds of families cold this winter, despite {{3|the board's emergency "
                   "grants}}.",
        paragraphs=(
            "A survey published on Friday by three local charities found that one in six "
            "flooded homes still has no working heating. Many of those households are "
            "elderly people living alone.",
            "The charities drew on {{1|the water board's own injury figures}} to estimate how "
            "many people are still recovering at home. They say most of them live in the "
            "lower town.",
            "\"A grant helps, but it doesn't dry a wall,\" said Amir Castell, who runs the "
            "Kelby food bank. \"People need somewhere warm to wait.\"",
            "Volunteers are handing out heaters and dehumidifiers from the old market hall. "
            "The supply, they say, will last until the middle of November.",
            "The charities want councils to visit older residents in person rather than write "
            "to them. Many telephone lines in the lower town are still out of order.",
        ),
    ),
}

NOTICES = {
    "1": Notice(
        title="Storm surge of 21 September: injuries recorded",
        issued=_at(12, 7, 0),
        paragraphs=(
            "The Board has now received injury records from all four hospitals in the valley "
            "and from the field posts it ran during the surge. In total 1,180 people were "
            "treated.",
            "Most injuries were minor. Sixty-two people were admitted to hospital, of whom "
            "four remain there today.",
            "The figures will be updated if further records reach the Board. Questions from "
            "the press should be sent to the Board's press desk in Kelby.",
        ),
    ),
    "2": Notice(
        title="Harrow Lock: sluice closed for inspection",
        issued=_at(14, 8, 30),
        paragraphs=(
            "Divers surveying Harrow Lock after the storm found three cracks in the concrete "
            "apron of the sluice. The sluice is closed to navigation from today.",
            "The cracks do not affect the lock gates, and there is no risk to properties "
            "downstream. An independent engineer has been appointed to review the survey.",
            "Boats will be lifted past the lock by crane on Saturdays and Sundays until "
            "further notice.",
        ),
    ),
    "3": Notice(
        title="Emergency heating grants for flooded homes",
        issued=_at(15, 10, 0),
        paragraphs=(
            "Households whose homes were flooded on 21 September can apply for a grant of up "
            "to 600 pounds towards heating and drying equipment.",
            "Applications open on Monday and can be made online or at the Board's offices in "
            "Kelby. Grants will be paid within ten working days of a complete application.",
            "Tenants may apply as well as owners. Landlords remain responsible for repairs to "
            "boilers and wiring in the homes they let.",
        ),
    ),
}

VARIANTS = ("v1", "twin", "edit", "headline", "broken", "gone", "truncated")
# The "edit" variant changes exactly one word of the body; "headline" changes only the h1.
ONE_WORD_EDITS = {
    "flood-count": ("double", "triple"),
    "dam-review": ("January", "March"),
    "winter-warning": ("Friday", "Thursday"),
}
HEADLINE_EDITS = {
    "flood-count": "Storm surge hurt 1,180 people, the water board's full count shows",
    "dam-review": "Cracks keep Harrow Lock closed to boats while engineers inspect its sluice",
    "winter-warning": "Hundreds of flooded families face a cold winter, charities say",
}


def story_variant(name: str, variant: str) -> Story:
    """The article /articles/`name` shows as `variant` ("broken" shows none: this is "v1")."""
    story = STORIES[name]
    if variant == "twin":
        return typographic_twin(story)
    if variant == "edit":
        old, new = ONE_WORD_EDITS[name]
        return replace(story, standfirst=story.standfirst.replace(old, new),
                       paragraphs=tuple(p.replace(old, new) for p in story.paragraphs))
    if variant == "headline":
        return replace(story, headline=HEADLINE_EDITS[name])
    return story


def typographic_twin(story: Story) -> Story:
    """The same words typed differently: curly quotes and apostrophes; every other paragraph
    with no-break spaces, the rest with a line break after each sentence."""

    def retype(text: str, index: int) -> str:
        text = re.sub(r'"([^"]*)"', "\u201c\\1\u201d", text).replace("'", "\u2019")
        return text.replace(" ", "\u00a0") if index % 2 else text.replace(". ", ".\n      ")

    return replace(story, standfirst=retype(story.standfirst, 0),
                   paragraphs=tuple(retype(p, i) for i, p in enumerate(story.paragraphs)))


def pieces(text: str) -> Iterator[tuple[str, str | None]]:
    """Split `text` into (words, notice number) pieces; the number is None outside citations.

    >>> list(pieces("See {{2|the notice}} today."))
    [('See ', None), ('the notice', '2'), (' today.', None)]
    """
    position = 0
    for match in _CITATION.finditer(text):
        if match.start() > position:
            yield text[position:match.start()], None
        yield match.group(2), match.group(1)
        position = match.end()
    if position < len(text):
        yield text[position:], None


def plain(text: str) -> str:
    """`text` without its citation markers.

    >>> plain("See {{2|the notice}} today.")
    'See the notice today.'
    """
    return "".join(words for words, _ in pieces(text))
