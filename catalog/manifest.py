"""Community manifests: a community and all its sources in one TOML file, to share and import.

The format (documented in docs/manifest.md) is the one `demo/communities.toml` uses:

    mutual_manifest = 1
    [[communities]]
    slug = "bay-finance"; name = "..."; description = "..."; homepage = "https://..."
    [[communities.sources]]
    url = "https://..."; kind = "feed"; item_kind = "job"; access = "public"; title = "..."
    options = { pattern = "/jobs/" }                        # kind-specific, optional
    auth = { kind = "basic", username = "treasurer" }       # member sign-in, never the secret

An export never contains a secret; an import of a source that signs in without one adds it
paused and says so, until `mutual source auth` gives its credentials.
"""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, field
from typing import Any

import tomli_w
from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.communities import add_community, get_community
from catalog.credentials import Credentials, CredentialsUnreadable, unseal
from catalog.models.sources import Community, Source
from catalog.sources import add_source, default_item_kind, list_sources
from ground.errors import MutualError

MANIFEST_VERSION = 1
COMMUNITY_KEYS = {"slug", "name", "description", "homepage", "sources"}
SOURCE_KEYS = {"url", "kind", "item_kind", "access", "title", "options", "auth"}
AUTH_KEYS = {"kind", "username", "secret", "login_url", "username_field", "password_field"}
# `site` belongs to the demo's manifest: how its local site gates member areas. Not imported.
TOP_KEYS = {"mutual_manifest", "communities", "site"}


class InvalidManifest(MutualError):
    """The manifest cannot be read or names something unknown; the message says where."""


@dataclass
class ImportReport:
    communities_added: list[str] = field(default_factory=list)
    communities_kept: list[str] = field(default_factory=list)
    sources_added: int = 0
    sources_kept: int = 0
    # Sources that sign in but came without a secret: (id, url, their auth table without any
    # secret), added paused.
    need_credentials: list[tuple[int, str, dict[str, str]]] = field(default_factory=list)


def read_manifest(text: str, origin: str = "manifest") -> dict[str, Any]:
    """The manifest in `text`, checked for unknown keys and a supported version."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidManifest(f"{origin} is not valid TOML: {exc}") from exc
    _check_keys(data, TOP_KEYS, origin)
    version = data.get("mutual_manifest", MANIFEST_VERSION)
    if version != MANIFEST_VERSION:
        raise InvalidManifest(f"{origin}: mutual_manifest = {version!r}; this Mutual reads 1")
    communities = data.get("communities")
    if not isinstance(communities, list) or not communities:
        raise InvalidManifest(f"{origin} has no [[communities]]")
    for number, entry in enumerate(communities, 1):
        where = f"{origin}, community {number}"
        _check_keys(entry, COMMUNITY_KEYS, where)
        for missing in {"slug", "name"} - entry.keys():
            raise InvalidManifest(f"{where} lacks {missing!r}")
        for index, src in enumerate(entry.get("sources", []), 1):
            _check_source(src, f"{where}, source {index}")
    return data


def _check_source(src: Any, where: str) -> None:
    _check_keys(src, SOURCE_KEYS, where)
    if "url" not in src:
        raise InvalidManifest(f"{where} lacks 'url'")
    if "auth" in src:
        _check_keys(src["auth"], AUTH_KEYS, f"{where}, auth")


def _check_keys(table: Any, allowed: set[str], where: str) -> None:
    if not isinstance(table, dict):
        raise InvalidManifest(f"{where} must be a table")
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise InvalidManifest(
            f"{where}: unknown key {unknown[0]!r}; known: {', '.join(sorted(allowed))}"
        )


def import_manifest(
    session: Session,
    data: dict[str, Any],
    *,
    credentials_key: str = "",
    substitutions: dict[str, str] | None = None,
) -> ImportReport:
    """Add the manifest's communities and sources; ones already there are kept as they are.

    `substitutions` replaces placeholders in URLs (the demo's `{base}`).
    """
    importer = _Importer(session, credentials_key, substitutions or {})
    for entry in data["communities"]:
        slug = importer.community(entry)
        for src in entry.get("sources", []):
            importer.source(slug, src)
    return importer.report


def _substitute(value: str, substitutions: dict[str, str]) -> str:
    for placeholder, replacement in substitutions.items():
        value = value.replace(placeholder, replacement)
    return value


@dataclass
class _Importer:
    session: Session
    credentials_key: str
    subs: dict[str, str]
    report: ImportReport = field(default_factory=ImportReport)

    def community(self, entry: dict[str, Any]) -> str:
        slug = str(entry["slug"])
        if self.session.scalar(select(Community).where(Community.slug == slug)) is not None:
            self.report.communities_kept.append(slug)
            return slug
        add_community(
            self.session,
            str(entry["name"]),
            slug,
            str(entry.get("description", "")),
            _substitute(str(entry.get("homepage", "")), self.subs),
        )
        self.report.communities_added.append(slug)
        return slug

    def source(self, slug: str, src: dict[str, Any]) -> None:
        url = _substitute(str(src["url"]), self.subs)
        community = get_community(self.session, slug)
        existing = select(Source).where(Source.community_id == community.id, Source.url == url)
        if self.session.scalar(existing) is not None:
            self.report.sources_kept += 1
            return
        auth = dict(src.get("auth") or {})
        credentials = _credentials(auth, self.subs) if auth.get("secret") else None
        source = add_source(
            self.session,
            slug,
            url,
            kind=str(src.get("kind", "feed")),
            item_kind=str(src.get("item_kind") or default_item_kind(str(src.get("kind", "feed")))),
            access=str(src.get("access", "members" if auth else "public")),
            title=str(src.get("title", "")),
            options=dict(src.get("options") or {}),
            credentials=credentials,
            credentials_key=self.credentials_key,
        )
        self.report.sources_added += 1
        if auth and credentials is None:
            source.auth_kind = str(auth.get("kind", "basic"))
            source.paused = True
            self.report.need_credentials.append((source.id, url, _public_auth(auth)))


def _credentials(auth: dict[str, Any], subs: dict[str, str]) -> Credentials:
    values = {key: str(value) for key, value in auth.items()}
    if "login_url" in values:
        values["login_url"] = _substitute(values["login_url"], subs)
    return Credentials(**values)


def _public_auth(auth: dict[str, Any]) -> dict[str, str]:
    """What may be said of a sign-in: everything but the secret."""
    return {key: str(value) for key, value in auth.items() if key != "secret"}


def export_community(
    session: Session, slug: str, credentials_key: str = "", *, member_sources: bool = False
) -> dict[str, Any]:
    """The community and its sources as a manifest, without any secret (with the key, a
    sign-in's user name and login page are included). Member-only sources are left out unless
    `member_sources`: their addresses are often keys in themselves."""
    community = get_community(session, slug)
    entry: dict[str, Any] = {"slug": community.slug, "name": community.name}
    if community.description:
        entry["description"] = community.description
    if community.homepage:
        entry["homepage"] = community.homepage
    entry["sources"] = [
        _export_source(source, credentials_key)
        for source in list_sources(session, slug)
        if member_sources or source.access == "public"
    ]
    return {"mutual_manifest": MANIFEST_VERSION, "communities": [entry]}


def _export_source(source: Source, credentials_key: str) -> dict[str, Any]:
    options = dict(source.options or {})
    exported: dict[str, Any] = {
        "url": source.url,
        "kind": source.kind,
        "item_kind": source.item_kind,
        "access": source.access,
    }
    if source.title:
        exported["title"] = source.title
    if options:
        exported["options"] = options
    if source.auth_kind != "none":
        exported["auth"] = _exported_auth(source, credentials_key)
    return exported


def _exported_auth(source: Source, credentials_key: str) -> dict[str, str]:
    if not (source.credentials and credentials_key):
        return {"kind": source.auth_kind}
    try:
        credentials = unseal(source.credentials, credentials_key)
    except CredentialsUnreadable:
        return {"kind": source.auth_kind}
    return {k: v for k, v in _public_auth(asdict(credentials)).items() if v}


def dump_manifest(data: dict[str, Any]) -> str:
    header = (
        "# A Mutual community manifest; `mutual community import FILE` adds it.\n"
        "# Format: docs/manifest.md.\n"
        "# Sign-in secrets are never exported: give them with `mutual source auth ID`.\n"
    )
    return header + tomli_w.dumps(data)
