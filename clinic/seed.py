"""Demo data: the city's work units, accounts per role and per SKPD, cycles, innovations.

Later features extend ``seed_demo`` with their own data. Dates are relative to today so the demo
always looks alive.
"""
from datetime import timedelta
from pathlib import Path

import click
import yaml
from flask import current_app
from sqlalchemy import func, select

from clinic.admin.models import Skpd
from clinic.admin.skpd_import import import_skpds, parse_skpd_csv
from clinic.auth.models import User, password_hasher
from clinic.auth.services import send_invitation
from clinic.catalogue.services import load_catalogue, make_current
from clinic.coaching.demo import seed_coaching_demo
from clinic.dates import today_local
from clinic.extensions import db
from clinic.reporting.demo import seed_reporting_demo

DATA = Path(__file__).resolve().parent.parent / "data"
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


def _cycles(today):
    cycles = {}
    for year, name in ((2023, "iid-2023.yaml"), (2026, "iid-2026.yaml")):
        data = yaml.safe_load((DATA / "catalogue" / name).read_text(encoding="utf-8"))
        cycles[year] = load_catalogue(data, year)
    current = cycles[2026]
    current.portal_opens_on = today + timedelta(days=21)
    current.portal_closes_on = today + timedelta(days=75)
    current.internal_deadline_on = today + timedelta(days=45)
    current.timezone = current_app.config["CLINIC_TIMEZONE"]
    make_current(current)
    archive = cycles[2023]
    archive.portal_opens_on = today.replace(year=2023, month=6, day=1)
    archive.portal_closes_on = today.replace(year=2023, month=8, day=21)
    archive.internal_deadline_on = today.replace(year=2023, month=8, day=11)
    return current


def seed_demo(scale=1):
    """Create the demo city; return a summary dict. The caller commits."""
    password = password_hasher().hash(current_app.config["DEMO_PASSWORD"])
    result = parse_skpd_csv(_skpd_csv(scale))
    import_skpds(result)
    people = {email: _user(email, name, role, password, **fields)
              for email, name, role, fields in STAFF}
    skpds = db.session.scalars(select(Skpd).order_by(Skpd.code)).all()
    contacts = {}
    for skpd in skpds:
        contacts[skpd.id] = _user(f"operator.{skpd.code.lower()}@demo.test",
                                  f"Operator {skpd.short_name}", "contact", password, skpd=skpd,
                                  position="Operator Inovasi")
    invited = User(email="narasumber.baru@demo.test", name="Ahmad Fauzi", role="trainer",
                   institution="Universitas Lambung Mangkurat")
    db.session.add(invited)
    db.session.flush()
    send_invitation(invited)
    cycle = _cycles(today_local())
    db.session.flush()
    reporting = seed_reporting_demo(cycle, skpds, contacts, people["staff@demo.test"], scale=scale)
    coaching = seed_coaching_demo(cycle, skpds, people, scale=scale)
    return {"skpds": len(skpds), "users": len(STAFF) + len(skpds) + 1, "cycle": cycle.year,
            "innovations": reporting["innovations"], "sessions": coaching["sessions"],
            "tasks": coaching["tasks"],
            "claimed": reporting["claimed_index"], "verified": reporting["verified_index"]}


def demo_logins():
    lines = [f"  {email:<34} ({role})" for email, _, role, _ in STAFF]
    lines.append("  operator.<kode skpd>@demo.test     (contact), e.g. operator.dinkes@demo.test")
    return lines


def register(app):
    @app.cli.command("seed-demo")
    @click.option("--scale", type=click.IntRange(1, 100), default=1,
                  help="Multiply the demo data (for benchmarks).")
    @click.option("--if-empty", is_flag=True, help="Do nothing when users already exist.")
    def seed_demo_command(scale, if_empty):
        """Fill the database with the demo city."""
        if db.session.scalar(select(func.count()).select_from(User)):
            if if_empty:
                click.echo("Database already has data: demo data not added.")
                return
            raise click.ClickException("the database is not empty; seed-demo needs an empty one")
        summary = seed_demo(scale)
        db.session.commit()
        click.echo(f"Demo data: {summary['skpds']} SKPD, {summary['users']} users, "
                   f"{summary['innovations']} innovations, {summary['sessions']} coaching "
                   f"sessions, {summary['tasks']} follow-up tasks, "
                   f"current cycle {summary['cycle']} "
                   f"(claimed index {summary['claimed']:.2f}, verified {summary['verified']:.2f}).")

    @app.cli.command("demo-logins")
    @click.option("--port", default=5000)
    def demo_logins_command(port):
        """Print the address and the demo accounts."""
        click.echo(f"\nKlinik Inovasi: http://127.0.0.1:{port}\n\nDemo accounts "
                   f"(password: {current_app.config['DEMO_PASSWORD']}):")
        for line in demo_logins():
            click.echo(line)
        click.echo("")
