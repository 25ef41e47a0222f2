"""Pages in other encodings, declared in the header, in a meta tag, by a BOM, or in conflict:
what an extractor must decode right before it can compare texts."""

from __future__ import annotations

from dataclasses import dataclass

from mockserver.replies import Reply, Request, not_found, reply


@dataclass(frozen=True)
class CharsetPage:
    """A page whose encoding is declared in the header, in a meta tag, by a BOM, or in conflict."""

    encoding: str  # how the body bytes are encoded
    header: str | None  # charset parameter of Content-Type, if any
    meta: str | None  # charset declared in the document, if any
    bom: bool
    title: str
    text: str  # the paragraph an extractor must recover, as Unicode


_RUSSIAN = (
    "Городской совет Марраска утвердил план восстановления набережной",
    "Городской совет Марраска во вторник утвердил план восстановления набережной реки Дравна, "
    "разрушенной октябрьским наводнением. По словам заместителя мэра Ольги Вересковой, сначала "
    "отремонтируют подпорные стены и пешеходные мосты, а жители смогут высказать своё мнение о "
    "проекте на открытых слушаниях в декабре.",
)
_FRENCH = (
    "Le festival d'hiver de Marrask est reporté à février",
    "Les organisateurs du festival d'hiver de Marrask ont annoncé lundi que l'édition de cette "
    "année se tiendra en février, après les inondations qui ont endommagé la place du marché. "
    "« Nous préférons attendre quelques semaines plutôt que d'annuler », a déclaré la directrice, "
    "Hélène Varga. Les billets déjà vendus resteront valables.",
)
_GERMAN = (
    "Die Fähre über die Dravna fährt wieder",
    "Nach drei Wochen Pause verkehrt die Fähre zwischen Saldo und Brenitz seit Montag wieder "
    "im Stundentakt — vorerst nur tagsüber. Die Überfahrt kostet weiterhin 2 €, für Schüler ist "
    "sie gratis. Am Anleger hängt ein Gruß der Bürgermeisterin: «Добро пожаловать обратно».",
)
CHARSET_PAGES = {
    "/charset/cp1251-header": CharsetPage("windows-1251", "windows-1251", None, False, *_RUSSIAN),
    "/charset/cp1251-meta": CharsetPage("windows-1251", None, "windows-1251", False, *_RUSSIAN),
    "/charset/latin1-header": CharsetPage("iso-8859-1", "iso-8859-1", None, False, *_FRENCH),
    "/charset/latin1-meta": CharsetPage("iso-8859-1", None, "iso-8859-1", False, *_FRENCH),
    "/charset/utf8-bom": CharsetPage("utf-8", None, None, True, *_GERMAN),
    # The header says windows-1251 and the meta utf-8: the header wins, and the body is cp1251.
    "/charset/conflict": CharsetPage("windows-1251", "windows-1251", "utf-8", False, *_RUSSIAN),
}


def charset_body(page: CharsetPage) -> bytes:
    """The encoded document of a charset test page."""
    declaration = ""
    if page.meta == "iso-8859-1":  # the older http-equiv spelling, so both forms are covered
        declaration = f'<meta http-equiv="Content-Type" content="text/html; charset={page.meta}">'
    elif page.meta:
        declaration = f'<meta charset="{page.meta}">'
    document = (
        f"<!DOCTYPE html>\n<html><head>{declaration}<title>{page.title}</title></head>\n"
        f"<body><article><h1>{page.title}</h1>\n<p>{page.text}</p>\n</article></body></html>\n"
    )
    return (b"\xef\xbb\xbf" if page.bom else b"") + document.encode(page.encoding)


def charset(server, request: Request, name: str) -> Reply:
    """/charset/NAME: the page of CHARSET_PAGES, with the header charset it declares."""
    page = CHARSET_PAGES.get(f"/charset/{name}")
    if page is None:
        return not_found("charset page")
    declared = f"; charset={page.header}".encode() if page.header else b""
    return reply(200, charset_body(page), b"text/html" + declared)
