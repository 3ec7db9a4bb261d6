"""Serving the app for `mutual serve` and the demo: waitress by default, Flask's server with --dev.

Waitress is a production WSGI server (threads in one process, pure Python, no fork), so a first
look prints no "development server" warning and a local install behaves as a deployed one does;
the container image runs gunicorn with several processes instead (Dockerfile).
"""

from __future__ import annotations

import logging

import click
from flask import Flask
from waitress.server import create_server

from ground.settings import Settings


def serve_app(app: Flask, settings: Settings, host: str, port: int, *, dev: bool = False) -> None:
    """Answer on host:port until Ctrl-C or SIGTERM; with `dev`, Flask's server (debug tools)."""
    click.echo(f"Mutual is serving at http://{host}:{port}/  (Ctrl-C to stop)")
    if dev:
        app.run(host=host, port=port, threaded=True, use_reloader=False)
        return
    # waitress.serve() would configure the root logger (so every app log line came out twice,
    # as JSON and again as text) and announce itself; the server alone does neither.
    logging.getLogger("waitress").setLevel(logging.WARNING)
    server = create_server(app, host=host, port=port, threads=settings.web_threads, ident="Mutual")
    try:
        server.run()
    except KeyboardInterrupt:
        click.echo("stopped")
    finally:
        server.close()
