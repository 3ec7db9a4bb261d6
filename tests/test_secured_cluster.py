"""Against a secured node (HTTPS with its own CA, a user, API keys), as production runs: the
settings MUTUAL_ES_CA_CERTS, MUTUAL_ES_USERNAME/PASSWORD and MUTUAL_ES_API_KEY."""

from __future__ import annotations

import json
import os
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ground.settings import Settings
from tests.helpers import REPO, make_catalog_items, run_mutual

SECURE_PORT = os.environ.get("MUTUAL_ES_SECURE_PORT", "9260")
USER, PASSWORD = "mutual", "mutual-local-password"


def _secure_script(action: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "MUTUAL_ES_SECURE": "1",
        "MUTUAL_ES_PORT": SECURE_PORT,
        "MUTUAL_ES_USERNAME": USER,
        "MUTUAL_ES_PASSWORD": PASSWORD,
    }
    return subprocess.run(
        ["bash", str(REPO / "scripts" / "elasticsearch.sh"), action],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


@pytest.fixture(scope="module")
def secure_node() -> Iterator[tuple[str, str]]:
    """A second, secured node started by the project's script for this module only."""
    was_running = _secure_script("status").returncode == 0
    started = _secure_script("start")
    if started.returncode != 0:
        pytest.fail(f"could not start the secured node:\n{started.stderr}", pytrace=False)
    yield _secure_script("url").stdout.strip(), _secure_script("cacert").stdout.strip()
    if not was_running:
        _secure_script("stop")


@pytest.fixture
def secure(catalog: Settings, secure_node: tuple[str, str]) -> Settings:
    url, ca = secure_node
    return replace(catalog, es_hosts=(url,), es_ca_certs=ca, es_username=USER, es_password=PASSWORD)


def test_index_and_search_with_basic_auth_and_a_ca(secure: Settings) -> None:
    make_catalog_items(secure, 30)
    assert "indexed 30 of 30" in run_mutual(secure, "index").stdout
    hits = json.loads(run_mutual(secure, "search", "analyst", "--json").stdout)
    assert hits["total"] == 30
    status = json.loads(run_mutual(secure, "index", "--status", "--json").stdout)
    assert status["documents"] == 30


def test_an_api_key_is_sent_as_the_authorization_header(catalog: Settings) -> None:
    """API keys live in the .security index, which this core-only node cannot create (its
    mapping needs the analysis-common module), so no key can be issued here. What can be
    checked is that Mutual sends the configured key, and explains a refusal: a loopback server
    records the request and refuses it as a cluster would."""
    seen: list[str] = []

    class Refusing(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.headers.get("Authorization", ""))
            body = b'{"error":{"type":"security_exception"},"status":401}'
            self.send_response(401)
            self.send_header("Content-Type", "application/json")
            self.send_header("X-Elastic-Product", "Elasticsearch")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_PUT = do_GET  # noqa: N815
        do_HEAD = do_GET  # noqa: N815

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Refusing)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        keyed = replace(
            catalog,
            es_hosts=(f"http://127.0.0.1:{server.server_address[1]}",),
            es_api_key="bXV0dWFsOnRlc3Qta2V5",
        )
        result = run_mutual(keyed, "index", check=False)
    finally:
        server.shutdown()
    assert seen and seen[0] == "ApiKey bXV0dWFsOnRlc3Qta2V5"
    assert result.returncode == 4
    assert "refused the credentials" in result.stderr


def test_wrong_password_and_missing_ca_are_explained(secure: Settings) -> None:
    make_catalog_items(secure, 1)
    wrong = run_mutual(replace(secure, es_password="not-it"), "index", check=False)
    assert wrong.returncode == 4
    assert "refused the credentials" in wrong.stderr
    no_ca = run_mutual(replace(secure, es_ca_certs=""), "index", check=False)
    assert no_ca.returncode == 4
    assert "MUTUAL_ES_CA_CERTS" in no_ca.stderr
    assert "Traceback" not in wrong.stderr + no_ca.stderr
