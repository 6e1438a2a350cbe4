"""CLI: flask import-skpd FILE.csv and flask create-user."""
from pathlib import Path

import click
from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select

from clinic.admin import services
from clinic.admin.models import Skpd
from clinic.admin.services.skpd_import import (
    ImportFileError, decode_csv_bytes, import_skpds, parse_skpd_csv,
)
from clinic.auth.models import Role
from clinic.auth.passwords import password_problem
from clinic.extensions import db


def _locale():
    # Outside a request there is no viewer: messages come in the application's default language.
    return force_locale(current_app.config["BABEL_DEFAULT_LOCALE"])


@click.command("import-skpd")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_skpd_command(path):
    """Import work units from a CSV file (all rows or none)."""
    with _locale():
        try:
            result = parse_skpd_csv(decode_csv_bytes(path.read_bytes()))
        except ImportFileError as exc:
            raise click.ClickException(f"{path}: {exc}") from exc
        if not result.ok:
            for line, message in result.errors:
                click.echo(f"{path}:{line}: {message}", err=True)
            raise click.ClickException(
                f"nothing imported: {result.bad_lines} line(s) with errors")
        import_skpds(result)
        db.session.commit()
        click.echo(f"created={result.created} updated={result.updated}")
        if result.ignored_columns:
            click.echo(f"ignored columns: {', '.join(result.ignored_columns)}", err=True)


@click.command("create-user")
@click.option("--email", required=True, help="Login e-mail (stored in lower case).")
@click.option("--name", required=True, help="Full name.")
@click.option("--role", required=True, type=click.Choice(Role.ALL))
@click.option("--skpd", "skpd_code", help="SKPD code; required for the contact role.")
@click.option("--institution", help="Institution, e.g. BRIN (for trainers).")
@click.option("--password-prompt", "mode", flag_value="password",
              help="Ask for a password now.")
@click.option("--invite", "mode", flag_value="invite", default=True,
              help="Send an invitation e-mail into the outbox (the default).")
def create_user_command(email, name, role, skpd_code, institution, mode):
    """Create an account with a password, or invite it by e-mail."""
    with _locale():
        skpd_id = None
        if skpd_code:
            skpd = db.session.scalars(select(Skpd).where(Skpd.code == skpd_code.strip().upper())).first()
            if skpd is None:
                raise click.ClickException(f"unknown SKPD code {skpd_code!r}")
            skpd_id = skpd.id
        password = None
        if mode == "password":
            password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
            problem = password_problem(password, email)
            if problem:
                raise click.ClickException(str(problem))
        try:
            user = services.create_user(None, None, email=email, name=name.strip(), role=role,
                                        skpd_id=skpd_id, institution=institution,
                                        password=password, invite=mode == "invite")
        except services.AdminError as exc:
            db.session.rollback()
            raise click.ClickException(str(exc)) from exc
        db.session.commit()
        how = "invitation in the outbox" if mode == "invite" else "password set"
        click.echo(f"created {user.email} ({user.role}), {how}")


def register(app):
    app.cli.add_command(import_skpd_command)
    app.cli.add_command(create_user_command)
