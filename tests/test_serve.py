"""`mutual serve` as a user starts it: a production WSGI server by default (waitress), Flask's
development server only with --dev (issue 24, point 5: no warnings in a first look)."""

from __future__ import annotations

import signal
import subprocess
import sys
import urllib.request

from catalog.db import upgrade_schema
from ground.settings import Settings
from tests.helpers import REPO, settings_env
from tests.web import free_port, wait_for_url


def _serve(settings: Settings, *flags: str) -> tuple[str, str]:
    """Starts `mutual serve`, asks /healthz, stops it with Ctrl-C; the Server header and what
    the command printed."""
    upgrade_schema(settings.resolved_database_url)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "mutual", "serve", "--port", str(port), *flags],
        env=settings_env(settings),
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_for_url(f"http://127.0.0.1:{port}/healthz", process)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:
            server = str(answer.headers["Server"])
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=30)
    return server, output


def test_serve_uses_a_production_server_and_prints_only_where(settings: Settings) -> None:
    server, output = _serve(settings)
    assert server == "Mutual"  # waitress, naming no software or version
    assert "development server" not in output and "WARNING" not in output, output
    assert "Mutual is serving at http://127.0.0.1:" in output
    assert "Traceback" not in output, output


def test_dev_serves_with_flasks_own_server(settings: Settings) -> None:
    server, output = _serve(settings, "--dev")
    assert server.startswith("Werkzeug/"), server
    assert "development server" in output
