"""The standfirst and dates inside sentences reach the hashed text; metadata times do not."""

from archive.extract.article import extract_html
from archive.extract.normalize import text_hash

BODY = "".join(
    f"<p>Paragraph {n} of the report, long enough to read as article text for the extractor, "
    f"about the pumping stations along the lower river.</p>" for n in range(8))


def page(standfirst: str = "Engineers say the levee will hold until spring.",
         sentence_date: str = "21 November", byline_time: str = "5 minutes ago") -> str:
    return (
        "<html><body><main><article><h1>Levee repairs to finish before the thaw</h1>"
        f'<p class="byline">By Ada Ferran, updated <time>{byline_time}</time></p>'
        f'<p class="standfirst">{standfirst}</p>'
        '<div itemprop="articleBody">'
        f"<p>The works are scheduled to end on <time datetime='2026-11-21'>{sentence_date}"
        "</time>, the ministry said, weather permitting, with crews working in two shifts.</p>"
        f"{BODY}</div></article></main></body></html>")


def test_the_standfirst_opens_the_text_and_an_edit_to_it_is_a_new_hash():
    first = extract_html(page())
    assert first.status == "ok"
    assert first.text.splitlines()[0] == "Engineers say the levee will hold until spring."
    edited = extract_html(page(standfirst="Engineers now doubt the levee will hold."))
    assert text_hash(first.title, first.text) != text_hash(edited.title, edited.text)


def test_a_date_inside_a_sentence_is_kept_and_its_revision_is_an_edit():
    first = extract_html(page())
    assert "scheduled to end on 21 November, the ministry said" in first.text
    moved = extract_html(page(sentence_date="28 November"))
    assert "scheduled to end on 28 November" in moved.text
    assert text_hash(first.title, first.text) != text_hash(moved.title, moved.text)


def test_a_byline_time_never_reaches_the_text():
    first = extract_html(page(byline_time="5 minutes ago"))
    later = extract_html(page(byline_time="2 hours ago"))
    assert "ago" not in first.text
    assert text_hash(first.title, first.text) == text_hash(later.title, later.text)
