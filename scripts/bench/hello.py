"""The baseline: a minimal Flask "hello world" served with the same gunicorn settings.

Every page's requests per second are reported as a share of this app's.
``gunicorn --pythonpath scripts/bench hello:app``
"""
from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    return "Hello, World!"
