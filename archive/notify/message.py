"""Notices as messages: a subject, a plain-text body and an HTML body.

Plain text is for phones and chat: the headline, the revised figures (`1,412 -> 1,438`), words
added and removed, links, then the changed paragraphs as `[-old-]{+new+}`. HTML (for e-mail) is
rendered by jinja2 with autoescape on, archived words escaped before the `<ins>`/`<del>` around
them, links only for http(s) URLs: the report's own rules (archive/report/render.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from jinja2 import ChoiceLoader, Environment, PackageLoader, StrictUndefined

from archive.diff.engine import MOVED_AWAY, SAME
from archive.diff.figures import FigureChange
from archive.notify.sources import Notice
from archive.report.diffview import Gap, label, view
from archive.report.render import delta, environment, when
from archive.report.termdiff import ops_text

MAX_PARAGRAPHS = 6      # changed paragraphs shown per edit; the report has the rest
MAX_DIFF_CHARS = 2500   # of diff text per edit in a message
MAX_PER_MESSAGE = 20    # notices in one digest; more go in further digests


@dataclass(frozen=True)
class Message:
    title: str
    text: str
    html: str
    keys: tuple[str, ...]   # the notices it carries


def figure_line(figure: FigureChange) -> str:
    """`1,412 -> 1,438 (+26)`, `in the headline` when it is there."""
    change = delta(figure)
    where = " in the headline" if figure.where == "title" else ""
    return f"{figure.old} -> {figure.new}" + (f" ({change})" if change else "") + where


def diff_lines(notice: Notice) -> list[str]:
    """The edit's changed paragraphs in the bracketed form, within the message's budget."""
    if notice.diff is None:
        return []
    lines, used, shown = [], 0, 0
    result = notice.diff.diff
    if result.title is not None:
        lines.append("Headline: " + ops_text(result.title.ops).plain)
    for item in view(result.body, context=0):
        if isinstance(item, Gap) or item.kind in (SAME, MOVED_AWAY):
            continue
        text = f"{label(item)} {ops_text(item.ops).plain}"
        if shown >= MAX_PARAGRAPHS or used + len(text) > MAX_DIFF_CHARS:
            lines.append("... (more in the report)")
            break
        lines.append(text)
        used, shown = used + len(text), shown + 1
    return lines


def notice_text(notice: Notice) -> str:
    lines = [f"{notice.summary}: {notice.title or notice.url}"]
    if notice.figures:
        lines.append("Figures: " + "; ".join(figure_line(f) for f in notice.figures))
    lines += list(notice.facts)
    lines.append(f"Seen {when(notice.at)}")
    lines.append(notice.url)
    lines += [f"{name}: {url}" for name, url in notice.links]
    diff = diff_lines(notice)
    if diff:
        lines.append("")
        lines += diff
    return "\n".join(lines)


def subject(notices: list[Notice], collection: str) -> str:
    if len(notices) == 1:
        notice = notices[0]
        return f"{notice.summary}: {notice.title or notice.url}"
    counts: dict[str, int] = {}
    for notice in notices:
        what = notice.summary.split(" (")[0].lower()
        counts[what] = counts.get(what, 0) + 1
    # "figures revised ×2", not "2 figures revised": a summary is a phrase ("a source it
    # cited changed", "restored") that a number in front of it would not read as.
    parts = ", ".join(summary + (f" ×{count}" if count > 1 else "")
                      for summary, count in counts.items())
    return f"{collection}: {len(notices)} changes ({parts})"


def compose(notices: list[Notice], collection: str, every: str) -> list[Message]:
    """The messages for one channel: one per notice, or digests of up to MAX_PER_MESSAGE."""
    size = 1 if every == "event" else MAX_PER_MESSAGE
    messages = []
    for start in range(0, len(notices), size):
        batch = notices[start:start + size]
        title = subject(batch, collection)
        text = "\n\n---\n\n".join(notice_text(n) for n in batch)
        html = _env().get_template("message.html.j2").render(
            title=title, notices=batch, figure_line=figure_line, collection=collection)
        messages.append(Message(title, text, html, tuple(n.key for n in batch)))
    return messages


@cache
def _env() -> Environment:
    """The report's environment (its filters, autoescape on) with our templates first."""
    report = environment()
    env = Environment(
        loader=ChoiceLoader([PackageLoader("archive.notify", "templates"),
                             *([report.loader] if report.loader else [])]),
        autoescape=True, undefined=StrictUndefined, finalize=report.finalize,
        trim_blocks=True, lstrip_blocks=True)
    env.filters.update(report.filters)
    env.tests.update(report.tests)
    env.globals.update(report.globals)
    env.globals.update(max_paragraphs=MAX_PARAGRAPHS)
    return env
