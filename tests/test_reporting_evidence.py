"""Evidence on the item page: several files, replacing, links, downloads, removal, safety."""
import hashlib
import io
import zipfile
from pathlib import Path

from sqlalchemy import select

from clinic.extensions import db
from clinic.reporting.models import Evidence, ItemStatus

from test_reporting_items import evidence_count, files, fresh, item_of, pdf_bytes, png_bytes, text


def mp4_bytes():
    """The smallest well-formed MP4: ftyp, an empty moov and a little media data."""
    ftyp = (20).to_bytes(4, "big") + b"ftyp" + b"isom" + (512).to_bytes(4, "big") + b"isom"
    moov = (8).to_bytes(4, "big") + b"moov"
    mdat = (16).to_bytes(4, "big") + b"mdat" + b"\x00" * 8
    return ftyp + moov + mdat


def upload(client, item, *named, **data):
    return client.post(f"/items/{item.id}/evidence", data={**data, "files": files(*named)})


def current(item):
    return fresh(item).current_evidence


def test_several_files_in_one_upload_each_with_its_checksum(innovation, contact, login,
                                                            uploads_dir):
    item = item_of(innovation, "SID-16")
    pdf, png = pdf_bytes(), png_bytes()
    response = upload(login(contact), item, ("SK.PDF", pdf), ("foto kegiatan.png", png))
    assert response.status_code == 302
    rows = current(item)
    assert [(e.original_name, e.content_type, e.sha256) for e in rows] == [
        ("SK.PDF", "application/pdf", hashlib.sha256(pdf).hexdigest()),
        ("foto kegiatan.png", "image/png", hashlib.sha256(png).hexdigest()),
    ]
    assert sorted(p.name for p in uploads_dir.iterdir()) == sorted(e.stored_name for e in rows)
    assert item.status == ItemStatus.DRAFT


def test_download_is_an_attachment_with_safe_headers(innovation, contact, login, uploads_dir):
    item = item_of(innovation, "SID-16")
    client = login(contact)
    pdf = pdf_bytes()
    upload(client, item, ("Perwali – lampiran.pdf", pdf))
    evidence = current(item)[0]
    url = f"/items/{item.id}/evidence/{evidence.id}"
    response = client.get(url)
    assert response.status_code == 200 and response.data == pdf
    assert response.headers["Content-Type"] == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''Perwali%20%E2%80%93%20lampiran.pdf" in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"
    head = client.head(url)
    assert head.status_code == 200 and head.data == b""
    assert client.get(f"/static/{evidence.stored_name}").status_code == 404
    # The item page links to the download route, never to the stored name.
    page = text(client.get(f"/items/{item.id}"))
    assert f'href="{url}"' in page and evidence.stored_name not in page


def test_evidence_is_loaded_through_its_own_item(innovation, contact, login, uploads_dir):
    first, second = item_of(innovation, "SID-16"), item_of(innovation, "SID-17")
    client = login(contact)
    upload(client, first, ("sk.pdf", pdf_bytes()))
    evidence = current(first)[0]
    assert client.get(f"/items/{second.id}/evidence/{evidence.id}").status_code == 404
    assert client.post(f"/items/{second.id}/evidence/{evidence.id}/remove").status_code == 404
    assert fresh(first).current_evidence == [evidence]


def test_replacing_keeps_old_files_in_the_history(innovation, contact, login, uploads_dir):
    item = item_of(innovation, "SID-16")
    client = login(contact)
    upload(client, item, ("lama-1.pdf", pdf_bytes()), ("lama-2.pdf", pdf_bytes("gray")))
    client.post(f"/items/{item.id}/links", data={"url": "https://jdih.example.go.id/sk"})
    response = upload(client, item, ("baru.pdf", pdf_bytes("black")), replace="y")
    assert response.status_code == 302
    names = sorted(e.original_name or e.url for e in current(item))
    assert names == ["baru.pdf", "https://jdih.example.go.id/sk"]  # links are not replaced
    old = db.session.scalars(select(Evidence).where(Evidence.is_replaced.is_(True))).all()
    assert sorted(e.original_name for e in old) == ["lama-1.pdf", "lama-2.pdf"]
    page = text(client.get(f"/items/{item.id}"))
    assert "Berkas yang diganti (2)" in page and "lama-1.pdf" in page
    # A replaced file can still be downloaded until it is removed.
    assert client.get(f"/items/{item.id}/evidence/{old[0].id}").status_code == 200


def test_remove_asks_for_confirmation_and_deletes_the_file(innovation, contact, login,
                                                           uploads_dir):
    item = item_of(innovation, "SID-16")
    client = login(contact)
    upload(client, item, ("sk.pdf", pdf_bytes()))
    evidence = current(item)[0]
    stored = uploads_dir / evidence.stored_name
    page = text(client.get(f"/items/{item.id}"))
    remove_url = f"/items/{item.id}/evidence/{evidence.id}/remove"
    assert f'action="{remove_url}"' in page and "data-confirm=" in page
    assert client.get(remove_url).status_code == 405
    assert client.post(remove_url).status_code == 302
    assert current(item) == [] and not stored.exists()
    row = db.session.get(Evidence, evidence.id)
    assert row.removed_at is not None and row.removed_by_id == contact.id  # kept in history
    assert client.get(f"/items/{item.id}/evidence/{evidence.id}").status_code == 404
    assert client.post(remove_url).status_code == 404


def test_links_open_in_a_new_tab_and_are_never_downloaded(innovation, contact, login):
    item = item_of(innovation, "SID-35")
    client = login(contact)
    response = client.post(f"/items/{item.id}/links",
                           data={"url": "https://www.youtube.com/watch?v=abc123"})
    assert response.status_code == 302
    link = current(item)[0]
    assert link.kind == "link" and link.url == "https://www.youtube.com/watch?v=abc123"
    page = text(client.get(f"/items/{item.id}"))
    assert ('<a href="https://www.youtube.com/watch?v=abc123" rel="noopener noreferrer" '
            'target="_blank">') in page
    assert client.get(f"/items/{item.id}/evidence/{link.id}").status_code == 404


def test_unsafe_links_are_refused_with_a_message(innovation, contact, login):
    item = item_of(innovation, "SID-35")
    client = login(contact)
    for url in ("javascript:alert(1)", "https://user:pass@example.go.id/", "ftp://x.go.id/a"):
        response = client.post(f"/items/{item.id}/links", data={"url": url, "note": "tetap"})
        assert response.status_code == 200, url
        assert "Tautan ditolak" in text(response)
    response = client.post(f"/items/{item.id}/links", data={"url": ""})
    assert "Tuliskan alamat tautan" in text(response)
    assert evidence_count() == 0 and fresh(item).note is None


def test_the_video_indicator_also_takes_mp4(innovation, contact, login, uploads_dir):
    video, regulation = item_of(innovation, "SID-35"), item_of(innovation, "SID-16")
    client = login(contact)
    assert "MP4" in text(client.get(f"/items/{video.id}"))
    assert upload(client, video, ("video inovasi.mp4", mp4_bytes())).status_code == 302
    assert current(video)[0].content_type == "video/mp4"
    response = upload(client, regulation, ("video.mp4", mp4_bytes()))
    assert response.status_code == 200 and "Berkas ditolak" in text(response)
    assert current(regulation) == []


def test_office_documents_are_accepted(innovation, contact, login, uploads_dir):
    item = item_of(innovation, "SID-17")
    assert upload(login(contact), item, ("daftar SDM.docx", docx_bytes())).status_code == 302
    assert current(item)[0].original_name == "daftar SDM.docx"


def test_hostile_names_are_kept_only_as_metadata(innovation, contact, login, uploads_dir):
    item = item_of(innovation, "SID-16")
    client = login(contact)
    upload(client, item, ("../../etc/passwd.pdf", pdf_bytes()), ("..\\..\\x.pdf", pdf_bytes()),
           ("报告.pdf", pdf_bytes()))
    rows = current(item)
    assert [e.original_name for e in rows] == ["passwd.pdf", "x.pdf", "报告.pdf"]
    root = Path(uploads_dir).resolve()
    for e in rows:
        assert (root / e.stored_name).resolve().parent == root
        assert e.stored_name.endswith(".pdf") and len(e.stored_name) == 36
    page = text(client.get(f"/items/{item.id}"))
    assert "报告.pdf" in page


def test_trainer_and_other_contact_cannot_reach_evidence(innovation, contact, other_contact,
                                                         make_user, login, uploads_dir):
    item = item_of(innovation, "SID-16")
    upload(login(contact), item, ("sk.pdf", pdf_bytes()))
    evidence = current(item)[0]
    url = f"/items/{item.id}/evidence/{evidence.id}"
    for user in (other_contact, make_user("trainer")):
        client = login(user)
        assert client.get(url).status_code == 404
        assert client.head(url).status_code == 404
        assert client.post(f"{url}/remove").status_code == 404
    assert fresh(item).current_evidence == [evidence]
    assert login(make_user("admin")).get(url).status_code == 200


def test_extra_fields_cannot_move_evidence_elsewhere(cycle, innovation, contact, other_contact,
                                                     login, uploads_dir):
    from clinic.audit import AuditEvent
    from clinic.reporting.services import create_innovation

    theirs = create_innovation(other_contact.skpd, cycle, {"name": "Rapor Digital"}, other_contact)
    db.session.commit()
    foreign = item_of(theirs, "SID-16")
    item = item_of(innovation, "SID-16")
    response = upload(login(contact), item, ("sk.pdf", pdf_bytes()), skpd_id=other_contact.skpd_id,
                      item_id=foreign.id, reporting_item_id=foreign.id, status="verified",
                      role="admin")
    assert response.status_code == 302
    evidence = db.session.scalars(select(Evidence)).one()
    assert evidence.item_id == item.id and evidence.uploaded_by_id == contact.id
    assert fresh(item).skpd_id == contact.skpd_id and item.status == ItemStatus.DRAFT
    assert fresh(foreign).evidence == [] and foreign.status == ItemStatus.EMPTY
    assert contact.role == "contact"
    actions = db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.object_type == "evidence")).all()
    assert actions == ["evidence_uploaded"]


# -- evidence shown in the page (inline) -------------------------------------------------------


def directives(csp):
    return {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}


def docx_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", (
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'))
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def view_url(item, evidence):
    return f"/items/{item.id}/evidence/{evidence.id}/view"


def test_pdf_and_images_open_inline_with_a_sandbox(innovation, contact, staff, login,
                                                    uploads_dir):
    item = item_of(innovation, "SID-16")
    pdf, png = pdf_bytes(), png_bytes()
    upload(login(contact), item, ("SK Walikota.pdf", pdf), ("foto.png", png))
    by_name = {e.original_name: e for e in current(item)}
    client = login(staff)
    for name, body, kind in (("SK Walikota.pdf", pdf, "application/pdf"),
                             ("foto.png", png, "image/png")):
        response = client.get(view_url(item, by_name[name]))
        assert response.status_code == 200 and response.data == body
        headers = response.headers
        assert headers["Content-Type"] == kind
        assert headers["Content-Disposition"].startswith("inline;"), headers["Content-Disposition"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "SAMEORIGIN"
        assert headers["Cache-Control"] == "no-store"
        found = directives(headers["Content-Security-Policy"])
        # Chromium's PDF viewer renders under all of these (tests/browser checks it)
        assert found["sandbox"] == [] and found["default-src"] == ["'none'"]
        assert found["object-src"] == ["'none'"] and found["base-uri"] == ["'none'"]
        assert found["frame-ancestors"] == ["'self'"]
    # the download of the same file stays an attachment that no page may frame
    download = client.get(f"/items/{item.id}/evidence/{by_name['SK Walikota.pdf'].id}")
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Frame-Options"] == "DENY"
    assert directives(download.headers["Content-Security-Policy"])["frame-ancestors"] == [
        "'none'"]


def test_other_kinds_stay_downloads_and_the_sniffed_kind_decides(innovation, contact, staff,
                                                                 login, uploads_dir):
    item = item_of(innovation, "SID-17")
    # named like an image, but a PDF by content: shown as the PDF it is
    upload(login(contact), item, ("daftar SDM.docx", docx_bytes()), ("foto.png", pdf_bytes()))
    by_name = {e.original_name: e for e in current(item)}
    client = login(staff)
    response = client.get(view_url(item, by_name["daftar SDM.docx"]))
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Frame-Options"] == "DENY"
    renamed = by_name["foto.png.pdf"]  # the name gets the extension of its content
    response = client.get(view_url(item, renamed))
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("inline;")
    # a row that claims to be an image does not make a stored document inline
    docx = by_name["daftar SDM.docx"]
    docx.content_type = "image/png"
    db.session.commit()
    response = client.get(view_url(item, docx))
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Content-Type"] != "image/png"
    # nor does a PDF whose row says it is HTML: plain bytes, downloaded, no preview
    renamed.content_type = "text/html"
    db.session.commit()
    response = client.get(view_url(item, renamed))
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Content-Type"] == "application/octet-stream"
    assert view_url(item, renamed) not in text(client.get(f"/items/{item.id}"))


def test_item_page_embeds_pdf_and_image_beside_level_hint_and_history(innovation, contact,
                                                                      staff, login,
                                                                      uploads_dir):
    item = item_of(innovation, "SID-16")
    upload(login(contact), item, ("sk.pdf", pdf_bytes()), ("foto.png", png_bytes()),
           ("daftar.docx", docx_bytes()))
    by_name = {e.original_name: e for e in current(item)}
    response = login(staff).get(f"/items/{item.id}")
    page = text(response)
    assert f'<iframe src="{view_url(item, by_name["sk.pdf"])}"' in page
    image = view_url(item, by_name["foto.png"])
    assert f'<img class="img-fluid border rounded" src="{image}"' in page
    assert view_url(item, by_name["daftar.docx"]) not in page  # a download only
    assert "Tingkat dan poin" in page and "Riwayat" in page
    # the page's own policy lets it frame and show its own files, and nobody else's
    found = directives(response.headers["Content-Security-Policy"])
    assert found.get("frame-src", found["default-src"]) == ["'self'"]
    assert "'self'" in found["img-src"] and found["object-src"] == ["'none'"]
    assert found["frame-ancestors"] == ["'none'"]


def test_inline_view_keeps_the_download_access_check(innovation, contact, other_contact,
                                                     make_user, login, uploads_dir):
    item = item_of(innovation, "SID-16")
    upload(login(contact), item, ("sk.pdf", pdf_bytes()), ("foto.png", png_bytes()))
    for evidence in current(item):
        url = view_url(item, evidence)
        for user in (other_contact, make_user("trainer")):
            client = login(user)
            assert client.get(url).status_code == 404
            assert client.head(url).status_code == 404
        assert login(contact).get(url).status_code == 200
    assert login(contact).get(f"/items/{item.id}/evidence/987654/view").status_code == 404
    link_item = item_of(innovation, "SID-35")
    login(contact).post(f"/items/{link_item.id}/links",
                        data={"url": "https://www.youtube.com/watch?v=abc123"})
    link = current(link_item)[0]
    assert login(contact).get(view_url(link_item, link)).status_code == 404
