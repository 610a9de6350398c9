"""Small files made by the tests themselves: PDF, DOCX, HTML, text."""

import io
import zipfile

import docx
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    NameObject,
    NumberObject,
)


def make_pdf(*lines):
    """A minimal valid one-page PDF whose text layer holds `lines` (Latin-1)."""
    text = " ".join(
        f"({line}) Tj 0 -16 Td".replace("\\", "\\\\") for line in lines
    ).encode("latin-1")
    stream = b"BT /F1 12 Tf 72 720 Td " + text + b" ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def make_docx(*paragraphs, table=()):
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if table:
        cells = document.add_table(rows=1, cols=len(table)).rows[0].cells
        for cell, value in zip(cells, table, strict=True):
            cell.text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


SCRIPTED_HTML = b"""<!DOCTYPE html>
<html><head><title>Joint statement</title>
<style>body { color: red }</style>
<script>localStorage.setItem("pwned", "yes"); document.title = "PWNED";
parent.postMessage("pwned", "*");</script></head>
<body><h1>Joint statement</h1><p>The parties welcome the &laquo;marigold&raquo; accord.</p>
<script>document.body.innerHTML = "PWNED";</script></body></html>
"""


def make_docx_bomb(expanded_bytes):
    """A valid DOCX whose word/document.xml repeats one paragraph until it is
    `expanded_bytes` long: highly compressible, so the file is ~1/1000 of that."""
    source = zipfile.ZipFile(io.BytesIO(make_docx("bomb")))
    xml = source.read("word/document.xml")
    head, tail = xml.split(b"<w:body>", 1)
    paragraph = b"<w:p><w:r><w:t>bomb bomb bomb bomb</w:t></w:r></w:p>"
    body = paragraph * (expanded_bytes // len(paragraph))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb:
        for member in source.infolist():
            if member.filename == "word/document.xml":
                bomb.writestr(member.filename, head + b"<w:body>" + body + tail)
            else:
                bomb.writestr(member, source.read(member))
    return out.getvalue()


def make_heavy_pdf(repeats, operations=3000):
    """A small PDF whose page tree lists one heavy page (`operations` text
    drawings) `repeats` times: each repeat costs a text extraction anew."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf("heavy"))))
    stream = DecodedStreamObject()
    stream.set_data(b"BT /F1 12 Tf " + b"(heavy page) Tj 1 0 Td " * operations + b"ET")
    page = writer.pages[0]
    page[NameObject("/Contents")] = writer._add_object(stream)
    pages = writer._root_object["/Pages"].get_object()
    pages[NameObject("/Kids")] = ArrayObject([pages["/Kids"][0]] * repeats)
    pages[NameObject("/Count")] = NumberObject(repeats)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
