"""Alert webhooks: a signed JSON POST to the address a person gave, never to a private one.

Signed the Standard Webhooks way (https://www.standardwebhooks.com), so a receiver verifies with
a library (`standardwebhooks` for Python): `webhook-id` (the delivery's uuid, the same on a
retry, so receivers drop repeats), `webhook-timestamp` (Unix seconds, so they reject replays)
and `webhook-signature: v1,<base64>`, the HMAC-SHA256 of `<id>.<timestamp>.<body>`. A secret is
`whsec_` and the base64 of the key. A secret saved before (no prefix) keeps its key, the string's
UTF-8 bytes, and its receivers still get the older X-Mutual-* headers until they move over.
The address is resolved once, every answer checked by crawlers.guard, and the connection made to
the checked address (no redirect is followed).
"""

from __future__ import annotations

import base64
import hmac
import http.client
import json
import secrets
import socket
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from crawlers.guard import UnsafeURL, check_address, check_url
from ground.errors import MutualError
from ground.version import __version__

SECRET_PREFIX = "whsec_"  # noqa: S105 - the format's prefix, not a secret
ID_HEADER = "webhook-id"
TIMESTAMP_HEADER = "webhook-timestamp"
SIGNATURE_HEADER = "webhook-signature"
TOLERANCE_SECONDS = 5 * 60  # the libraries' window: a timestamp further from now is refused
# Sent only for secrets saved before the Standard Webhooks format, so receivers written for
# them keep working while they move to a library.
LEGACY_SIGNATURE_HEADER = "X-Mutual-Signature"
LEGACY_TIMESTAMP_HEADER = "X-Mutual-Timestamp"
LEGACY_DELIVERY_HEADER = "X-Mutual-Delivery"


class WebhookFailed(MutualError):
    """The receiver could not be reached, refused the call, or is on a forbidden address."""


@dataclass(frozen=True)
class WebhookCall:
    url: str
    secret: str
    delivery_id: str
    payload: dict[str, Any]


def new_webhook_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def is_legacy_secret(secret: str) -> bool:
    return not secret.startswith(SECRET_PREFIX)


def signing_key(secret: str) -> bytes:
    """The HMAC key of a secret: the base64 after `whsec_`; for an older secret, the string's
    bytes, the key its receiver has always checked with."""
    if is_legacy_secret(secret):
        return secret.encode("utf-8")
    # Padding added as the libraries do, so an unpadded secret reads the same.
    return base64.b64decode(secret[len(SECRET_PREFIX) :] + "==")


def standard_secret(secret: str) -> str:
    """The secret as a Standard Webhooks library takes it (`whsec_...`): the same key."""
    if is_legacy_secret(secret):
        return SECRET_PREFIX + base64.b64encode(signing_key(secret)).decode("ascii")
    return secret


def signature(secret: str, msg_id: str, timestamp: str, body: bytes) -> str:
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(signing_key(secret), signed, "sha256").digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def verify_signature(
    secret: str, headers: Mapping[str, str], body: bytes, now: float | None = None
) -> bool:
    """What a receiver's library does: the timestamp within TOLERANCE_SECONDS of now, and one of
    the signatures given the one recomputed, compared in constant time."""
    given = {name.lower(): value for name, value in headers.items()}
    msg_id, stamp = given.get(ID_HEADER, ""), given.get(TIMESTAMP_HEADER, "")
    if not msg_id or not stamp.isdigit():
        return False
    if abs((time.time() if now is None else now) - int(stamp)) > TOLERANCE_SECONDS:
        return False
    expected = signature(secret, msg_id, stamp, body).encode()
    offered = given.get(SIGNATURE_HEADER, "").split(" ")
    return any(hmac.compare_digest(expected, one.encode()) for one in offered)


def signed_headers(call: WebhookCall, timestamp: int, body: bytes) -> dict[str, str]:
    stamp = str(timestamp)
    headers = {
        ID_HEADER: call.delivery_id,
        TIMESTAMP_HEADER: stamp,
        SIGNATURE_HEADER: signature(call.secret, call.delivery_id, stamp, body),
    }
    if is_legacy_secret(call.secret):
        legacy = hmac.new(signing_key(call.secret), stamp.encode() + b"." + body, "sha256")
        headers |= {
            LEGACY_TIMESTAMP_HEADER: stamp,
            LEGACY_DELIVERY_HEADER: call.delivery_id,
            LEGACY_SIGNATURE_HEADER: "sha256=" + legacy.hexdigest(),
        }
    return headers


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
    headers = {
        "Content-Type": "application/json",
        "User-Agent": f"Mutual/{__version__} (alerts)",
        **signed_headers(call, timestamp, body),
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
