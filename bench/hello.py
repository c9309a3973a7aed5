"""A bare Flask hello, served by the same gunicorn settings: the scale for /track and item pages."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    """Hello."""
    return "hello"
