"""Lazy translated messages that carry user input are escaped like any other text."""
from flask import render_template_string
from flask_babel import lazy_gettext as _l


def test_lazy_message_with_user_input_is_escaped(app):
    with app.test_request_context():
        message = _l("kode '%(code)s' tidak dikenal", code="<script>alert(1)</script>")
        html = render_template_string("<p>{{ message }}</p>", message=message)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_plain_translated_text_is_unchanged(app):
    with app.test_request_context():
        html = render_template_string("<p>{{ message }}</p>", message=_l("Simpan"))
    assert html == "<p>Simpan</p>"
