"""Loopback servers of half-dead services: one that accepts connections and
never answers, and a port where nothing listens."""

import contextlib
import socket
import threading


@contextlib.contextmanager
def silent_server(held=None):
    """A port on 127.0.0.1 that accepts every connection and never replies;
    the connections go into `held` (a list), if given."""
    listener = socket.create_server(("127.0.0.1", 0))
    held = [] if held is None else held

    def accept():
        with contextlib.suppress(OSError):  # the listener closed: done
            while True:
                held.append(listener.accept()[0])

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()
        for conn in held:
            conn.close()


def closed_port():
    """A port on 127.0.0.1 where nothing listens (connections are refused)."""
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return probe.getsockname()[1]
