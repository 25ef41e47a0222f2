"""Revised figures in the languages of the sources Palimpsest archives, read with CLDR's
conventions of each: every sentence is ours, each revision checked exactly (the figure as
written before and after, its kind, both values and the difference)."""

from __future__ import annotations

import pytest

from archive.diff.figures import figure_changes, find_figures
from archive.diff.wordiff import word_ops


def revised(old: str, new: str, language: str | None) -> list[tuple]:
    return [(c.old, c.new, c.kind, c.old_value, c.new_value, c.delta)
            for c in figure_changes(old, new, word_ops(old, new), languages=(language, language))]


CASES = [
    ("en",
     "The ministry said 1,412 people were injured and 12.5% of homes lost power by 14 November; "
     "damage is put at €2.4 million.",
     "The ministry said 1,438 people were injured and 13.1% of homes lost power by 21 November; "
     "damage is put at €2.6 million.",
     [("1,412", "1,438", "number", 1412, 1438, 26), ("12.5%", "13.1%", "percent", 12.5, 13.1, 0.6),
      ("14 November", "21 November", "date", "--11-14", "--11-21", None),
      ("€2.4 million", "€2.6 million", "money", 2400000, 2600000, 200000)]),
    ("ru",
     "По данным министерства, пострадали 2 783 человека, 12,5 % домов остались без света, "
     "ущерб оценён в 1,2 млн рублей на 3 декабря.",
     "По данным министерства, пострадали 2 790 человек, 13,1 % домов остались без света, "
     "ущерб оценён в 1,4 млн рублей на 4 декабря.",
     [("2 783", "2 790", "number", 2783, 2790, 7), ("12,5 %", "13,1 %", "percent", 12.5, 13.1, 0.6),
      ("1,2 млн рублей", "1,4 млн рублей", "money", 1200000, 1400000, 200000),
      ("3 декабря", "4 декабря", "date", "--12-03", "--12-04", None)]),
    ("az",
     "Nazirliyin məlumatına görə, 2.783 nəfər yaralanıb, evlərin 12,5%-i zədələnib, ziyan "
     "1,2 milyon manat qiymətləndirilib (3 dekabr 2020).",
     "Nazirliyin məlumatına görə, 2.790 nəfər yaralanıb, evlərin 13,1%-i zədələnib, ziyan "
     "1,4 milyon manat qiymətləndirilib (4 dekabr 2020).",
     [("2.783", "2.790", "number", 2783, 2790, 7), ("12,5%", "13,1%", "percent", 12.5, 13.1, 0.6),
      ("1,2 milyon manat", "1,4 milyon manat", "money", 1200000, 1400000, 200000),
      ("3 dekabr 2020", "4 dekabr 2020", "date", "2020-12-03", "2020-12-04", None)]),
    ("tr",
     "Bakanlığa göre 2.783 kişi yaralandı, evlerin %12,5'i hasar gördü; zarar 1,2 milyon lira "
     "olarak hesaplandı (3 Aralık 2020).",
     "Bakanlığa göre 2.790 kişi yaralandı, evlerin %13,1'i hasar gördü; zarar 1,4 milyon lira "
     "olarak hesaplandı (4 Aralık 2020).",
     [("2.783", "2.790", "number", 2783, 2790, 7), ("%12,5", "%13,1", "percent", 12.5, 13.1, 0.6),
      ("1,2 milyon lira", "1,4 milyon lira", "money", 1200000, 1400000, 200000),
      ("3 Aralık 2020", "4 Aralık 2020", "date", "2020-12-03", "2020-12-04", None)]),
    ("hy",
     "Նախարարության տվյալներով՝ 2 783 մարդ է տուժել, տների 12,5%-ը վնասվել է, վնասը "
     "գնահատվում է 1,2 միլիոն դոլար՝ 2020 թ. դեկտեմբերի 3-ի դրությամբ։",
     "Նախարարության տվյալներով՝ 2 790 մարդ է տուժել, տների 13,1%-ը վնասվել է, վնասը "
     "գնահատվում է 1,4 միլիոն դոլար՝ 2020 թ. դեկտեմբերի 4-ի դրությամբ։",
     [("2 783", "2 790", "number", 2783, 2790, 7), ("12,5%", "13,1%", "percent", 12.5, 13.1, 0.6),
      ("1,2 միլիոն դոլար", "1,4 միլիոն դոլար", "money", 1200000, 1400000, 200000),
      ("2020 թ. դեկտեմբերի 3-ի", "2020 թ. դեկտեմբերի 4-ի", "date", "2020-12-03",
       "2020-12-04", None)]),
    ("fr",
     "Selon le ministère, 2\u202f783 personnes ont été blessées, 12,5 % des maisons ont perdu "
     "le courant et les dégâts atteignent 1,2 million d’euros au 1er décembre.",
     "Selon le ministère, 2\u202f790 personnes ont été blessées, 13,1 % des maisons ont perdu "
     "le courant et les dégâts atteignent 1,4 million d’euros au 2 décembre.",
     [("2\u202f783", "2\u202f790", "number", 2783, 2790, 7),
      ("12,5 %", "13,1 %", "percent", 12.5, 13.1, 0.6),
      ("1,2 million d’euros", "1,4 million d’euros", "money", 1200000, 1400000, 200000),
      ("1er décembre", "2 décembre", "date", "--12-01", "--12-02", None)]),
    ("de",
     "Nach Angaben des Ministeriums wurden 2.783 Menschen verletzt, 12,5 % der Häuser waren "
     "ohne Strom, der Schaden wird auf 1,2 Mio. Euro geschätzt (Stand: 3. Dezember).",
     "Nach Angaben des Ministeriums wurden 2.790 Menschen verletzt, 13,1 % der Häuser waren "
     "ohne Strom, der Schaden wird auf 1,4 Mio. Euro geschätzt (Stand: 4. Dezember).",
     [("2.783", "2.790", "number", 2783, 2790, 7), ("12,5 %", "13,1 %", "percent", 12.5, 13.1, 0.6),
      ("1,2 Mio. Euro", "1,4 Mio. Euro", "money", 1200000, 1400000, 200000),
      ("3. Dezember", "4. Dezember", "date", "--12-03", "--12-04", None)]),
    ("es",
     "Según el ministerio, 2.783 personas resultaron heridas, el 12,5 % de las viviendas se "
     "quedó sin luz y los daños suman 1,2 millones de euros al 3 de diciembre de 2020.",
     "Según el ministerio, 2.790 personas resultaron heridas, el 13,1 % de las viviendas se "
     "quedó sin luz y los daños suman 1,4 millones de euros al 4 de diciembre de 2020.",
     [("2.783", "2.790", "number", 2783, 2790, 7), ("12,5 %", "13,1 %", "percent", 12.5, 13.1, 0.6),
      ("1,2 millones de euros", "1,4 millones de euros", "money", 1200000, 1400000, 200000),
      ("3 de diciembre de 2020", "4 de diciembre de 2020", "date", "2020-12-03", "2020-12-04",
       None)]),
    ("ar",  # Arabic script, Western digits
     "أعلنت الوزارة إصابة 2,783 شخصا، وتضرر 12.5% من المنازل، وقدرت الخسائر بنحو "
     "1.2 مليون دولار حتى 3 ديسمبر 2020.",
     "أعلنت الوزارة إصابة 2,790 شخصا، وتضرر 13.1% من المنازل، وقدرت الخسائر بنحو "
     "1.4 مليون دولار حتى 4 ديسمبر 2020.",
     [("2,783", "2,790", "number", 2783, 2790, 7), ("12.5%", "13.1%", "percent", 12.5, 13.1, 0.6),
      ("1.2 مليون دولار", "1.4 مليون دولار", "money", 1200000, 1400000, 200000),
      ("3 ديسمبر 2020", "4 ديسمبر 2020", "date", "2020-12-03", "2020-12-04", None)]),
    ("ar",  # Eastern Arabic digits, Arabic separators, a Levantine month name
     "أعلنت الوزارة إصابة ٢٬٧٨٣ شخصا وتضرر ١٢٫٥٪ من المنازل حتى ٣ كانون الأول ٢٠٢٠ "
     "وبلغ عدد النازحين ٩٤١٢ شخصا.",
     "أعلنت الوزارة إصابة ٢٬٧٩٠ شخصا وتضرر ١٣٫١٪ من المنازل حتى ٤ كانون الأول ٢٠٢٠ "
     "وبلغ عدد النازحين ٩٥٠٠ شخصا.",
     [("٢٬٧٨٣", "٢٬٧٩٠", "number", 2783, 2790, 7), ("١٢٫٥٪", "١٣٫١٪", "percent", 12.5, 13.1, 0.6),
      ("٣ كانون الأول ٢٠٢٠", "٤ كانون الأول ٢٠٢٠", "date", "2020-12-03", "2020-12-04", None),
      ("٩٤١٢", "٩٥٠٠", "number", 9412, 9500, 88)]),
]


@pytest.mark.parametrize("language, old, new, expected", CASES,
                         ids=[f"{case[0]}-{number}" for number, case in enumerate(CASES)])
def test_revised_figures_in_each_language(language, old, new, expected):
    assert revised(old, new, language) == expected


@pytest.mark.parametrize("language, text, found", [
    ("ru", "в декабре 2020 года и в январе", [("декабре 2020", "date", "2020-12")]),
    ("ru", "декабрь 2020", [("декабрь 2020", "date", "2020-12")]),
    ("az", "2020-ci il dekabrın 3-də", [("2020-ci il dekabrın 3-də", "date", "2020-12-03")]),
    ("ru", "03.12.2020", [("03.12.2020", "date", "2020-12-03")]),
    ("en", "12/03/2020", [("12/03/2020", "date", "2020-12-03")]),
    ("de", "2,5 ‰ und 3,1 Promille", [("2,5 ‰", "permille", None), ("3,1 Promille", "permille",
                                                                     None)]),
    ("en", "Nov. 3 and Sept. 14, 2026", [("Nov. 3", "date", "--11-03"),
                                         ("Sept. 14, 2026", "date", "2026-09-14")]),
])
def test_dates_and_rates_in_every_form(language, text, found):
    assert [(f.text, f.kind, f.date) for f in find_figures(text, language)] == found


def test_a_number_one_convention_reads_differently_is_ambiguous_without_a_language():
    old, new = "Yaralıların sayı 2.783 oldu.", "Yaralıların sayı 2.790 oldu."
    [change] = figure_changes(old, new, word_ops(old, new))
    assert (change.ambiguous, change.delta, change.old_value) == (True, None, None)
    assert [(r["from_value"], r["to_value"], r["delta"]) for r in change.readings] == [
        (2783, 2790, 7), (2.783, 2.79, 0.007)]
    assert change.to_json()["readings"][0]["reading"] == "'.' groups thousands"
    assert change.difference() == "ambiguous: +7 or +0.007"


@pytest.mark.parametrize("old, new, expected", [
    ("2.783", "2.790,5", (2783, 2790.5, 7.5)),     # the newer form says '.' groups
    ("2.783", "2.79", (2.783, 2.79, 0.007)),       # the newer form says '.' marks decimals
    ("2,783", "2,790.25", (2783, 2790.25, 7.25)),
    ("0,783", "0,790", (0.783, 0.79, 0.007)),      # a thousands group never starts with 0
    ("1.234.567", "1.234.568", (1234567, 1234568, 1)),
])
def test_an_ambiguous_number_is_read_by_its_counterparts_form(old, new, expected):
    a, b = f"The count stood at {old} people.", f"The count stood at {new} people."
    [change] = figure_changes(a, b, word_ops(a, b))
    assert not change.ambiguous
    assert (change.old_value, change.new_value, change.delta) == expected


def test_the_language_decides_where_the_form_does_not():
    a, b = "Yaralıların sayı 2.783 oldu.", "Yaralıların sayı 2.790 oldu."
    assert revised(a, b, "az") == [("2.783", "2.790", "number", 2783, 2790, 7)]
    assert revised(a, b, "en") == [("2.783", "2.790", "number", 2.783, 2.79, 0.007)]
    # A form the language does not use is read as written: an English figure in a German text.
    assert revised("Es waren 2,783.5 Tonnen.", "Es waren 2,790.5 Tonnen.", "de") == [
        ("2,783.5", "2,790.5", "number", 2783.5, 2790.5, 7)]


def test_different_currencies_give_no_difference():
    [change] = figure_changes("It cost €12.", "It cost $14.", word_ops("It cost €12.",
                                                                       "It cost $14."),
                              languages=("en", "en"))
    assert (change.kind, change.delta, change.unit) == ("money", None, "USD")
