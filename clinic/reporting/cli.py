"""CLI: flask score [--cycle YEAR] [--json | --check | --rebuild]."""
import json

import click
from sqlalchemy import select

from clinic.catalogue.models import Cycle
from clinic.catalogue.services import current_cycle
from clinic.extensions import db
from clinic.reporting import engine, projection
from clinic.reporting.engine.store import differences, rebuild


def _print_summary(score):
    for name, totals in (("claimed", score.claimed), ("verified", score.verified)):
        t = totals.rounded()
        click.echo(f"{name:>9}: IID {t['index']:.2f} ({t['predicate']}) "
                   f"SPD {t['spd']:.2f} SID {t['sid']:.2f} "
                   f"innovations counted {t['innovations_counted']}")
    ranked = score.ranked()
    click.echo(f"next best fixes: {len(ranked)} items; top: "
               + ", ".join(f"{r.indicator} +{r.gain:.2f}" for r in ranked[:5]))
    for low in score.lowering()[:5]:
        click.echo(f"lowers the verified index by {low.by:.2f}: innovation {low.innovation_id}"
                   + ("" if low.counted else " (once verified)"))


def register(app):
    @app.cli.command("score")
    @click.option("--cycle", "year", type=int, default=None, help="Cycle year (default: current).")
    @click.option("--json", "as_json", is_flag=True, help="Print the whole breakdown as JSON.")
    @click.option("--check", is_flag=True,
                  help="Recompute the engine's aggregates from the rows and report differences.")
    @click.option("--rebuild", "rebuild_all", is_flag=True,
                  help="Recompute and store every aggregate of the cycle.")
    def score_command(year, as_json, check, rebuild_all):
        """Print the city's claimed and verified IID score."""
        cycle = (db.session.scalars(select(Cycle).where(Cycle.year == year)).first()
                 if year else current_cycle())
        if cycle is None:
            raise click.ClickException(f"no cycle {year or '(current)'}")
        if rebuild_all:
            rebuild(db.session.connection(), {cycle.id})
            db.session.commit()
            click.echo(f"aggregates of {cycle.year} rebuilt")
        if check:
            found = differences(db.session.connection(), cycle.id)
            for line in found:
                click.echo(line)
            if found:
                raise click.ClickException(f"{len(found)} aggregate(s) differ from the rows")
            click.echo(f"aggregates of {cycle.year} agree with the rows")
            return
        if as_json:
            data = projection.as_json(cycle, projection.city_breakdown(cycle))
            click.echo(json.dumps(data, ensure_ascii=False, indent=2))
            return
        _print_summary(engine.city_score(cycle))
