"""A tiny SMTP server for tests: it keeps what it receives, and can refuse or require a sign-in."""

from __future__ import annotations

import base64
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage


@dataclass
class SmtpSink:
    """What the server saw; ``refuse_data`` makes it answer every message with a temporary failure."""

    port: int = 0
    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)
    connections: int = 0
    refuse_data: bool = False
    require_auth: tuple[str, str] | None = None


def _handler(sink: SmtpSink) -> type[socketserver.StreamRequestHandler]:
    class Handler(socketserver.StreamRequestHandler):
        def reply(self, line: str) -> None:
            self.wfile.write(line.encode() + b"\r\n")
            self.wfile.flush()

        def handle(self) -> None:
            sink.connections += 1
            self.reply("220 sink ready")
            sender, signed_in = "", sink.require_auth is None
            recipients: list[str] = []
            while True:
                raw = self.rfile.readline()
                if not raw:
                    return
                line = raw.decode("utf-8", "replace").rstrip("\r\n")
                verb = line.split(" ", 1)[0].upper()
                if verb == "EHLO":
                    self.reply("250-sink")
                    self.reply("250-AUTH PLAIN")
                    self.reply("250 8BITMIME")
                elif verb == "HELO":
                    self.reply("250 sink")
                elif verb == "AUTH":
                    _, user, password = base64.b64decode(line.split()[2]).decode().split("\x00")
                    sink.logins.append((user, password))
                    if sink.require_auth is not None and (user, password) != sink.require_auth:
                        self.reply("535 5.7.8 authentication failed")
                    else:
                        signed_in = True
                        self.reply("235 2.7.0 signed in")
                elif verb == "MAIL":
                    if not signed_in:
                        self.reply("530 5.7.0 sign in first")
                        continue
                    sender, recipients = line.split(":", 1)[1].strip().strip("<>"), []
                    self.reply("250 ok")
                elif verb == "RCPT":
                    recipients.append(line.split(":", 1)[1].strip().strip("<>"))
                    self.reply("250 ok")
                elif verb == "DATA":
                    if sink.refuse_data:
                        self.reply("451 4.3.0 mailbox busy, try later")
                        continue
                    self.reply("354 go on")
                    data = b""
                    while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                        data += chunk[1:] if chunk.startswith(b"..") else chunk
                    sink.messages.append(message_from_bytes(data, policy=policy.default))
                    sink.envelopes.append((sender, recipients))
                    self.reply("250 queued")
                elif verb == "QUIT":
                    self.reply("221 bye")
                    return
                else:  # RSET, NOOP, …
                    self.reply("250 ok")

    return Handler


@contextmanager
def smtp_sink(**options: object) -> Iterator[SmtpSink]:
    """A sink listening on 127.0.0.1 in a thread, for the length of the block."""
    sink = SmtpSink(**options)  # type: ignore[arg-type]
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _handler(sink))
    server.daemon_threads = True
    sink.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield sink
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
