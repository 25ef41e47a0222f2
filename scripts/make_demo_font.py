"""Make the demo newspaper's display font: a blocky capital face drawn on a 5x7 grid.

The demo site's pages carry a web font like a real newspaper's, so replay and screenshots show
whether a font survived archiving. The glyphs are drawn here, square by square, so the font
is the project's own work. Run it with fontTools installed (not a Palimpsest dependency):

    pip install fonttools==4.68.0 brotli && python scripts/make_demo_font.py

It writes archive/demo/static/marrask-display.woff2, which is committed.
"""

from __future__ import annotations

from pathlib import Path

from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen

OUT = Path(__file__).resolve().parent.parent / "archive" / "demo" / "static" / \
    "marrask-display.woff2"
CELL = 120  # font units per grid square
ASCENT, DESCENT = 7 * CELL + 60, 2 * CELL
ADVANCE = 6 * CELL  # five squares and a gap

GLYPHS = {
    "A": [".###.", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"],
    "B": ["####.", "#...#", "#...#", "####.", "#...#", "#...#", "####."],
    "C": [".####", "#....", "#....", "#....", "#....", "#....", ".####"],
    "D": ["####.", "#...#", "#...#", "#...#", "#...#", "#...#", "####."],
    "E": ["#####", "#....", "#....", "####.", "#....", "#....", "#####"],
    "F": ["#####", "#....", "#....", "####.", "#....", "#....", "#...."],
    "G": [".####", "#....", "#....", "#.###", "#...#", "#...#", ".###."],
    "H": ["#...#", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"],
    "I": ["#####", "..#..", "..#..", "..#..", "..#..", "..#..", "#####"],
    "J": ["..###", "...#.", "...#.", "...#.", "...#.", "#..#.", ".##.."],
    "K": ["#...#", "#..#.", "#.#..", "##...", "#.#..", "#..#.", "#...#"],
    "L": ["#....", "#....", "#....", "#....", "#....", "#....", "#####"],
    "M": ["#...#", "##.##", "#.#.#", "#.#.#", "#...#", "#...#", "#...#"],
    "N": ["#...#", "##..#", "#.#.#", "#..##", "#...#", "#...#", "#...#"],
    "O": [".###.", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."],
    "P": ["####.", "#...#", "#...#", "####.", "#....", "#....", "#...."],
    "Q": [".###.", "#...#", "#...#", "#...#", "#.#.#", "#..#.", ".##.#"],
    "R": ["####.", "#...#", "#...#", "####.", "#.#..", "#..#.", "#...#"],
    "S": [".####", "#....", "#....", ".###.", "....#", "....#", "####."],
    "T": ["#####", "..#..", "..#..", "..#..", "..#..", "..#..", "..#.."],
    "U": ["#...#", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."],
    "V": ["#...#", "#...#", "#...#", "#...#", "#...#", ".#.#.", "..#.."],
    "W": ["#...#", "#...#", "#...#", "#.#.#", "#.#.#", "##.##", "#...#"],
    "X": ["#...#", "#...#", ".#.#.", "..#..", ".#.#.", "#...#", "#...#"],
    "Y": ["#...#", "#...#", ".#.#.", "..#..", "..#..", "..#..", "..#.."],
    "Z": ["#####", "....#", "...#.", "..#..", ".#...", "#....", "#####"],
    "zero": [".###.", "#...#", "#..##", "#.#.#", "##..#", "#...#", ".###."],
    "one": ["..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###."],
    "two": [".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####"],
    "three": ["####.", "....#", "....#", ".###.", "....#", "....#", "####."],
    "four": ["...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#."],
    "five": ["#####", "#....", "####.", "....#", "....#", "#...#", ".###."],
    "six": [".###.", "#....", "#....", "####.", "#...#", "#...#", ".###."],
    "seven": ["#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#..."],
    "eight": [".###.", "#...#", "#...#", ".###.", "#...#", "#...#", ".###."],
    "nine": [".###.", "#...#", "#...#", ".####", "....#", "....#", ".###."],
    "comma": [".....", ".....", ".....", ".....", ".##..", "..#..", ".#..."],
    "quotesingle": ["..#..", "..#..", ".....", ".....", ".....", ".....", "....."],
    "period": [".....", ".....", ".....", ".....", ".....", ".##..", ".##.."],
    "hyphen": [".....", ".....", ".....", "####.", ".....", ".....", "....."],
}
NAMES = {"period": ".", "hyphen": "-", "comma": ",", "quotesingle": "'", "zero": "0",
         "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
         "seven": "7", "eight": "8", "nine": "9"}


def draw(rows: list[str]):
    pen = TTGlyphPen(None)
    for row_number, row in enumerate(rows):
        top = (7 - row_number) * CELL
        for column, mark in enumerate(row):
            if mark != "#":
                continue
            left = column * CELL + CELL // 2
            # Clockwise, as TrueType outlines are.
            pen.moveTo((left, top - CELL))
            pen.lineTo((left, top))
            pen.lineTo((left + CELL, top))
            pen.lineTo((left + CELL, top - CELL))
            pen.closePath()
    return pen.glyph()


def build() -> bytes:
    order = [".notdef", "space", *GLYPHS]
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder(order)
    cmap = {ord(" "): "space"}
    for name in GLYPHS:
        character = NAMES.get(name, name)
        cmap[ord(character)] = name
        if character.isalpha():
            cmap[ord(character.lower())] = name
    builder.setupCharacterMap(cmap)
    glyphs = {".notdef": draw(["#####", "#...#", "#...#", "#...#", "#...#", "#...#", "#####"]),
              "space": TTGlyphPen(None).glyph()}
    glyphs.update({name: draw(rows) for name, rows in GLYPHS.items()})
    builder.setupGlyf(glyphs)
    builder.setupHorizontalMetrics({name: (ADVANCE, 0) for name in order})
    builder.setupHorizontalHeader(ascent=ASCENT, descent=-DESCENT)
    builder.setupNameTable({"familyName": "Marrask Display", "styleName": "Regular",
                            "copyright": "Drawn for the Palimpsest demo (Apache-2.0)"})
    builder.setupOS2(sTypoAscender=ASCENT, sTypoDescender=-DESCENT, usWinAscent=ASCENT,
                     usWinDescent=DESCENT)
    builder.setupPost()
    builder.font.flavor = "woff2"
    OUT.parent.mkdir(parents=True, exist_ok=True)
    builder.save(str(OUT))
    return OUT.read_bytes()


if __name__ == "__main__":
    print(f"{OUT}: {len(build())} bytes")
