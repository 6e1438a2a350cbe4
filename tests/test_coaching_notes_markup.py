"""Notes in Markdown are rendered and sanitised: no script, handler or dangerous link survives."""
import pytest
from flask import url_for
from markupsafe import Markup

from clinic.coaching.markup import render_markdown
from clinic.extensions import db

from conftest import AuthActions


@pytest.mark.parametrize("source, forbidden", [
    ("<script>alert(1)</script>", ["<script", "alert(1)"]),
    ('<p title="" onmouseover="x">hai</p>', ["onmouseover"]),
    ("[klik](javascript:alert(1))", ["javascript:", "href"]),
    ("<img src=x onerror=alert(1)>", ["<img", "onerror"]),
    ('<a href="JaVaScRiPt:alert(1)">a</a>', ["javascript", "href"]),
    ("[data](data:text/html;base64,PHNjcmlwdD4=)", ["data:", "href"]),
    ('<a href="vbscript:msgbox(1)">v</a>', ["vbscript", "href"]),
    ("<iframe src=https://evil.example></iframe>", ["<iframe"]),
    ('<div style="position:fixed">x</div>', ["style=", "<div"]),
    ("<svg onload=alert(1)>", ["<svg", "onload"]),
])
def test_dangerous_markup_is_removed(source, forbidden):
    html = render_markdown(source).lower()
    for piece in forbidden:
        assert piece not in html, (source, html)


def test_attribute_breakout_in_text_stays_text():
    html = render_markdown('" onmouseover="x')
    assert html == Markup('<p>" onmouseover="x</p>')  # text, not an attribute


def test_markdown_renders_headings_lists_bold_and_tables():
    html = render_markdown("# Hasil\n\n## Rincian\n\n- **SK** belum ada\n- *foto* kurang\n\n"
                           "1. satu\n2. dua\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
                           "> kutip\n\n`kode`")
    assert "<h3>Hasil</h3>" in html and "<h4>Rincian</h4>" in html
    assert "<li><strong>SK</strong> belum ada</li>" in html and "<em>foto</em>" in html
    assert "<ol>" in html and "<table>" in html and "<td>1</td>" in html
    assert "<blockquote>" in html and "<code>kode</code>" in html
    assert "id=" not in html  # heading anchors are stripped like any other attribute


def test_safe_links_keep_href_and_get_rel():
    html = render_markdown('[JDIH](https://jdih.example.go.id "Perwali") [surat](mailto:a@b.id)')
    assert 'href="https://jdih.example.go.id"' in html and 'title="Perwali"' in html
    assert 'href="mailto:a@b.id"' in html
    assert html.count('rel="noopener noreferrer nofollow"') == 2


def test_empty_text_renders_nothing():
    assert render_markdown("") == Markup("") and render_markdown(None) == Markup("")


PAYLOAD = ('<script>alert("x")</script> [klik](javascript:alert(2)) '
           '<img src=x onerror=alert(3)> **tebal**')


def test_session_page_and_print_show_notes_without_the_payload(app, world):
    """Reliability check 27: notes with a payload reach the session page inert."""
    world.note.body = PAYLOAD
    world.note.private_body = PAYLOAD
    world.finding.text = '<script>alert("temuan")</script>'
    db.session.commit()
    for user in (world.trainer, world.contact):
        client = app.test_client()
        AuthActions(client).login_as(user)
        with app.test_request_context():
            urls = [url_for(e, session_id=world.session.id)
                    for e in ("coaching.detail", "coaching.notes_print")]
        for url in urls:
            page = client.get(url).get_data(as_text=True)
            assert "<strong>tebal</strong>" in page, url
            assert "<script>alert" not in page and "onerror" not in page
            assert "javascript:alert" not in page
            assert "&lt;script&gt;alert(&#34;temuan&#34;)" in page  # findings are plain text
