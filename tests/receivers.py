"""Real receivers on loopback for notification tests: an SMTP server (aiosmtpd) and a webhook
(http.server), each recording exactly what arrived."""

from __future__ import annotations

import email
import json
import socket
import threading
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MailBox:
    """aiosmtpd on 127.0.0.1; `messages` are the parsed e-mails that arrived."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[Message] = []
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"

    def url(self, **query: str) -> str:
        params = {"from": "archive@example.org", "to": "desk@example.org", **query}
        return (f"mailto://127.0.0.1:{self.port}?"
                + "&".join(f"{k}={v}" for k, v in params.items()))

    def start(self) -> "MailBox":
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()


def parts(message: Message) -> dict[str, str]:
    """Content type -> decoded text of each part of an e-mail."""
    found = {}
    for part in message.walk():
        if part.get_content_maintype() == "text":
            found[part.get_content_type()] = part.get_payload(decode=True).decode(
                part.get_content_charset() or "utf-8")
    return found


@dataclass
class Hook:
    """A webhook receiver; `fail` makes it answer 500 to everything."""

    posts: list[dict] = field(default_factory=list)
    headers: list[dict] = field(default_factory=list)
    fail: bool = False

    def start(self) -> "Hook":
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                size = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(size)
                if hook.fail:
                    self.send_response(500)
                    self.end_headers()
                    return
                hook.posts.append(json.loads(body))
                hook.headers.append(dict(self.headers))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    def url(self, auth: str = "") -> str:
        return f"json://{auth}127.0.0.1:{self.port}/palimpsest"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
