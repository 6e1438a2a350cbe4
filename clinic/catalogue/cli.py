"""CLI: flask catalogue load FILE --cycle YEAR."""
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale

from clinic.catalogue.services import CatalogueError, load_catalogue, read_catalogue_file
from clinic.extensions import db

catalogue_cli = AppGroup("catalogue", help="Cycles and their indicator catalogue.")


def resolve(path):
    """Accept a path, or a bare file name from the shipped data/catalogue folder."""
    candidate = Path(path)
    if candidate.exists():
        return candidate
    shipped = Path(current_app.root_path).parent / "data" / "catalogue" / path
    return shipped if shipped.exists() else candidate


@catalogue_cli.command("load")
@click.argument("path")
@click.option("--cycle", "year", type=int, required=True, help="The cycle's year, e.g. 2026.")
def load_command(path, year):
    """Load (or update) a cycle's catalogue from a YAML file."""
    source = resolve(path)
    # No request here: messages are written in the default language, not a visitor's.
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        try:
            with source.open("rb") as stream:
                data = read_catalogue_file(stream)
            cycle = load_catalogue(data, year)
        except OSError as exc:
            raise click.ClickException(f"cannot read {source}: {exc}") from exc
        except CatalogueError as exc:
            db.session.rollback()
            raise click.ClickException(
                f"nothing loaded from {source}:\n" + "\n".join(f"  - {p}" for p in exc.problems)
            ) from exc
        db.session.commit()
    click.echo(f"cycle {cycle.year}: {len(cycle.indicators)} indicators, "
               f"{len(cycle.bands)} predicate bands")


def register(app):
    app.cli.add_command(catalogue_cli)
