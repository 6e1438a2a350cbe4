"""The demo city's work units and accounts: staff per role, one contact per SKPD, an invitee."""
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from clinic.admin.models import AgencySettings, Skpd
from clinic.admin.services.skpd_import import import_skpds, parse_skpd_csv
from clinic.auth.models import User, password_hasher
from clinic.auth.services import send_invitation
from clinic.extensions import db

DATA = Path(__file__).resolve().parents[2] / "data"
STAFF = [
    ("admin@demo.test", "Admin Klinik Inovasi", "admin", {"position": "Admin Sistem"}),
    ("staff@demo.test", "Rina Kartika", "staff",
     {"position": "Analis Kebijakan, Bidang Litbang Bappedalitbang"}),
    ("trainer@demo.test", "Dr. Budi Santoso", "trainer",
     {"institution": "BRIN", "position": "Peneliti Ahli Madya"}),
    ("trainer.kemendagri@demo.test", "Siti Aminah", "trainer",
     {"institution": "BSKDN Kemendagri", "position": "Analis Inovasi Daerah",
      "timezone": "Asia/Jakarta"}),
]


# The demo city's letterhead and the head of Bappedalitbang, who signs letters and certificates.
AGENCY = {
    "government": "PEMERINTAH KOTA BANJARMASIN",
    "agency": "Badan Perencanaan Pembangunan Daerah, Penelitian dan Pengembangan",
    "address": "Jl. R.E. Martadinata No. 1, Kompleks Balai Kota Banjarmasin 70111",
    "contact": "Telepon (0511) 3352104 · bappedalitbang@banjarmasinkota.go.id",
    "place": "Banjarmasin",
    "signer_name": "Dr. Ir. H. Muhammad Yamin, M.T.",
    "signer_position": "Kepala Bappedalitbang Kota Banjarmasin",
    "signer_rank": "Pembina Utama Muda (IV/c)",
    "signer_nip": "197005121996031004",
}


def seed_agency():
    """The letterhead and signer row (a fictional official: the demo's names are made up)."""
    db.session.add(AgencySettings(**AGENCY))


def _skpd_csv(scale):
    text = (DATA / "demo" / "skpd-banjarmasin.csv").read_text(encoding="utf-8")
    if scale <= 1:
        return text
    lines = text.strip().splitlines()
    out = [lines[0]]
    for copy in range(1, scale + 1):
        for line in lines[1:]:
            code, rest = line.split(",", 1)
            out.append(line if copy == 1 else f"{code}-{copy},{rest}")
    return "\n".join(out) + "\n"


def _user(email, name, role, password_hash, skpd=None, **fields):
    # Demo accounts share one published password, so one argon2id hash is computed for all of
    # them (a hash costs ~0.1 s); real accounts always get their own salt through set_password().
    user = User(email=email, name=name, role=role, skpd=skpd, password_hash=password_hash,
                **fields)
    db.session.add(user)
    return user


def seed_accounts(scale=1):
    """Add the SKPDs (``scale`` copies) and the accounts; return (skpds, staff by e-mail,
    contact by SKPD id). The trainer still to join is invited (an outbox e-mail)."""
    password = password_hasher().hash(current_app.config["DEMO_PASSWORD"])
    result = parse_skpd_csv(_skpd_csv(scale))
    import_skpds(result)
    people = {email: _user(email, name, role, password, **fields)
              for email, name, role, fields in STAFF}
    skpds = db.session.scalars(select(Skpd).order_by(Skpd.code)).all()
    contacts = {}
    for skpd in skpds:
        # Every demo SKPD has a head on file, so escalations reach the head (in real data a
        # missing address is flagged on the SKPD list and the staff home page).
        skpd.head_name = skpd.head_name or f"Kepala {skpd.short_name}"
        skpd.head_email = skpd.head_email or f"kepala.{skpd.code.lower()}@demo.test"
        contacts[skpd.id] = _user(f"operator.{skpd.code.lower()}@demo.test",
                                  f"Operator {skpd.short_name}", "contact", password, skpd=skpd,
                                  position="Operator Inovasi")
    seed_agency()
    invited = User(email="narasumber.baru@demo.test", name="Ahmad Fauzi", role="trainer",
                   institution="Universitas Lambung Mangkurat")
    db.session.add(invited)
    db.session.flush()
    send_invitation(invited)
    return skpds, people, contacts


def demo_logins():
    """The demo accounts to sign in with, one line each."""
    lines = [f"  {email:<34} ({role})" for email, _, role, _ in STAFF]
    lines.append("  operator.<kode skpd>@demo.test     (contact), e.g. operator.dinkes@demo.test")
    return lines
