"""Every setting Mutual reads, declared once with its default and help.

A setting named ``es_hosts`` is read from the environment variable ``MUTUAL_ES_HOSTS``, else from
the key ``es_hosts`` of the TOML file named by ``MUTUAL_CONFIG``, else its default. The README
lists each one; a test fails when one is missing there.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ground.errors import MutualError

ENV_PREFIX = "MUTUAL_"
CONFIG_ENV = "MUTUAL_CONFIG"


# Settings that take one of a few words.
CHOICES = {
    "signup_mode": ("open", "invite", "closed"),
    "smtp_security": ("none", "starttls", "tls"),
}


# Settings that make no sense below one (a batch of no sources, a lease that ends at once).
AT_LEAST_ONE = ("worker_batch_size", "worker_lease_seconds")


class SettingsError(MutualError):
    """A setting has a value that cannot be used; the message names it."""


def _setting(default: Any, help: str, secret: bool = False) -> Any:
    # Secrets stay out of the repr, so a traceback that shows the settings does not show them.
    return field(default=default, repr=not secret, metadata={"help": help, "secret": secret})


@dataclass(frozen=True)
class Settings:
    data_dir: str = _setting(
        "var", "Folder for local state: the SQLite catalog (the demo's in DATA_DIR/demo)."
    )
    database_url: str = _setting(
        "", "SQLAlchemy URL of the catalog. Empty: a SQLite file `mutual.db` in the data dir."
    )
    catalog_retry_seconds: float = _setting(
        30.0,
        "Seconds a crawl or an alert pass waits for a catalog database that went away (a "
        "restart) before it stops with exit code 7; what it reported as done is kept.",
    )
    es_hosts: tuple[str, ...] = _setting(
        ("http://127.0.0.1:9200",), "Elasticsearch node URLs, comma-separated."
    )
    es_api_key: str = _setting("", "Elasticsearch API key (base64 `id:key`).", secret=True)
    es_username: str = _setting("", "Elasticsearch basic-auth user name.")
    es_password: str = _setting("", "Elasticsearch basic-auth password.", secret=True)
    es_ca_certs: str = _setting("", "Path to a CA certificate bundle for an HTTPS cluster.")
    es_request_timeout: float = _setting(10.0, "Seconds before an Elasticsearch request fails.")
    index_prefix: str = _setting(
        "mutual", "Prefix of index, alias and template names, to share one cluster."
    )
    index_replicas: int = _setting(
        0, "Replicas of each index: 0 on one node, 1 or more on a cluster."
    )
    index_chunk_docs: int = _setting(500, "Most documents in one bulk request.")
    index_chunk_bytes: int = _setting(5_000_000, "Most bytes in one bulk request.")
    crawl_contact_url: str = _setting(
        "https://mutual.example/bot",
        "Contact URL put in the crawler's User-Agent so site owners can reach the operator.",
    )
    crawl_allow_loopback: bool = _setting(
        False, "Allow fetching 127.0.0.0/8 and ::1 (development, tests and the demo only)."
    )
    crawl_interval: int = _setting(3600, "Seconds between two fetches of a healthy source.")
    crawl_max_backoff: int = _setting(86400, "Longest wait in seconds after repeated failures.")
    crawl_timeout: int = _setting(30, "Seconds a single download may take, start to end.")
    crawl_max_bytes: int = _setting(10_000_000, "Largest response body, after decompression.")
    crawl_delay: float = _setting(1.0, "Seconds between two requests to the same host.")
    crawl_concurrency_per_host: int = _setting(2, "Parallel requests to one host.")
    crawl_max_pages: int = _setting(
        50, "Most pages fetched for one source in one crawl (list pages, sitemap pages, details)."
    )
    calendar_horizon_days: int = _setting(
        180, "How far ahead recurring calendar events are expanded into occurrences."
    )
    calendar_max_occurrences: int = _setting(
        200, "Most event occurrences taken from one calendar in one crawl."
    )
    credentials_key: str = _setting(
        "",
        "Key encrypting member-only sources' credentials at rest (a long random string, e.g. "
        "from `python -c 'import secrets; print(secrets.token_urlsafe(32))'`). Needed to add or "
        "crawl a source that signs in; changing it makes stored credentials unreadable.",
        secret=True,
    )
    web_host: str = _setting("127.0.0.1", "Address `mutual serve` listens on.")
    web_port: int = _setting(8000, "Port `mutual serve` listens on.")
    web_threads: int = _setting(
        8, "Threads `mutual serve` and the demo answer requests with (waitress's worker threads)."
    )
    secret_key: str = _setting(
        "",
        "Key signing sessions, sign-up, reset and unsubscribe links; the same on every machine. "
        "Empty: a random key made once and kept in DATA_DIR/secret_key.",
        secret=True,
    )
    page_size: int = _setting(20, "Results per search page.")
    metrics_token: str = _setting(
        "",
        "Bearer token a Prometheus scraper sends to read /metrics (`Authorization: Bearer ...`). "
        "Empty: /metrics answers the signed-in operator only; to anyone else it is not there.",
        secret=True,
    )
    public_url: str = _setting(
        "http://127.0.0.1:8000",
        "The address people reach the web app at, for links in e-mails. When it starts with "
        "https://, session cookies are marked Secure and answers carry Strict-Transport-Security "
        "(a year, subdomains too).",
    )
    signup_mode: str = _setting(
        "open",
        "Who may create an account: `open` (anyone), `invite` (only with a community "
        "invitation link) or `closed` (only the operator, with `mutual user add`). Signing "
        "up mails a link to the address, so it needs MUTUAL_SMTP_HOST.",
    )
    sign_in_max_failures: int = _setting(
        5,
        "Failed sign-ins from one client for one address before that client is locked out of it "
        "(four times that for one client over all addresses; past ten times that for one "
        "address from all clients, only an e-mailed sign-in link signs it in).",
    )
    sign_in_lockout_minutes: int = _setting(
        15, "Minutes sign-in stays locked after too many failures."
    )
    sign_in_link_minutes: int = _setting(
        15,
        "Minutes an e-mailed sign-in link works (offered when sign-in is locked; it works once, "
        "and needs MUTUAL_SMTP_HOST).",
    )
    smtp_host: str = _setting(
        "",
        "SMTP server for e-mail (sign-up and password reset links, alerts). Empty: none, and "
        "nobody can sign up on the web (the operator adds accounts).",
    )
    smtp_port: int = _setting(25, "SMTP server port (587 for STARTTLS, 465 for TLS).")
    smtp_security: str = _setting("none", "SMTP connection security: `none`, `starttls` or `tls`.")
    smtp_username: str = _setting("", "SMTP user name; empty: no authentication.")
    smtp_password: str = _setting("", "SMTP password.", secret=True)
    mail_from: str = _setting("Mutual <mutual@localhost>", "Sender of the e-mails Mutual sends.")
    introductions_per_day: int = _setting(
        3,
        "Introduction requests one member may send in any 24 hours (docs/members.md); the "
        "recipient is mailed each, so keep it small.",
    )
    alerts_overlap_seconds: int = _setting(
        120,
        "Seconds before its last check that a saved search looks again, so items indexed while "
        "a run was starting are not missed (the outbox keeps them from being announced twice).",
    )
    alerts_retry_seconds: int = _setting(
        60,
        "First wait before an alert e-mail or webhook that failed is retried; doubles each time.",
    )
    alerts_max_attempts: int = _setting(
        8, "Attempts at one alert delivery before it is given up and shown as failed on /alerts."
    )
    webhook_timeout: float = _setting(10.0, "Seconds a webhook receiver has to answer.")
    worker_period: int = _setting(
        60,
        "Seconds between the starts of two `mutual worker` cycles (claim due sources, crawl them, "
        "sync the index, run alerts); after a cycle that claimed a full batch the next starts "
        "at once.",
    )
    worker_batch_size: int = _setting(
        100, "Most sources one worker claims and crawls in one cycle (`--max-sources` overrides)."
    )
    worker_lease_seconds: int = _setting(
        120,
        "How long a worker's claim on a source lasts without renewal. A live worker renews its "
        "claims while it crawls; those of a worker that died are picked up by others after this.",
    )
    worker_stop_grace_seconds: int = _setting(
        30,
        "On SIGTERM or SIGINT, seconds a worker lets its current crawl finish before stopping "
        "it (its unrecorded sources are released for other workers).",
    )
    worker_metrics_file: str = _setting(
        "",
        "File the worker writes its counters to after each cycle, in Prometheus text format "
        "(for node_exporter's textfile collector; its age is also a heartbeat). Empty: none.",
    )

    def __post_init__(self) -> None:
        for name, allowed in CHOICES.items():
            value = getattr(self, name)
            if value not in allowed:
                env = ENV_PREFIX + name.upper()
                raise SettingsError(f"{env}: {value!r} is not one of {', '.join(allowed)}")
        for name in AT_LEAST_ONE:
            if getattr(self, name) < 1:
                raise SettingsError(f"{ENV_PREFIX + name.upper()}: must be 1 or more")

    @property
    def secure_cookies(self) -> bool:
        return self.public_url_is_https

    @property
    def public_url_is_https(self) -> bool:
        """Whether people reach the app over https: cookies are Secure, and HSTS is sent."""
        return self.public_url.lower().startswith("https://")

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{Path(self.data_dir).resolve() / 'mutual.db'}"


@dataclass(frozen=True)
class SettingInfo:
    name: str
    env: str
    default: Any
    help: str
    secret: bool


def describe_settings() -> list[SettingInfo]:
    """Every setting with its environment variable, default and help, in declaration order."""
    return [
        SettingInfo(
            name=f.name,
            env=ENV_PREFIX + f.name.upper(),
            default=f.default,
            help=f.metadata["help"],
            secret=f.metadata["secret"],
        )
        for f in dataclasses.fields(Settings)
    ]


def load_settings(
    environ: Mapping[str, str] | None = None, overrides: Mapping[str, Any] | None = None
) -> Settings:
    """Settings from defaults, then the config file, then the environment, then `overrides`."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    config_path = env.get(CONFIG_ENV)
    if config_path:
        values.update(_read_config_file(Path(config_path)))
    for info in describe_settings():
        if info.env in env:
            values[info.name] = env[info.env]
    values.update(overrides or {})
    return Settings(**{name: _coerce(name, value) for name, value in values.items()})


def _read_config_file(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(f"cannot read config file {path}: {exc}") from exc
    known = {info.name for info in describe_settings()}
    unknown = sorted(set(data) - known)
    if unknown:
        raise SettingsError(f"unknown setting(s) in {path}: {', '.join(unknown)}")
    return data


def _coerce(name: str, value: Any) -> Any:
    fields = {f.name: f for f in dataclasses.fields(Settings)}
    if name not in fields:
        raise SettingsError(f"unknown setting {name!r}")
    default = fields[name].default
    try:
        return _coerce_like(default, value)
    except ValueError as exc:
        env = ENV_PREFIX + name.upper()
        raise SettingsError(f"{env}: {exc}") from exc


def _coerce_like(default: Any, value: Any) -> Any:
    if isinstance(default, bool):
        return _to_bool(value)
    if isinstance(default, tuple):
        items = value.split(",") if isinstance(value, str) else list(value)
        return tuple(str(v).strip() for v in items if str(v).strip())
    if isinstance(default, int):
        return _to_number(int, value, "a whole number, such as 20")
    if isinstance(default, float):
        return _to_number(float, value, "a number, such as 1.5")
    return str(value)


def _to_number(kind: type[int] | type[float], value: Any, wanted: str) -> int | float:
    """The number a setting gives, or an error in words: "expected a whole number, ..."."""
    try:
        return kind(value)
    except (TypeError, ValueError):
        raise ValueError(f"expected {wanted}, got {value!r}") from None


def _to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"expected true or false, got {value!r}")


def settings_environ(settings: Settings) -> dict[str, str]:
    """The MUTUAL_* variables that make another `mutual` process use exactly `settings`."""
    environ = {}
    for info in describe_settings():
        value = getattr(settings, info.name)
        environ[info.env] = ",".join(value) if isinstance(value, tuple) else str(value)
    return environ
