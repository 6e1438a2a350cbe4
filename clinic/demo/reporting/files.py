"""Generated evidence files of the reporting demo: small real PDFs and PNGs, stored as uploads."""
import io
import unicodedata

from PIL import Image, ImageDraw
from werkzeug.datastructures import FileStorage

from clinic import uploads


def _ascii(text):
    return unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()


def pdf_bytes(lines):
    """A minimal, valid one-page PDF that shows ``lines``."""
    def literal(text):
        return _ascii(text).replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    text = " T* ".join(f"({literal(line)}) Tj" for line in lines)
    stream = f"BT /F1 12 Tf 16 TL 56 780 Td {text} ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.4\n")
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, xref))
    return out.getvalue()


def png_bytes(lines, colour):
    """A small PNG 'photo' with a caption, made with Pillow."""
    image = Image.new("RGB", (480, 270), colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 200, 480, 270), fill=(0, 0, 0))
    for n, line in enumerate(lines[:3]):
        draw.text((16, 210 + 18 * n), _ascii(line)[:70], fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def store_generated(data, filename, folder):
    """Check a generated file exactly as an upload is checked, then store it."""
    with uploads.inspect_upload(FileStorage(io.BytesIO(data), filename=filename)) as checked:
        return checked, uploads.store(checked, folder)
