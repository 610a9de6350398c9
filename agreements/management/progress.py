import sys
import time


class ProgressCommand:
    """A management command mixin that shows how far a long run has come."""

    def progress(self, what, done, count, started):
        """One line (rewritten in place on a terminal): a bar, `done` of `count`
        `what`, and the rate since `started` (a `time.monotonic()`)."""
        done, width = min(done, count), 30
        rate = done / max(time.monotonic() - started, 1e-6)
        bar = "#" * (width * done // max(count, 1))
        end = "\r" if sys.stdout.isatty() else "\n"
        self.stdout.write(
            f"  [{bar:<{width}}] {done}/{count} {what}, {rate:.0f}/s", ending=end
        )
