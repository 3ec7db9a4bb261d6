"""Alert webhooks: a signed JSON POST to the address a person gave, never to a private one.

Signature: `X-Mutual-Signature: sha256=<hex>`, the HMAC-SHA256 with the saved search's secret of
`<X-Mutual-Timestamp>.<body>`; `X-Mutual-Delivery` is the same on a retry, so receivers can drop
replays and repeats. The address is resolved once, every answer checked by crawlers.guard, and
the connection made to the checked address (no redirect is followed).
"""

from __future__ import annotations

import hmac
import http.client
import json
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from crawlers.guard import UnsafeURL, check_address, check_url
from ground.errors import MutualError
from ground.version import __version__

SIGNATURE_HEADER = "X-Mutual-Signature"
TIMESTAMP_HEADER = "X-Mutual-Timestamp"
DELIVERY_HEADER = "X-Mutual-Delivery"


class WebhookFailed(MutualError):
    """The receiver could not be reached, refused the call, or is on a forbidden address."""


@dataclass(frozen=True)
class WebhookCall:
    url: str
    secret: str
    delivery_id: str
    payload: dict[str, Any]


def signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, "sha256")
    return "sha256=" + digest.hexdigest()


def verify_signature(secret: str, timestamp: str, body: bytes, header: str) -> bool:
    """What a receiver does: recompute the signature and compare in constant time."""
    return hmac.compare_digest(signature(secret, timestamp, body), header)


def check_webhook_url(url: str, allow_loopback: bool) -> str:
    """The address to connect to for `url`; WebhookFailed when any address it has is private."""
    try:
        check_url(url, allow_loopback)
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        answers = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
        addresses = [str(answer[4][0]) for answer in answers]
        for address in addresses:
            check_address(address, allow_loopback)
    except UnsafeURL as exc:
        raise WebhookFailed(f"webhook address refused: {exc}") from exc
    except (OSError, ValueError) as exc:
        raise WebhookFailed(f"webhook address {url!r} cannot be resolved: {exc}") from exc
    return addresses[0]


def _connection(url: str, address: str, timeout: float) -> http.client.HTTPConnection:
    parts = urlsplit(url)
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = kind(parts.hostname or "", parts.port, timeout=timeout)

    def connect_to_checked(where: tuple[str, int], *args: Any) -> socket.socket:
        # The name was checked when resolved; connect to that answer, not a second lookup's.
        return socket.create_connection((address, where[1]), *args)

    connection._create_connection = connect_to_checked  # type: ignore[attr-defined]
    return connection


def post_webhook(call: WebhookCall, timestamp: int, allow_loopback: bool, timeout: float) -> None:
    """POST the signed payload; WebhookFailed unless the receiver answers 2xx."""
    address = check_webhook_url(call.url, allow_loopback)
    body = json.dumps(call.payload, separators=(",", ":"), sort_keys=True).encode("utf-8")
    stamp = str(timestamp)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": f"Mutual/{__version__} (alerts)",
        TIMESTAMP_HEADER: stamp,
        DELIVERY_HEADER: call.delivery_id,
        SIGNATURE_HEADER: signature(call.secret, stamp, body),
    }
    parts = urlsplit(call.url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection = _connection(call.url, address, timeout)
    try:
        connection.request("POST", path, body=body, headers=headers)
        status = connection.getresponse().status
    except (OSError, http.client.HTTPException) as exc:
        raise WebhookFailed(f"webhook to {parts.hostname} failed: {exc}") from exc
    finally:
        connection.close()
    if not 200 <= status < 300:
        raise WebhookFailed(f"webhook receiver {parts.hostname} answered HTTP {status}")
