"""The child process that reads a file's text: `python -m agreements.extract_worker`.

Run by `extraction.extract` with one JSON argument: {"path", "out",
"content_type", "max_chars", "memory", "archive_bytes", "archive_ratio"}. Its
address space is limited to `memory` bytes before any file is opened; it
writes {"text", "capped"} or {"error"} or {"limit"} as JSON to `out`, the
text cut at `max_chars`. Imports no Django: it starts in a fraction of a
second and can touch nothing but the two files.
"""

import json
import resource
import sys

from . import files

EXIT_MEMORY = 3


def run(job):
    with open(job["path"], "rb") as file:
        if files.mime(job["content_type"]) == files.DOCX:
            files.check_archive(file, job["archive_bytes"], job["archive_ratio"])
        text = files.extract(file, job["content_type"])
    return {"text": text[: job["max_chars"]], "capped": len(text) > job["max_chars"]}


def reached(memory):
    """Whether this process's address space came close to `memory` bytes."""
    try:
        with open("/proc/self/status") as status:
            peak = next(line for line in status if line.startswith("VmPeak:"))
    except (OSError, StopIteration):
        return False
    return int(peak.split()[1]) * 1024 > memory * 0.9


def main(argv):
    job = json.loads(argv[1])
    resource.setrlimit(resource.RLIMIT_AS, (job["memory"], job["memory"]))
    try:
        result = run(job)
    except MemoryError:
        return EXIT_MEMORY
    except files.ArchiveLimit as exc:
        result = {"limit": str(exc)}
    except Exception as exc:  # noqa: BLE001 - any failure is reported, the file kept
        if reached(job["memory"]):  # a C library's failed allocation, e.g. lxml's
            return EXIT_MEMORY
        result = {"error": f"{exc.__class__.__name__}: {exc}"[:2000]}
    with open(job["out"], "w", encoding="utf-8") as out:
        json.dump(result, out, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except MemoryError:
        sys.exit(EXIT_MEMORY)
