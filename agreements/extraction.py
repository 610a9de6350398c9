"""A file's text, read in a child process under a wall-clock and a memory limit.

A hostile or merely pathological file (a zip bomb posing as DOCX, a PDF whose
page tree repeats one heavy page) costs at most EXTRACTION_TIME_LIMIT seconds
and EXTRACTION_MEMORY_MB of memory, in a process of its own; the text kept is
at most TEXT_MAX_CHARS characters. On a limit the file is kept and the reason
recorded, so the extraction can be retried (with other limits) later.
"""

import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from . import files

LIMIT_PREFIX = "text could not be extracted: "


@dataclass
class Extraction:
    text: str = ""
    error: str = ""
    capped: bool = False


def _job(path, out, content_type):
    return {
        "path": str(path),
        "out": str(out),
        "content_type": content_type,
        "max_chars": settings.TEXT_MAX_CHARS,
        "memory": settings.EXTRACTION_MEMORY_MB * 1024 * 1024,
        "archive_bytes": settings.ARCHIVE_MAX_BYTES,
        "archive_ratio": settings.ARCHIVE_MAX_RATIO,
    }


def _limited(which):
    return Extraction(error=LIMIT_PREFIX + which)


def _run(path, out, content_type):
    seconds = settings.EXTRACTION_TIME_LIMIT
    command = [sys.executable, "-m", "agreements.extract_worker"]
    command.append(json.dumps(_job(path, out, content_type)))
    try:
        done = subprocess.run(
            command,
            cwd=Path(__file__).resolve().parent.parent,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=seconds,
        )
    except subprocess.TimeoutExpired:
        return _limited(f"time limit ({seconds} s, EXTRACTION_TIME_LIMIT)")
    if done.returncode != 0:  # MemoryError, or killed on its way to one
        mb = settings.EXTRACTION_MEMORY_MB
        return _limited(f"memory limit ({mb} MB, EXTRACTION_MEMORY_MB)")
    # At most 4 bytes a character, and the JSON around them.
    with open(out, encoding="utf-8") as result:
        found = json.loads(result.read(settings.TEXT_MAX_CHARS * 6 + 4096))
    if "limit" in found:
        return _limited(found["limit"])
    if "error" in found:
        return Extraction(error=found["error"])
    return Extraction(text=found["text"], capped=found["capped"])


def extract(file, content_type):
    """The text of a file object (an upload or a stored file), as an Extraction."""
    if files.mime(content_type) not in files.EXTRACTORS:
        kind = files.mime(content_type)
        return Extraction(error=f"NoText: no text extraction for {kind}")
    with tempfile.TemporaryDirectory(prefix="extract-") as folder:
        path = Path(folder) / "file"
        with path.open("wb") as copy:
            file.seek(0)
            shutil.copyfileobj(file, copy, files.CHUNK)
            file.seek(0)
        return _run(path, Path(folder) / "text.json", content_type)
