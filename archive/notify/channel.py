"""Sending one message to one channel through Apprise, and saying plainly why it failed.

E-mail gets the HTML body (with its plain-text alternative, which Apprise derives); every other
service gets the plain-text body, whose `[-old-]{+new+}` diff reads the same in any client.
Apprise reports failures only in its log: that log is caught here and becomes the reason, with
the channel's secrets blanked out.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from archive.notify.message import Message

logger = logging.getLogger(__name__)

# Apprise services that are e-mail: they get the HTML body.
EMAIL_SCHEMES = frozenset({"mailto", "mailtos", "ses", "sendgrid", "mailgun", "sparkpost",
                           "o365", "resend", "smtp2go", "brevo"})
TIMEOUT_S = 20  # connect and read, per request: a hung server must not hold the run


@dataclass(frozen=True)
class SendResult:
    ok: bool
    reason: str | None = None


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def wants_html(url: str) -> bool:
    return url.split(":", 1)[0].lower() in EMAIL_SCHEMES


def send(url: str, message: Message, secrets: list[str]) -> SendResult:
    """Send `message` to the Apprise `url`; never raises."""
    import apprise

    apprise_logger = logging.getLogger("apprise")
    collect = _Collect()
    apprise_logger.addHandler(collect)
    propagate, apprise_logger.propagate = apprise_logger.propagate, False
    try:
        app = apprise.Apprise()
        if not app.add(_with_timeouts(url)):
            return SendResult(False, "Apprise does not understand the URL")
        html = wants_html(url)
        ok = app.notify(title=message.title, body=message.html if html else message.text,
                        body_format=apprise.NotifyFormat.HTML if html
                        else apprise.NotifyFormat.TEXT)
    except Exception as exc:  # a plugin's bug must not end the run; say what it was
        return SendResult(False, _blank(f"{type(exc).__name__}: {exc}", secrets))
    finally:
        apprise_logger.removeHandler(collect)
        apprise_logger.propagate = propagate
    if ok:
        return SendResult(True)
    reason = "; ".join(dict.fromkeys(collect.lines)) or "Apprise reported a failure"
    return SendResult(False, _blank(reason, secrets)[:300])


def _with_timeouts(url: str) -> str:
    """Apprise's connect (`cto`) and read (`rto`) timeouts, unless the URL sets its own."""
    joiner = "&" if "?" in url else "?"
    extra = [f"{name}={TIMEOUT_S}" for name in ("cto", "rto") if f"{name}=" not in url]
    return url + (joiner + "&".join(extra) if extra else "")


def _blank(text: str, secrets: list[str]) -> str:
    from urllib.parse import quote

    for secret in secrets:
        if secret:
            text = text.replace(secret, "***").replace(quote(secret, safe=""), "***")
    return text
