"""Uploaded files: what they are (sniffed from the bytes), their checksum, their text.

Nothing here trusts the name or the browser's content type of an upload: a
"treaty.pdf" that is really HTML is stored, served and extracted as HTML.
"""

import codecs
import hashlib
import zipfile
from html.parser import HTMLParser

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
HTML = "text/html"
TEXT = "text/plain"
WARC = "application/warc"
GZIP = "application/gzip"
ZIP = "application/zip"
BINARY = "application/octet-stream"
HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<script", b"<meta")
CHUNK = 1 << 20


def read_chunks(file):
    file.seek(0)
    while chunk := file.read(CHUNK):
        yield chunk
    file.seek(0)


def checksum(file):
    """(SHA-256 hex digest, size in bytes) of a file object, read in chunks."""
    digest, size = hashlib.sha256(), 0
    for chunk in read_chunks(file):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def decode(data, final=True):
    """(text, charset): UTF-8 (with or without BOM), UTF-16 with BOM, else
    Windows-1251, which is how older Russian texts come. `final=False` for the
    first bytes of a file, which may end inside a character."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16"
    try:
        return codecs.getincrementaldecoder("utf-8-sig")().decode(data, final), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1251", errors="replace"), "windows-1251"


def sniff(file):
    """The content type of a file object, from its first bytes (and, for a zip,
    its table of contents); text types carry their charset."""
    file.seek(0)
    head = file.read(8192)
    file.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(file).namelist()
        except zipfile.BadZipFile:
            return BINARY
        finally:
            file.seek(0)
        return DOCX if "word/document.xml" in names else ZIP
    if head.startswith(b"\x1f\x8b"):
        return GZIP
    if head.startswith(b"WARC/"):
        return WARC
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return BINARY
    _, charset = decode(head, final=len(head) < 8192)
    if any(m in head[:1024].lower() for m in HTML_MARKERS):
        return f"{HTML}; charset={charset}"
    return f"{TEXT}; charset={charset}"


def mime(content_type):
    """`text/plain; charset=utf-8` → `text/plain`."""
    return content_type.split(";")[0].strip()


class _TextOfHTML(HTMLParser):
    SKIP = {"script", "style", "noscript", "template"}
    BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "title"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.skipping = [], 0

    def handle_starttag(self, tag, attrs):
        self.skipping += tag in self.SKIP
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        self.skipping -= tag in self.SKIP and self.skipping > 0

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def _lines(text):
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def extract_pdf(file):
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(file).pages)


class ArchiveLimit(Exception):
    """An archive that would expand beyond the limits: refused unread."""


def check_archive(file, max_bytes, max_ratio):
    """Refuse a zip whose members expand to more than `max_bytes` in all, or more
    than `max_ratio` times the archive's size: first from its directory, then
    again by decompressing each member in chunks (a directory can lie), never
    holding more than a chunk."""
    file.seek(0, 2)
    packed = max(file.tell(), 1)
    limit = min(max_bytes, packed * max_ratio)
    why = f"archive expands beyond {limit:,} bytes ({max_bytes:,} at most, "
    why += f"{max_ratio}x its size)"
    file.seek(0)
    with zipfile.ZipFile(file) as archive:
        members = archive.infolist()
        if sum(member.file_size for member in members) > limit:
            raise ArchiveLimit(why)
        total = 0
        for member in members:
            with archive.open(member) as stream:
                while chunk := stream.read(CHUNK):
                    total += len(chunk)
                    if total > limit:
                        raise ArchiveLimit(why)
    file.seek(0)


def extract_docx(file):
    import docx

    document = docx.Document(file)
    cells = (
        cell.text
        for table in document.tables
        for row in table.rows
        for cell in row.cells
    )
    return "\n".join([*(p.text for p in document.paragraphs), *cells])


def extract_html(file):
    parser = _TextOfHTML()
    parser.feed(decode(file.read())[0])
    parser.close()
    return "".join(parser.parts)


def extract_text(file):
    return decode(file.read())[0]


EXTRACTORS = {
    PDF: extract_pdf,
    DOCX: extract_docx,
    HTML: extract_html,
    TEXT: extract_text,
}


class NoText(Exception):
    pass


def extract(file, content_type):
    """The text of a file of this (sniffed) content type, whitespace tidied.

    Raises for a file that cannot be read, or that has no text (a scanned PDF).
    """
    extractor = EXTRACTORS.get(mime(content_type))
    if extractor is None:
        raise NoText(f"no text extraction for {mime(content_type)}")
    file.seek(0)
    try:
        text = _lines(extractor(file))
    finally:
        file.seek(0)
    if not text:
        raise NoText("the file has no text layer (a scan? run OCR and attach the text)")
    return text


def excerpt(text, query, width=120):
    """A passage of `text` around the first word of `query` found in it, in any
    case, the match (to the end of the word it starts: a stem finds its forms)
    between \\x02 and \\x03; None if no word occurs. (SQLite's stand-in for
    PostgreSQL's ts_headline.)"""
    if not text or not query:
        return None
    folded = text.lower().replace("ё", "е")
    for word in query.lower().replace("ё", "е").split():
        at = folded.find(word)
        if at >= 0 and len(folded) == len(text):
            start, end = max(0, at - width), at + len(word)
            while end < len(text) and text[end].isalnum():
                end += 1
            before = text[start:at].split(" ", 1)[-1] if start else text[:at]
            after = text[end : end + width].rsplit(" ", 1)[0]
            passage = f"{before}\x02{text[at:end]}\x03{after}"
            return " ".join(passage.split())
    return None
