"""Lines that only say how long ago the page was updated: churn, never article text.

"Updated 3 minutes ago" under a headline changes on every capture of an unedited article;
when the extractor keeps it as a paragraph of its own, every capture would hash as a new
version. Such a line is dropped from the extracted text; the same words inside a sentence
("the dam burst 3 hours ago, officials said") stay, since only whole lines are matched.
English, German, French, Spanish and Russian forms are known; per-seed `ignore` patterns
cover the rest.
"""

from __future__ import annotations

import re

_EN = (r"(?:(?:last\s+)?updated|posted|published|edited)?\s*:?\s*(?:\d+|an?|one)\s*"
       r"(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|h|m|days?|weeks?)\s+ago"
       r"|(?:(?:last\s+)?updated\s+)?just\s+now")
_DE = (r"(?:(?:zuletzt\s+)?aktualisiert)?\s*:?\s*vor\s+(?:\d+|einer?)\s+"
       r"(?:Sekunden?|Minuten?|Min\.?|Stunden?|Std\.?|Tag(?:en)?)|gerade\s+eben")
_FR = (r"(?:mis\s+à\s+jour\s+)?il\s+y\s+a\s+(?:\d+|une?)\s+"
       r"(?:secondes?|minutes?|min|heures?|h|jours?)")
_ES = (r"(?:actualizado\s+)?hace\s+(?:\d+|una?)\s+"
       r"(?:segundos?|minutos?|min|horas?|h|días?)")
_RU = r"(?:обновлено\s+)?\d+\s+(?:секунд\w*|минут\w*|мин\.?|час\w*|дн\w*|день)\s+назад"

_STAMP_LINE = re.compile(rf"^\W*(?:{_EN}|{_DE}|{_FR}|{_ES}|{_RU})\W*$", re.IGNORECASE)


def is_relative_stamp(line: str) -> bool:
    """Whether a whole line only says how long ago something happened.

    >>> is_relative_stamp("Updated 3 minutes ago"), is_relative_stamp("vor 5 Minuten")
    (True, True)
    >>> is_relative_stamp("The dam burst 3 hours ago, officials said.")
    False
    """
    return len(line) <= 80 and _STAMP_LINE.match(line.strip()) is not None


def without_relative_stamps(text: str) -> str:
    """`text` without its lines that are relative timestamps.

    >>> without_relative_stamps("Updated 17 minutes ago\\nThe dam held.")
    'The dam held.'
    """
    return "\n".join(line for line in text.split("\n") if not is_relative_stamp(line))
