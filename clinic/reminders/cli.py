"""The reminders' commands: flask reminders run-due, flask scheduler run and status."""
from clinic.reminders.reminders_cli import reminders_cli
from clinic.reminders.scheduler_cli import scheduler_cli


def register(app):
    app.cli.add_command(scheduler_cli)
    app.cli.add_command(reminders_cli)
