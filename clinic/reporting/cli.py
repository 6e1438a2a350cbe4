"""CLI: flask score --cycle YEAR [--json]."""
import json

import click
from sqlalchemy import select

from clinic.catalogue.models import Cycle
from clinic.catalogue.services import current_cycle
from clinic.extensions import db
from clinic.reporting import projection


def register(app):
    @app.cli.command("score")
    @click.option("--cycle", "year", type=int, default=None, help="Cycle year (default: current).")
    @click.option("--json", "as_json", is_flag=True, help="Print the whole breakdown as JSON.")
    def score_command(year, as_json):
        """Print the city's claimed and verified IID score."""
        cycle = (db.session.scalars(select(Cycle).where(Cycle.year == year)).first()
                 if year else current_cycle())
        if cycle is None:
            raise click.ClickException(f"no cycle {year or '(current)'}")
        data = projection.as_json(cycle, projection.city_breakdown(cycle))
        if as_json:
            click.echo(json.dumps(data, ensure_ascii=False, indent=2))
            return
        for version in ("claimed", "verified"):
            t = data[version]
            click.echo(f"{version:>9}: IID {t['index']:.2f} ({t['predicate']}) "
                       f"SPD {t['spd']:.2f} SID {t['sid']:.2f} "
                       f"innovations counted {t['innovations_counted']}")
        click.echo(f"next best fixes: {len(data['fixes'])} items; top: "
                   + ", ".join(f"{f['indicator']} +{f['gain']:.2f}" for f in data["fixes"][:5]))
