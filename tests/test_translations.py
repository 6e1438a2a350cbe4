"""The English catalogue: complete, placeholders intact, and actually used by the pages.

The source strings are Bahasa Indonesia (the default locale); every one of them needs an English
translation in clinic/translations/en/LC_MESSAGES/messages.po. When a test here fails after you
added strings, run `make extract-messages`, translate the new entries (the UI words are in
docs/ui.md), then `make translations`.
"""
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "clinic" / "translations"
PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")

# A printf-style placeholder: %(name)s, %(n)d, %(x).2f ... ("%%" is a literal percent sign).
PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-#0 +]*(?:\d+|\*)?(?:\.\d+)?[diouxXeEfFgGcrsa%]")


def placeholders(text):
    return sorted(m.group(0) for m in PLACEHOLDER.finditer(text) if m.group(0) != "%%")


def as_tuple(value):
    return tuple(value) if isinstance(value, (list, tuple)) else (value,)


def describe(message):
    return " | ".join(as_tuple(message.id))


@pytest.fixture(scope="module")
def catalogue():
    with PO.open("rb") as f:
        return read_po(f, locale="en")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """What the code and templates ask for now: the same extraction as `make extract-messages`."""
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", "babel.cfg",
         "-k", "_l", "-k", "lazy_gettext", "--no-location", "--sort-output", "-o", str(pot), "."],
        cwd=ROOT, check=True, capture_output=True, text=True,
    )
    with pot.open("rb") as f:
        return read_po(f)


def test_every_extracted_string_has_an_english_translation(extracted, catalogue):
    missing = []
    for message in extracted:
        if not message.id:
            continue
        entry = catalogue.get(message.id, message.context)
        if entry is None:
            missing.append(f"not in the .po: {describe(message)}")
        elif as_tuple(entry.id) != as_tuple(message.id):
            missing.append(f"plural form changed: {describe(message)}")
        elif entry.fuzzy:
            missing.append(f"fuzzy: {describe(message)}")
        elif not all(s.strip() for s in as_tuple(entry.string)) or (
                message.pluralizable and len(as_tuple(entry.string)) < 2):
            missing.append(f"untranslated: {describe(message)}")
    assert not missing, (
        f"{len(missing)} string(s) without an English translation; run `make extract-messages`, "
        "translate them in clinic/translations/en/LC_MESSAGES/messages.po, then "
        "`make translations`:\n  " + "\n  ".join(missing))


def test_translations_keep_the_placeholders(catalogue):
    wrong = []
    for message in catalogue:
        if not message.id:
            continue
        ids = as_tuple(message.id)
        for n, text in enumerate(as_tuple(message.string)):
            if not text:
                continue  # reported by the completeness test
            source = ids[min(n, len(ids) - 1)]
            if placeholders(text) != placeholders(source):
                wrong.append(f"{source!r} -> {text!r}: {placeholders(source)} != {placeholders(text)}")
    assert not wrong, "placeholders differ between msgid and msgstr:\n  " + "\n  ".join(wrong)


def test_compiled_catalogue_is_current(catalogue):
    assert MO.exists(), f"{MO.relative_to(ROOT)} is missing: run `make translations`"
    with MO.open("rb") as f:
        compiled = {as_tuple(m.id): as_tuple(m.string) for m in read_mo(f) if m.id}
    stale = sorted(describe(m) for m in catalogue
                   if m.id and all(as_tuple(m.string)) and not m.fuzzy
                   and compiled.get(as_tuple(m.id)) != as_tuple(m.string))
    assert not stale, ("the compiled .mo differs from the .po: run `make translations` "
                       f"({len(stale)} entries, e.g. {stale[:3]})")


def test_login_page_is_indonesian_by_default(client):
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="id">' in html
    assert "<title>Masuk · Klinik Inovasi</title>" in html
    assert 'value="Masuk"' in html  # the submit button
    assert "Masuk ke Klinik Inovasi" in html
    assert "Log in" not in html


def test_login_page_in_english_after_switching(client):
    response = client.post("/lang/en", data={"next": "/login"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "<title>Log in · Klinik Inovasi</title>" in html
    assert 'value="Log in"' in html  # the submit button
    assert "Log in to Klinik Inovasi" in html
    assert "Forgot your password?" in html
    assert "Masuk ke Klinik Inovasi" not in html


def test_templates_follow_force_locale_inside_a_request(app):
    # The templates' translations are looked up once per locale (clinic.i18n.translations):
    # an e-mail rendered in the recipient's language inside an Indonesian request switches.
    from flask import render_template_string
    from flask_babel import force_locale

    source = "{{ _('Sebelumnya') }}"
    with app.test_request_context("/"):
        assert render_template_string(source) == "Sebelumnya"
        with force_locale("en"):
            assert render_template_string(source) == "Previous"
        assert render_template_string(source) == "Sebelumnya"
