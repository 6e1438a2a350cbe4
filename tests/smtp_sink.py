"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, for delivery tests."""
import email
import socket
import threading
from email import policy

from aiosmtpd.controller import Controller


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# One port for the run, so that tests can name it in @pytest.mark.app_config(...).
SMTP_PORT = free_port()
MAIL = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": SMTP_PORT, "MAIL_TIMEOUT": 5}


class Sink:
    """An aiosmtpd handler that keeps every message; ``rcpt_replies`` refuses addresses."""

    def __init__(self):
        self.messages = []
        self.rcpt_replies = {}
        self._lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = self.rcpt_replies.get(address.lower())
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            self.messages.append({
                "mail_from": envelope.mail_from,
                "rcpt_tos": list(envelope.rcpt_tos),
                "message": email.message_from_bytes(envelope.original_content,
                                                    policy=policy.default),
                "raw": envelope.original_content,
            })
        return "250 Message accepted for delivery"

    def message_ids(self):
        with self._lock:
            return [m["message"]["Message-ID"] for m in self.messages]


class running_sink:
    """Context manager: an SMTP server with a Sink on ``port`` (a free one by default)."""

    def __init__(self, port=None):
        self.sink = Sink()
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=port or free_port())

    def __enter__(self):
        self.controller.start()
        return self.sink, self.controller.port

    def __exit__(self, *exc_info):
        self.controller.stop()
