"""CSV import of work units, by page and by `flask import-skpd`: all rows or none, with line numbers."""
import hashlib
import io

import pytest
from sqlalchemy import func, select, update

from clinic.admin.models import Skpd
from clinic.admin.services.skpd_import import import_skpds, parse_skpd_csv
from clinic.audit import AuditEvent
from clinic.extensions import db

GOOD = (
    "code,short_name,name,kind,head_name,head_email,parent_code\n"
    "DINKES,Dinkes,Dinas Kesehatan,dinas,dr. Siti Rahmah,kadinkes@example.go.id,\n"
    "PKM-TELUK,PKM Teluk Dalam,Puskesmas Teluk Dalam,puskesmas,,,DINKES\n"
)
TWO_BAD = (
    "code,short_name,name,kind\n"
    "DINKES,Dinkes,Dinas Kesehatan,dinas\n"
    "dinas pu,PU,Dinas Pekerjaan Umum,dinas\n"
    "DISDIK,Disdik,Dinas Pendidikan,dinas\n"
    "KEC-X,Kec X,,kerajaan\n"
)


@pytest.fixture(autouse=True)
def _unlink_subunits(app):
    # The shared teardown deletes all SKPDs in one statement; MariaDB checks the self-reference
    # row by row, so sub-units are detached first.
    yield
    db.session.rollback()
    db.session.execute(update(Skpd).values(parent_id=None))
    db.session.commit()


def _count():
    return db.session.scalar(select(func.count(Skpd.id)))


def _skpd(code):
    db.session.expire_all()
    return db.session.scalars(select(Skpd).where(Skpd.code == code)).first()


@pytest.fixture
def as_staff(auth, make_user):
    user = make_user(role="staff")
    auth.login_as(user)
    return user


def _upload(client, content, name="skpd.csv"):
    data = content.encode("utf-8") if isinstance(content, str) else content
    return client.post("/admin/skpd/import", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data", follow_redirects=True)


# --- the page -------------------------------------------------------------------------------

def test_page_shows_columns_and_an_example(client, as_staff):
    body = client.get("/admin/skpd/import").get_data(as_text=True)
    for column in ("code", "name", "short_name", "kind", "head_email", "parent_code"):
        assert f"<code>{column}</code>" in body
    assert "DINKES,Dinkes,Dinas Kesehatan" in body
    assert "maksimal 2 MB" in body


def test_page_imports_a_good_file_and_updates_by_code(client, as_staff, make_skpd):
    make_skpd(code="DINKES", name="Dinas Kesehatan (lama)", short_name="Dinkes lama")
    body = _upload(client, GOOD).get_data(as_text=True)
    assert "Impor selesai: 1 Perangkat Daerah baru, 1 diperbarui." in body
    dinkes, pkm = _skpd("DINKES"), _skpd("PKM-TELUK")
    assert dinkes.name == "Dinas Kesehatan" and dinkes.head_email == "kadinkes@example.go.id"
    assert pkm.parent_id == dinkes.id and pkm.kind == "puskesmas"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "skpd_imported")).one()
    assert event.actor_id == as_staff.id
    assert event.changes == {"created": ["PKM-TELUK"], "updated": ["DINKES"]}


def test_page_imports_nothing_when_two_rows_are_bad(client, as_staff):
    response = _upload(client, TWO_BAD)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Tidak ada yang diimpor." in body and "2 baris bermasalah" in body
    assert '<td data-label="Baris">3</td>' in body and "kode &#39;DINAS PU&#39;" in body
    assert '<td data-label="Baris">5</td>' in body and "nama kosong" in body
    assert "jenis &#39;kerajaan&#39; tidak dikenal" in body
    assert '<td data-label="Baris">2</td>' not in body
    assert _count() == 0


def test_page_reads_semicolons_and_a_bom(client, as_staff):
    text = "\ufeffcode;short_name;name;kind\nDINKES;Dinkes;Dinas Kesehatan, Kota;dinas\n"
    body = _upload(client, text.encode("utf-8")).get_data(as_text=True)
    assert "1 Perangkat Daerah baru" in body
    assert _skpd("DINKES").name == "Dinas Kesehatan, Kota"


def test_page_refuses_non_utf8_bytes(client, as_staff):
    data = "code,name\nDINKES,Dinas Kesehatan\nPKM,Puskesmas Kayu Tangi \u00e9\n".encode("cp1252")
    response = _upload(client, data)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Berkas bukan teks UTF-8 (karakter tidak terbaca di baris 3)" in body
    assert _count() == 0


def test_page_refuses_a_binary_file(client, as_staff):
    response = _upload(client, b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00", "skpd.xlsx")
    assert response.status_code == 200
    assert "bukan berkas CSV (berisi data biner" in response.get_data(as_text=True)


def test_page_reports_a_missing_column(client, as_staff):
    body = _upload(client, "kode,nama\nDINKES,Dinas Kesehatan\n").get_data(as_text=True)
    assert "kolom wajib tidak ada: code, name" in body
    assert _count() == 0


def test_page_refuses_a_file_over_the_limit(app, client, as_staff):
    app.config["CSV_IMPORT_MAX_BYTES"] = 1024
    body = _upload(client, GOOD + "X" * 2000).get_data(as_text=True)
    assert "Berkas terlalu besar: maksimal 1 KB." in body
    assert _count() == 0


def test_page_asks_for_a_file(client, as_staff):
    response = client.post("/admin/skpd/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 200
    assert "Pilih berkas CSV yang akan diimpor." in response.get_data(as_text=True)


def test_page_refuses_an_empty_file(client, as_staff):
    assert "Berkas kosong." in _upload(client, b"\n \n").get_data(as_text=True)


# --- the command ----------------------------------------------------------------------------

def test_cli_imports_a_good_file(runner, tmp_path):
    path = tmp_path / "skpd.csv"
    path.write_text(GOOD, encoding="utf-8")
    result = runner.invoke(args=["import-skpd", str(path)])
    assert result.exit_code == 0, result.output
    assert "created=2 updated=0" in result.stdout
    assert _skpd("PKM-TELUK").parent.code == "DINKES"
    result = runner.invoke(args=["import-skpd", str(path)])
    assert "created=0 updated=2" in result.stdout


def test_cli_imports_nothing_and_lists_bad_lines(runner, tmp_path):
    path = tmp_path / "skpd.csv"
    path.write_text(TWO_BAD, encoding="utf-8")
    result = runner.invoke(args=["import-skpd", str(path)])
    assert result.exit_code == 1
    assert f"{path}:3: kode 'DINAS PU'" in result.stderr
    assert f"{path}:5: nama kosong" in result.stderr
    assert "nothing imported: 2 line(s) with errors" in result.stderr
    assert _count() == 0


@pytest.mark.parametrize("data,message", [
    ("code,name\nA1,Satu\n\u00e9".encode("latin-1"), "Berkas bukan teks UTF-8"),
    (b"\x00\x01\x02binary", "bukan berkas CSV"),
    (b"kode;nama\nA1;Satu\n", "kolom wajib tidak ada"),
])
def test_cli_refuses_bad_files(runner, tmp_path, data, message):
    path = tmp_path / "skpd.csv"
    path.write_bytes(data)
    result = runner.invoke(args=["import-skpd", str(path)])
    assert result.exit_code == 1
    assert message in result.stderr
    assert _count() == 0


def test_cli_reads_semicolons_and_a_bom(runner, tmp_path):
    path = tmp_path / "skpd.csv"
    path.write_bytes("\ufeffcode;name\nDINKES;Dinas Kesehatan\n".encode("utf-8"))
    result = runner.invoke(args=["import-skpd", str(path)])
    assert result.exit_code == 0, result.output
    assert _skpd("DINKES").short_name == "Dinkes"


# --- the parser -----------------------------------------------------------------------------

def test_line_numbers_count_blank_lines_and_multiline_cells(app):
    text = ('code,name,kind\n'
            '\n'
            'DINKES,"Dinas\nKesehatan",dinas\n'
            'BAD CODE,Salah,dinas\n')
    result = parse_skpd_csv(text)
    assert [line for line, _ in result.errors] == [5]


def test_duplicate_code_names_the_first_line(app):
    result = parse_skpd_csv("code,name\nDINKES,Satu\ndinkes,Dua\n")
    line, message = result.errors[0]
    assert line == 3 and "sudah muncul di baris 2" in str(message)


def test_parent_must_exist_and_no_cycle(app, make_skpd):
    a = make_skpd(code="INDUK")
    make_skpd(code="ANAK", parent_id=a.id)
    result = parse_skpd_csv("code,name,parent_code\nINDUK,Induk,ANAK\n")
    assert result.errors and "lingkaran" in str(result.errors[0][1])
    result = parse_skpd_csv("code,name,parent_code\nPKM,Puskesmas,TIDAKADA\n")
    assert "tidak ditemukan" in str(result.errors[0][1])


def test_absent_columns_keep_registered_values(app, make_skpd):
    top = make_skpd(code="DINKES", short_name="Dinkes", kind="dinas", head_name="dr. Siti",
                    head_email="kadinkes@example.go.id")
    make_skpd(code="PKM", parent_id=top.id, kind="puskesmas", short_name="PKM Kita")
    result = parse_skpd_csv("code,name\nDINKES,Dinas Kesehatan Kota\nPKM,Puskesmas Kita\n")
    assert result.ok, result.errors
    import_skpds(result)
    db.session.commit()
    dinkes, pkm = _skpd("DINKES"), _skpd("PKM")
    assert dinkes.name == "Dinas Kesehatan Kota" and dinkes.head_name == "dr. Siti"
    assert dinkes.head_email == "kadinkes@example.go.id"
    assert pkm.parent_id == dinkes.id and pkm.kind == "puskesmas" and pkm.short_name == "PKM Kita"


def test_extra_cells_and_unknown_columns_are_ignored(app):
    result = parse_skpd_csv("code,name,confirmed\nDINKES,Dinas Kesehatan,yes,extra\n")
    assert result.ok, result.errors
    assert result.ignored_columns == ["confirmed"]


def test_what_the_file_says_is_escaped_on_the_page(client, as_staff):
    body = _upload(client, "code,name\n<b>X</b>,Satu\n").get_data(as_text=True)
    assert "&lt;B&gt;X&lt;/B&gt;" in body and "<B>X</B>" not in body


# --- bounded messages -------------------------------------------------------------------------

def _noise(n):
    # Column names that do not compress away, like the 3,000 of the reported file.
    return [hashlib.sha256(str(i).encode()).hexdigest()[:12] for i in range(n)]


def test_thousands_of_unknown_columns_are_counted_not_listed(client, as_staff):
    extra = _noise(3000)
    content = "code,name," + ",".join(extra) + "\nDINKES,Dinas Kesehatan" + "," * 3000 + "\n"
    response = client.post("/admin/skpd/import", data={"file": (io.BytesIO(content.encode()),
                                                                "skpd.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert len(cookie) < 1024, len(cookie)
    with client.session_transaction() as session:
        (_, info), = [f for f in session["_flashes"] if f[0] == "info"]
    assert info.startswith("3000 kolom tidak dikenal dan diabaikan: ")
    assert extra[0] in info and extra[2999] not in info and "dan 2995 lainnya" in info
    assert len(info) < 300
    assert _skpd("DINKES").name == "Dinas Kesehatan"


def test_one_very_long_unknown_column_name_is_cut(client, as_staff):
    body = _upload(client, "code,name," + "k" * 10_000 + "\nDINKES,Dinas Kesehatan,x\n"
                   ).get_data(as_text=True)
    assert "k" * 40 + "…" in body and "k" * 100 not in body
    assert _skpd("DINKES") is not None


def test_what_a_refused_file_says_is_cut_and_counted(client, as_staff):
    body = _upload(client, "kode,nama," + ",".join(_noise(3000)) + "\nX,Y\n"
                   ).get_data(as_text=True)
    assert "kolom wajib tidak ada: code, name" in body and "lainnya" in body
    assert len(body) < 30_000
    body = _upload(client, "code,name,kind\n" + "Q" * 10_000 + ",Satu," + "j" * 10_000 + "\n"
                   ).get_data(as_text=True)
    assert "Q" * 40 + "…" in body and "Q" * 100 not in body
    assert "j" * 40 + "…" in body and "j" * 100 not in body


def test_a_file_of_many_bad_lines_shows_the_first_and_counts_the_rest(client, as_staff):
    response = _upload(client, "code,name\n" + "x\n" * 20_000)
    body = response.get_data(as_text=True)
    assert "20000 baris bermasalah" in body
    assert ">2<" in body and ">20001<" not in body and "masalah lainnya" in body
    assert len(body) < 100_000
    assert _count() == 0
