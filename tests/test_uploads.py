"""Evidence uploads: type by content, size limits, safe names and paths, download headers, pixel bombs."""
import hashlib
import io
import json
import os
import re
import resource
import struct
import time
import zipfile
import zlib

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import NotFound

from clinic.uploads import (
    KINDS, UploadRejected, inspect_upload, path_of, remove_stored, send_stored, store, validate_link,
)

MB = 1024 * 1024
GENERATED = re.compile(r"[0-9a-f]{32}\.pdf")
WRONG_TYPE = ("Berkas ditolak: isi berkas bukan PDF, JPG, atau PNG. "
              "Unggah dokumen PDF, JPG, atau PNG maksimal 10 MB.")


# --- fixture files, all built here -----------------------------------------------------------

def make_pdf(padding=b""):
    """A one-page PDF with a correct cross-reference table; padding goes into a comment."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    if padding:
        out += b"% " + padding + b"\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def pdf_of_size(size):
    padding = size - len(make_pdf(b"x")) + 1
    data = make_pdf(b"x" * padding)
    # The startxref offset gains digits as the file grows; take them back from the padding.
    data = make_pdf(b"x" * (padding - (len(data) - size)))
    assert len(data) == size
    return data


def make_image(fmt, size=(32, 24)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(buffer, fmt)
    return buffer.getvalue()


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def crafted_png(width, height):
    """A PNG of a few dozen bytes whose header declares width x height RGB pixels."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr)
            + png_chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + png_chunk(b"IEND", b""))


def jpeg_declaring(width, height):
    """A small real JPEG whose frame header is rewritten to declare width x height."""
    data = bytearray(make_image("JPEG", (16, 16)))
    sof = data.index(b"\xff\xc0")
    data[sof + 5:sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


OFFICE = {
    "docx": ("word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
    "xlsx": ("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
    "pptx": ("ppt/presentation.xml",
             "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"),
}


def make_office(kind, main_type=None, extra=()):
    part, default_type = OFFICE[kind]
    types = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
             'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
             f'<Override PartName="/{part}" ContentType="{main_type or default_type}"/></Types>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships/>')
        archive.writestr(part, '<?xml version="1.0"?><document>Laporan</document>')
        for name in extra:
            archive.writestr(name, b"\x00" * 32)
    return buffer.getvalue()


def mp4_box(kind, payload):
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def make_mp4(brand=b"isom"):
    return (mp4_box(b"ftyp", brand + b"\x00\x00\x02\x00" + brand + b"mp41")
            + mp4_box(b"moov", mp4_box(b"mvhd", b"\x00" * 100)) + mp4_box(b"mdat", b"\x00" * 256))


HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
PHP = b"<?php system($_GET['c']); ?>"
SVG = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
       b'<rect width="10" height="10"/></svg>')


def upload(data, name="dokumen.pdf", content_type="application/pdf"):
    return FileStorage(stream=io.BytesIO(data), filename=name, content_type=content_type)


def rejected(data, name="dokumen.pdf", content_type="application/pdf", **kwargs):
    with pytest.raises(UploadRejected) as caught:
        inspect_upload(upload(data, name, content_type), **kwargs)
    return str(caught.value.message)


# --- check 19: type by content -------------------------------------------------------------

@pytest.mark.parametrize("kind, data, name, content_type", [
    ("pdf", make_pdf(), "laporan.pdf", "application/pdf"),
    ("pdf", make_pdf(), "LAPORAN.PDF", "application/pdf"),
    ("png", make_image("PNG"), "FOTO.PNG", "image/png"),
    ("jpeg", make_image("JPEG"), "foto.jpg", "image/jpeg"),
    ("jpeg", make_image("JPEG"), "FOTO.JPEG", "image/jpeg"),
])
def test_real_files_are_accepted_whatever_the_case_of_the_name(app, kind, data, name, content_type):
    with inspect_upload(upload(data, name, content_type)) as checked:
        assert checked.kind == kind
        assert checked.content_type == KINDS[kind].content_type
        assert checked.extension == KINDS[kind].extension
        assert checked.size == len(data)
        assert checked.sha256 == hashlib.sha256(data).hexdigest()
        assert checked.original_name == name
        assert checked.body.read() == data


def test_content_decides_over_a_lying_content_type_and_name(app):
    with inspect_upload(upload(make_pdf(), "scan.png", "image/png")) as checked:
        assert (checked.kind, checked.content_type, checked.extension) == ("pdf", "application/pdf", ".pdf")
        assert checked.original_name == "scan.png.pdf"


@pytest.mark.parametrize("data, name, content_type", [
    (HTML, "laporan.pdf", "application/pdf"),
    (HTML, "foto.jpg", "image/jpeg"),
    (PHP, "shell.jpg", "image/jpeg"),
    (SVG, "logo.png", "image/png"),
    (HTML, "laporan.pdf.html", "text/html"),
    (PHP, "evil.php%00.jpg", "image/jpeg"),
    (PHP, "evil.php\x00.jpg", "image/jpeg"),
    (b"MZ\x90\x00" + b"\x00" * 60, "setup.pdf", "application/pdf"),
    (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "anim.png", "image/png"),
])
def test_other_content_is_rejected_whatever_the_name(app, data, name, content_type):
    assert rejected(data, name, content_type) == WRONG_TYPE


def test_a_pdf_named_like_a_web_page_is_stored_as_pdf(app):
    with inspect_upload(upload(make_pdf(), "laporan.pdf.html", "text/html")) as checked:
        assert checked.extension == ".pdf"
        assert checked.original_name == "laporan.pdf.html.pdf"


def test_a_jpeg_named_with_a_nul_byte_keeps_a_clean_name(app):
    with inspect_upload(upload(make_image("JPEG"), "evil.php\x00.jpg", "application/x-php")) as checked:
        assert checked.kind == "jpeg"
        assert checked.original_name == "evil.php.jpg"


def test_empty_file_is_rejected(app):
    message = rejected(b"", "kosong.pdf")
    assert message.startswith("Berkas ditolak: berkas kosong.")
    assert "maksimal 10 MB" in message


def test_truncated_pdf_is_rejected(app):
    data = pdf_of_size(40_000)
    assert "PDF tidak lengkap" in rejected(data[:30_000])


@pytest.mark.parametrize("markup", [
    b"<html><body>hi</body></html>", b"<script>alert(1)</script>", b"<!DOCTYPE HTML><p>x",
    b"<svg onload=alert(1)>", b"<?php echo 1; ?>",
])
def test_pdf_html_polyglot_is_rejected(app, markup):
    data = make_pdf(markup)
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert "kode halaman web atau skrip" in rejected(data)


@pytest.mark.parametrize("markup", [
    b"<img src=x onerror=alert(1)>", b"<IMG\tSRC=x>", b"<svg/onload=alert(1)>",
    b"<iframe src=//evil.example>", b'<a href="//evil.example">', b"<A\nHREF=x>",
    b"<BODY onload=x>", b"<object data=x>", b"<embed src=x>", b"<meta http-equiv=refresh>",
    b"<Script>", b"<html>",
])
def test_pdf_with_html_tags_early_is_rejected(app, markup):
    assert "kode halaman web atau skrip" in rejected(make_pdf(markup))


def test_markup_after_the_first_kilobytes_of_filler_is_still_found(app):
    assert "kode halaman web" in rejected(make_pdf(b"x" * 2500 + b"<img src=x>"))


def test_pdf_syntax_that_looks_a_little_like_tags_is_accepted(app):
    syntax = (b"<</A<</S/URI/URI(https://example.go.id)>>>> <a1b2c3> <x:xmpmeta> "
              b"<rdf:Description> <imgdata> <a0 ff>")
    assert inspect_upload(upload(make_pdf(syntax))).kind == "pdf"


def test_jpeg_with_markup_in_a_comment_is_rejected(app):
    jpeg = make_image("JPEG")
    comment = b"<script>alert(1)</script>"
    data = jpeg[:2] + b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment + jpeg[2:]
    assert "kode halaman web" in rejected(data, "foto.jpg", "image/jpeg")


def test_progressive_jpeg_is_accepted(app):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buffer, "JPEG", progressive=True)
    with inspect_upload(upload(buffer.getvalue(), "foto.jpg", "image/jpeg")) as checked:
        assert checked.kind == "jpeg"


def test_corrupt_images_are_rejected(app):
    png = bytearray(make_image("PNG"))
    png[png.index(b"IDAT") + 6] ^= 0xFF  # the chunk CRC no longer matches
    jpeg = make_image("JPEG", (64, 64))
    for data, name in ((bytes(png), "a.png"), (jpeg[:len(jpeg) // 2], "b.jpg"),
                       (b"\xff\xd8\xff" + b"\x00" * 200, "c.jpg"), (b"\x89PNG\r\n\x1a\n", "d.png")):
        assert "gambar rusak" in rejected(data, name, "image/png"), name


def test_office_documents_only_where_accepted(app):
    office = ("pdf", "docx", "xlsx", "pptx")
    for kind in ("docx", "xlsx", "pptx"):
        data = make_office(kind)
        with inspect_upload(upload(data, f"Lampiran.{kind.upper()}", "application/octet-stream"),
                            accept=office) as checked:
            assert (checked.kind, checked.extension) == (kind, f".{kind}")
            assert checked.content_type == KINDS[kind].content_type
        assert rejected(data, f"lampiran.{kind}") == WRONG_TYPE


def test_macro_documents_and_plain_zips_are_rejected(app):
    office = ("docx", "xlsx", "pptx")
    docm = make_office("docx", "application/vnd.ms-word.document.macroEnabled.main+xml",
                       extra=("word/vbaProject.bin",))
    assert "berisi makro" in rejected(docm, "surat.docx", accept=office)
    hidden_macro = make_office("docx", extra=("word/vbaProject.bin",))
    assert "berisi makro" in rejected(hidden_macro, "surat.docx", accept=office)
    plain = io.BytesIO()
    with zipfile.ZipFile(plain, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")
    assert rejected(plain.getvalue(), "surat.docx", accept=office).startswith(
        "Berkas ditolak: isi berkas bukan DOCX, XLSX, atau PPTX.")


def test_mp4_video_with_its_own_limit(app):
    with inspect_upload(upload(make_mp4(), "video.MP4", "video/mp4"), accept=("mp4",)) as checked:
        assert (checked.kind, checked.content_type, checked.extension) == ("mp4", "video/mp4", ".mp4")
    assert "video MP4 rusak" in rejected(make_mp4()[:-100], "video.mp4", accept=("mp4",))
    heic = mp4_box(b"ftyp", b"heic\x00\x00\x00\x00mif1heic") + mp4_box(b"mdat", b"\x00" * 16)
    assert rejected(heic, "foto.mp4", accept=("mp4",)).startswith("Berkas ditolak: isi berkas bukan MP4.")
    assert rejected(make_mp4(), "video.mp4") == WRONG_TYPE


def test_unknown_kind_is_a_programming_error(app):
    with pytest.raises(ValueError, match="unknown upload kinds") as caught:
        inspect_upload(upload(make_pdf()), accept=("pdf", "exe"))
    assert not isinstance(caught.value, UploadRejected)


# --- check 18: size limits -----------------------------------------------------------------

def test_file_over_the_limit_is_rejected_after_reading_one_byte_too_many(app, tmp_path):
    limit = 10 * MB
    stream = io.BytesIO(pdf_of_size(limit + 5000))
    with pytest.raises(UploadRejected) as caught:
        inspect_upload(FileStorage(stream=stream, filename="besar.pdf", content_type="application/pdf"))
    assert str(caught.value.message) == "Berkas terlalu besar: maksimal 10 MB. Perkecil berkas lalu unggah kembali."
    assert stream.tell() == limit + 1
    assert list(tmp_path.iterdir()) == []


def test_file_of_exactly_the_limit_is_accepted_and_stored(app, tmp_path):
    data = pdf_of_size(10 * MB)
    with inspect_upload(upload(data)) as checked:
        stored = store(checked, tmp_path / "uploads")
    assert (tmp_path / "uploads" / stored).read_bytes() == data


def test_limit_comes_from_config_and_reads_in_indonesian(app):
    app.config["EVIDENCE_MAX_BYTES"] = int(2.5 * MB)
    assert "maksimal 2,5 MB" in rejected(pdf_of_size(3 * MB))
    assert "maksimal 1 MB" in rejected(pdf_of_size(MB + 1), max_bytes=MB)


def test_each_kind_keeps_its_own_limit(app):
    # Accepting video raises the read limit to 100 MB, but a PDF still answers to 10 MB.
    assert "maksimal 10 MB" in rejected(pdf_of_size(11 * MB), accept=("pdf", "mp4"))


# --- check 20: names and paths -------------------------------------------------------------

LONG = "a" * 296 + ".pdf"


@pytest.mark.parametrize("name, kept", [
    ("../../etc/passwd", "passwd.pdf"),
    ("..\\..\\x.pdf", "x.pdf"),
    ("/abs/x.pdf", "x.pdf"),
    (LONG, "a" * 251 + ".pdf"),
    ("报告.pdf", "报告.pdf"),
    ("Laporan – Q1.pdf", "Laporan – Q1.pdf"),
    ("..", "berkas.pdf"),
    ("laporan\u202efdp.exe", "laporanfdp.exe.pdf"),
])
def test_stored_under_a_generated_name_inside_the_folder(app, tmp_path, name, kept):
    folder = tmp_path / "instance" / "uploads"
    data = make_pdf()
    with inspect_upload(upload(data, name)) as checked:
        assert checked.original_name == kept
        assert len(checked.original_name) <= 255
        stored = store(checked, folder)
    assert GENERATED.fullmatch(stored)
    path = path_of(stored, folder)
    assert path.parent == folder.resolve()
    assert path.read_bytes() == data
    assert [p.name for p in folder.iterdir()] == [stored]  # no temporary file left behind
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")) == [
        "instance", "instance/uploads", f"instance/uploads/{stored}"]


def test_every_store_gets_a_new_name(app, tmp_path):
    with inspect_upload(upload(make_pdf())) as checked:
        names = {store(checked, tmp_path) for _ in range(5)}
    assert len(names) == 5


def test_failed_write_leaves_nothing_behind(app, tmp_path):
    checked = inspect_upload(upload(make_pdf()))
    checked.close()  # reading the body now fails halfway through store()
    with pytest.raises(ValueError):
        store(checked, tmp_path)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", [
    "../x", "../" + "a" * 32 + ".pdf", "a" * 32 + ".pdf/../../x", "/etc/passwd", "x.pdf",
    "A" * 32 + ".pdf", "a" * 32 + ".html", "a" * 31 + ".pdf", ".incoming-abc", "", None,
    "a" * 32 + ".pdf\n",
])
def test_path_of_refuses_names_it_did_not_generate(tmp_path, name):
    with pytest.raises(ValueError):
        path_of(name, tmp_path)


def test_remove_stored(app, tmp_path):
    with inspect_upload(upload(make_pdf())) as checked:
        stored = store(checked, tmp_path)
    remove_stored(stored, tmp_path)
    assert list(tmp_path.iterdir()) == []
    remove_stored(stored, tmp_path)  # already gone: no error
    with pytest.raises(ValueError):
        remove_stored("../conftest.py", tmp_path)


# --- check 21: serving ---------------------------------------------------------------------

@pytest.mark.parametrize("original, fallback, encoded", [
    ("报告.pdf", "berkas.pdf", "%E6%8A%A5%E5%91%8A.pdf"),
    ("Laporan – Q1.pdf", "Laporan_Q1.pdf", "Laporan%20%E2%80%93%20Q1.pdf"),
    ("laporan.pdf", "laporan.pdf", "laporan.pdf"),
    ('a"b;c.pdf', "a_b_c.pdf", "a%22b%3Bc.pdf"),
])
def test_download_headers(app, tmp_path, original, fallback, encoded):
    data = make_pdf()
    with inspect_upload(upload(data, original)) as checked:
        stored = store(checked, tmp_path)
    with app.test_request_context():
        response = send_stored(stored, tmp_path, checked.original_name, checked.content_type)
        response.direct_passthrough = False
        assert response.get_data() == data
        response.close()
    headers = response.headers
    assert headers["Content-Disposition"] == f"attachment; filename={fallback}; filename*=UTF-8''{encoded}"
    assert headers["Content-Type"] == "application/pdf"
    assert headers["X-Content-Type-Options"] == "nosniff"
    csp = [d.strip() for d in headers["Content-Security-Policy"].split(";")]
    assert csp[0] == "sandbox"
    assert {"default-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"} <= set(csp)
    assert headers["Cache-Control"] == "no-store"
    assert "ETag" not in headers


def test_download_content_type_only_from_the_allow_list(app, tmp_path):
    with inspect_upload(upload(make_image("PNG"), "foto.png", "image/png")) as checked:
        stored = store(checked, tmp_path)
    with app.test_request_context():
        good = send_stored(stored, tmp_path, "foto.png", "image/png")
        bad = send_stored(stored, tmp_path, "foto.png", "text/html")
        good.close(), bad.close()
    assert good.headers["Content-Type"] == "image/png"
    assert bad.headers["Content-Type"] == "application/octet-stream"
    assert "filename=foto.png;" in bad.headers["Content-Disposition"]


def test_download_of_a_missing_or_forged_name_is_404(app, tmp_path):
    with app.test_request_context():
        for name in ("a" * 32 + ".pdf", "../config.py", "x.pdf"):
            with pytest.raises(NotFound):
                send_stored(name, tmp_path, "x.pdf", "application/pdf")


# --- check 22: pixel bombs -----------------------------------------------------------------

def measured(data, name):
    """Reject data in a forked child, whose peak RSS starts from now; return message, seconds, MB grown."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report through the pipe and leave without running pytest's cleanup
        try:
            os.close(read_end)
            before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            started = time.perf_counter()
            try:
                inspect_upload(upload(data, name, "image/png"))
                message = "accepted"
            except UploadRejected as exc:
                message = str(exc.message)
            seconds = time.perf_counter() - started
            grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024  # KiB on Linux
            os.write(write_end, json.dumps([message, seconds, grown_mb]).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        report = pipe.read()
    os.waitpid(pid, 0)
    message, seconds, grown_mb = json.loads(report)
    print(f"\n{name}: {len(data)} bytes rejected in {seconds * 1000:.1f} ms, peak RSS growth {grown_mb:.1f} MB")
    return message, seconds, grown_mb


@pytest.mark.parametrize("width, height", [(30000, 30000), (8000, 8000)])
def test_png_pixel_bomb_is_rejected_quickly_in_little_memory(app, width, height):
    data = crafted_png(width, height)
    assert len(data) < 100
    message, seconds, grown_mb = measured(data, f"bomb-{width}x{height}.png")
    assert message == ("Berkas ditolak: resolusi gambar lebih dari 50 juta piksel. "
                       "Perkecil gambar lalu unggah kembali.")
    assert seconds < 2
    assert grown_mb < 200


def test_jpeg_pixel_bomb_is_rejected(app):
    message, seconds, grown_mb = measured(jpeg_declaring(60000, 60000), "bomb.jpg")
    assert "resolusi gambar lebih dari 50 juta piksel" in message
    assert seconds < 2 and grown_mb < 200


def test_pixel_limit_comes_from_config(app):
    app.config["EVIDENCE_MAX_PIXELS"] = 2_500_000
    assert "lebih dari 2,5 juta piksel" in rejected(make_image("PNG", (2000, 1300)), "a.png", "image/png")
    with inspect_upload(upload(make_image("PNG", (1500, 1500)), "a.png", "image/png")) as checked:
        assert checked.kind == "png"


# --- links ---------------------------------------------------------------------------------

@pytest.mark.parametrize("url, normal", [
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=10s", "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=10s"),
    ("  https://youtu.be/dQw4w9WgXcQ  ", "https://youtu.be/dQw4w9WgXcQ"),
    ("https://drive.google.com/file/d/1AbC/view?usp=sharing", "https://drive.google.com/file/d/1AbC/view?usp=sharing"),
    ("HTTPS://Banjarmasinkota.GO.ID/video", "https://banjarmasinkota.go.id/video"),
    ("http://example.go.id:8080/v#menit-2", "http://example.go.id:8080/v#menit-2"),
    ("https://bücher.example/inovasi-kota", "https://xn--bcher-kva.example/inovasi-kota"),
    ("http://[2001:DB8::1]:8080/v", "http://[2001:db8::1]:8080/v"),
    ("http://10.0.0.5/rekaman.mp4", "http://10.0.0.5/rekaman.mp4"),
    ("https://example.go.id/inovasi/profil-daerah", "https://example.go.id/inovasi/profil-daerah"),
    ("https://example.go.id/berita/inovasi–kota", "https://example.go.id/berita/inovasi%E2%80%93kota"),
])
def test_links_accepted_in_normal_form(app, url, normal):
    assert validate_link(url) == normal


@pytest.mark.parametrize("url, words", [
    ("javascript:alert(1)", "diawali https://"),
    ("JavaScript:alert(document.domain)//https://youtube.com", "diawali https://"),
    ("data:text/html;base64,PHNjcmlwdD4=", "diawali https://"),
    ("ftp://example.go.id/video.mp4", "diawali https://"),
    ("//evil.example/x", "diawali https://"),
    ("www.youtube.com/watch?v=x", "diawali https://"),
    ("https://user:rahasia@example.go.id/", "nama pengguna atau kata sandi"),
    ("https://www.youtube.com@evil.example/", "nama pengguna atau kata sandi"),
    ("https://", "tidak valid"),
    ("https:///video", "tidak valid"),
    ("https://evil.example\\@www.youtube.com/", "tidak valid"),
    ("https://example.go.id:99999/", "tidak valid"),
    ("https://example.go.id/\r\nSet-Cookie: x", "tidak valid"),
    ("https://example.go.id/laporan tahunan", "tidak valid"),
    ("https://www.youtube.com%2f.evil.example/", "tidak valid"),
    ("https://exa<mple.go.id/", "tidak valid"),
    ("https://" + "a" * 2000, "maksimal 1000 karakter"),
    ("https://example.go.id/" + "a" * 1000, "maksimal 1000 karakter"),
    ("", "Tautan kosong"),
    (None, "Tautan kosong"),
])
def test_links_rejected_with_a_reason(app, url, words):
    with pytest.raises(UploadRejected) as caught:
        validate_link(url)
    assert words in str(caught.value.message)
