"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, for
the tests of the e-mail alerts; `refusing` makes it answer 451 to every mail."""

import email
import email.policy
import logging
import socket

from aiosmtpd.controller import Controller


class Inbox:
    def __init__(self):
        self.messages = []
        self.refusing = False

    async def handle_DATA(self, server, session, envelope):
        if self.refusing:
            return "451 Try again later"
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 OK"

    def take(self):
        """The messages received since the last call."""
        taken, self.messages = self.messages, []
        return taken


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(inbox):
    """The server, listening on a free loopback port (`controller.port`)."""
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    controller.start()
    return controller
