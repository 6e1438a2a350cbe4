"""CLI: flask seed-demo [--scale N] [--if-empty] and flask demo-logins."""
import click
from flask import current_app
from sqlalchemy import func, select

from clinic.auth.models import User
from clinic.demo import demo_logins, seed_demo
from clinic.extensions import db


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
                   f"sessions, {summary['tasks']} follow-up tasks from sessions, "
                   f"{summary['bimtek_events']} Bimtek events with "
                   f"{summary['bimtek_participants']} participants, "
                   f"current cycle {summary['cycle']} "
                   f"(claimed index {summary['claimed']:.2f}, verified {summary['verified']:.2f}).")

    @app.cli.command("demo-logins")
    @click.option("--port", type=int, default=None,
                  help="The port the server listens on, when links use another address.")
    def demo_logins_command(port):
        """Print the address (BASE_URL, as in every link) and the demo accounts."""
        base_url = current_app.config["BASE_URL"].rstrip("/")
        served = f"http://127.0.0.1:{port}" if port else base_url
        click.echo(f"\nKlinik Inovasi: {base_url}")
        if served != base_url:
            click.echo(f"(server on {served}; links in e-mails and calendars use {base_url})")
        click.echo(f"\nDemo accounts (password: {current_app.config['DEMO_PASSWORD']}):")
        for line in demo_logins():
            click.echo(line)
        click.echo("")
