"""CLI: flask catalogue load FILE --cycle YEAR."""
from pathlib import Path

import click
import yaml
from flask import current_app
from flask.cli import AppGroup

from clinic.catalogue.services import CatalogueError, load_catalogue
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
    try:
        data = yaml.safe_load(source.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise click.ClickException(f"cannot read {source}: {exc}") from exc
    try:
        cycle = load_catalogue(data, year)
    except CatalogueError as exc:
        db.session.rollback()
        raise click.ClickException(
            "nothing loaded:\n" + "\n".join(f"  - {p}" for p in exc.problems)
        ) from exc
    db.session.commit()
    click.echo(f"cycle {cycle.year}: {len(cycle.indicators)} indicators, "
               f"{len(cycle.bands)} predicate bands")


def register(app):
    app.cli.add_command(catalogue_cli)
