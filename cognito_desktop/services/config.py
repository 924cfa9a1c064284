"""Profiles: typed, validated, stored as a readable TOML file in the config folder.

A malformed file or field never stops the app: loading returns the profiles that
are valid plus one ``ConfigProblem`` per fault, each naming the file, the
profile, the field and what is expected.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .errors import ConfigError

DEFAULT_SCOPES = ("openid", "email", "profile")
PROFILE_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
REGION_RE = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")
USER_POOL_ID_RE = re.compile(r"^(?P<region>[\w-]+)_[0-9A-Za-z]+$")
CLIENT_ID_RE = re.compile(r"^[\w+]{1,128}$")
IDENTITY_POOL_ID_RE = re.compile(r"^(?P<region>[\w-]+):[0-9a-f-]+$")
SCOPE_RE = re.compile(r"^[\x21\x23-\x5B\x5D-\x7E]+$")


@dataclass(frozen=True)
class Profile:
    """One Cognito set-up the app can sign in to.

    Field names are the keys of a ``[profiles.NAME]`` table in ``profiles.toml``.
    """

    name: str
    region: str
    user_pool_id: str
    client_id: str
    hosted_ui_url: str
    redirect_uri: str
    identity_pool_id: str = ""
    scopes: tuple[str, ...] = DEFAULT_SCOPES
    endpoint_url: str = ""
    identity_provider: str = ""
    remember_me: bool = False
    # The API console's {{base_url}}: saved requests move between environments.
    api_base_url: str = ""
    # DynamoDB tables to offer even when ListTables is denied, and those whose
    # partition key is the identity id (the query form fills it in).
    dynamodb_tables: tuple[str, ...] = ()
    dynamodb_identity_keyed: tuple[str, ...] = ()
    # S3 places to offer even when ListBuckets is denied: "s3://bucket/prefix/".
    s3_locations: tuple[str, ...] = ()

    @property
    def issuer(self) -> str:
        return f"https://cognito-idp.{self.region}.amazonaws.com/{self.user_pool_id}"

    @property
    def logins_key(self) -> str:
        """The identity pool's Logins map key: the id token's issuer without scheme."""
        return self.issuer.removeprefix("https://")

    @property
    def jwks_url(self) -> str:
        if self.endpoint_url:
            return f"{self.endpoint_url.rstrip('/')}/{self.user_pool_id}/.well-known/jwks.json"
        return f"{self.issuer}/.well-known/jwks.json"

    def hosted_ui(self, path: str) -> str:
        return f"{self.hosted_ui_url.rstrip('/')}/{path.lstrip('/')}"

    @property
    def is_local(self) -> bool:
        return bool(self.endpoint_url) and _is_loopback(urlsplit(self.endpoint_url).hostname)


@dataclass(frozen=True)
class ConfigProblem:
    path: Path
    profile: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}"
        if self.profile:
            where += f", profile '{self.profile}'"
        if self.field:
            where += f", field '{self.field}'"
        return f"{where}: {self.message}"


@dataclass
class ProfileSet:
    """What ``profiles.toml`` holds: the valid profiles and the problems found."""

    path: Path
    profiles: dict[str, Profile] = field(default_factory=dict)
    default: str = ""
    problems: list[ConfigProblem] = field(default_factory=list)
    # Raw tables of profiles that failed validation: kept so that saving never
    # drops what the user wrote.
    invalid_tables: dict[str, dict[str, Any]] = field(default_factory=dict)
    unreadable: bool = False

    def get(self, name: str) -> Profile | None:
        return self.profiles.get(name)

    def names(self) -> list[str]:
        return sorted(self.profiles)

    def initial(self, requested: str | None = None) -> Profile | None:
        """The profile the app should open with."""
        for name in (requested, self.default, "sandbox"):
            if name and name in self.profiles:
                return self.profiles[name]
        names = self.names()
        return self.profiles[names[0]] if names else None


def _is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_url(value: str, *, allow_any_scheme: bool = False) -> str | None:
    """Return why ``value`` is not an acceptable URL, or None."""
    try:
        parts = urlsplit(value)
    except ValueError:
        return "is not a valid URL"
    if allow_any_scheme:
        if not parts.scheme or not (parts.netloc or parts.path):
            return "must be a URL such as https://example.com/callback or myapp://callback"
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "must be an http(s) URL such as https://example.auth.eu-west-1.amazoncognito.com"
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        return "must use https (plain http is only accepted for localhost)"
    return None


def validate_profile(
    name: str, table: Mapping[str, Any], path: Path
) -> tuple[Profile | None, list[ConfigProblem]]:
    """Turn one ``[profiles.NAME]`` table into a Profile, or say what is wrong."""
    problems: list[ConfigProblem] = []

    def problem(field_name: str, message: str) -> None:
        problems.append(ConfigProblem(path, name, field_name, message))

    if not PROFILE_NAME_RE.match(name):
        problem("", "a profile name uses letters, digits, '.', '_' or '-' (at most 64)")

    known = {f.name for f in fields(Profile)} - {"name"}
    for key in table:
        if key not in known:
            problem(key, f"unknown field; expected one of: {', '.join(sorted(known))}")

    def text(key: str, required: bool) -> str:
        raw = table.get(key, "")
        if not isinstance(raw, str):
            problem(key, f"expected a string, found {type(raw).__name__}")
            return ""
        value: str = raw.strip()
        if required and not value:
            problem(key, "is required")
        return value

    region = text("region", True)
    if region and not REGION_RE.match(region):
        problem("region", f"'{region}' is not an AWS region such as eu-west-1")

    user_pool_id = text("user_pool_id", True)
    if user_pool_id:
        m = USER_POOL_ID_RE.match(user_pool_id)
        if not m:
            problem(
                "user_pool_id",
                "expected REGION_ID such as eu-west-1_AbC123dEf "
                "(Cognito console → User pools → User pool ID)",
            )
        elif region and m.group("region") != region:
            problem("user_pool_id", f"belongs to region {m.group('region')}, not {region}")

    client_id = text("client_id", True)
    if client_id and not CLIENT_ID_RE.match(client_id):
        problem(
            "client_id",
            "expected the app client id (letters and digits, "
            "Cognito console → App integration → App clients)",
        )

    hosted_ui_url = text("hosted_ui_url", True)
    if hosted_ui_url and (why := _check_url(hosted_ui_url)):
        problem("hosted_ui_url", why)

    redirect_uri = text("redirect_uri", True)
    if redirect_uri and (why := _check_url(redirect_uri, allow_any_scheme=True)):
        problem("redirect_uri", why)

    identity_pool_id = text("identity_pool_id", False)
    if identity_pool_id:
        m = IDENTITY_POOL_ID_RE.match(identity_pool_id)
        if not m:
            problem(
                "identity_pool_id",
                "expected REGION:UUID such as "
                "eu-west-1:0a1b2c3d-... (Cognito console → Identity pools)",
            )
        elif region and m.group("region") != region:
            problem("identity_pool_id", f"belongs to region {m.group('region')}, not {region}")

    endpoint_url = text("endpoint_url", False)
    if endpoint_url and (why := _check_url(endpoint_url)):
        problem("endpoint_url", why)

    identity_provider = text("identity_provider", False)

    api_base_url = text("api_base_url", False)
    if api_base_url and (why := _check_url(api_base_url)):
        problem("api_base_url", why)

    scopes_raw = table.get("scopes", list(DEFAULT_SCOPES))
    scopes: tuple[str, ...] = DEFAULT_SCOPES
    if not isinstance(scopes_raw, list) or not all(isinstance(s, str) for s in scopes_raw):
        problem("scopes", 'expected a list of strings such as ["openid", "email"]')
    else:
        scopes = tuple(s.strip() for s in scopes_raw if s.strip())
        if "openid" not in scopes:
            problem("scopes", "must include 'openid' (the app needs an id token)")
        for scope in scopes:
            if not SCOPE_RE.match(scope):
                problem("scopes", f"'{scope}' is not a valid OAuth scope")

    def names(key: str) -> tuple[str, ...]:
        raw = table.get(key, [])
        if not isinstance(raw, list) or not all(isinstance(v, str) and v.strip() for v in raw):
            problem(key, 'expected a list of table names such as ["orders", "customers"]')
            return ()
        return tuple(v.strip() for v in raw)

    dynamodb_tables = names("dynamodb_tables")
    dynamodb_identity_keyed = names("dynamodb_identity_keyed")

    s3_locations: tuple[str, ...] = ()
    raw_locations = table.get("s3_locations", [])
    if not isinstance(raw_locations, list) or not all(isinstance(v, str) for v in raw_locations):
        problem(
            "s3_locations", 'expected a list such as ["s3://my-bucket/", "s3://other/reports/"]'
        )
    else:
        from .s3_models import S3NameError
        from .s3_names import parse_location

        for value in raw_locations:
            try:
                parse_location(value)
            except S3NameError as exc:
                problem("s3_locations", f"'{value}': {exc.message}")
        s3_locations = tuple(v.strip() for v in raw_locations)

    remember_me = table.get("remember_me", False)
    if not isinstance(remember_me, bool):
        problem("remember_me", "expected true or false")
        remember_me = False

    if problems:
        return None, problems
    return Profile(
        name=name,
        region=region,
        user_pool_id=user_pool_id,
        client_id=client_id,
        hosted_ui_url=hosted_ui_url,
        redirect_uri=redirect_uri,
        identity_pool_id=identity_pool_id,
        scopes=scopes,
        endpoint_url=endpoint_url,
        identity_provider=identity_provider,
        remember_me=remember_me,
        api_base_url=api_base_url,
        dynamodb_tables=dynamodb_tables,
        dynamodb_identity_keyed=dynamodb_identity_keyed,
        s3_locations=s3_locations,
    ), []


def load_profiles(path: Path) -> ProfileSet:
    """Read ``profiles.toml``. Never raises for bad content: see ``ProfileSet.problems``."""
    result = ProfileSet(path=path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return result
    except OSError as exc:
        result.unreadable = True
        result.problems.append(ConfigProblem(path, "", "", f"cannot be read: {exc.strerror}"))
        return result
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        result.unreadable = True
        result.problems.append(ConfigProblem(path, "", "", "is not UTF-8 text"))
        return result
    except tomllib.TOMLDecodeError as exc:
        result.unreadable = True
        result.problems.append(
            ConfigProblem(path, "", "", f"is not valid TOML ({exc}); fix it or move it aside")
        )
        return result

    default = data.get("default_profile", "")
    if isinstance(default, str):
        result.default = default
    else:
        result.problems.append(ConfigProblem(path, "", "default_profile", "expected a string"))
    tables = data.get("profiles", {})
    if not isinstance(tables, dict):
        result.problems.append(
            ConfigProblem(path, "", "profiles", "expected tables such as [profiles.work]")
        )
        return result
    for name, table in tables.items():
        if not isinstance(table, dict):
            result.problems.append(
                ConfigProblem(path, name, "", f"expected a table [profiles.{name}]")
            )
            continue
        profile, problems = validate_profile(name, table, path)
        if profile is not None:
            result.profiles[name] = profile
        else:
            result.problems.extend(problems)
            result.invalid_tables[name] = dict(table)
    return result


def profile_to_table(profile: Profile) -> dict[str, Any]:
    table: dict[str, Any] = {}
    for f in fields(Profile):
        if f.name == "name":
            continue
        value = getattr(profile, f.name)
        if value == f.default:
            continue
        table[f.name] = list(value) if isinstance(value, tuple) else value
    # The required fields always appear, in a readable order.
    for key in ("region", "user_pool_id", "client_id", "hosted_ui_url", "redirect_uri"):
        table[key] = getattr(profile, key)
    return table


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        # A JSON string with ASCII escapes is a valid TOML basic string.
        return json.dumps(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key)


def dump_profiles(profiles: ProfileSet) -> str:
    lines = ["# Cognito Desktop profiles. See README.md, 'Point it at your AWS account'.", ""]
    if profiles.default:
        lines += [f"default_profile = {_toml_value(profiles.default)}", ""]
    tables: dict[str, dict[str, Any]] = dict(profiles.invalid_tables)
    tables.update({name: profile_to_table(p) for name, p in profiles.profiles.items()})
    for name in sorted(tables):
        lines.append(f"[profiles.{_toml_key(name)}]")
        lines += [
            f"{_toml_key(k)} = {_toml_value(v)}"
            for k, v in tables[name].items()
            if isinstance(v, str | bool | int | float | list | tuple)
        ]
        lines.append("")
    return "\n".join(lines)


def save_profiles(profiles: ProfileSet) -> Path | None:
    """Write atomically. A file that could not be parsed is first moved aside
    (its new name is returned) so nothing the user wrote is lost."""
    import tempfile
    import time

    path = profiles.path
    path.parent.mkdir(parents=True, exist_ok=True)
    moved: Path | None = None
    if profiles.unreadable and path.exists():
        moved = path.with_name(f"{path.name}.broken-{time.strftime('%Y%m%d-%H%M%S')}")
        path.rename(moved)
        profiles.unreadable = False
    fd, tmp = tempfile.mkstemp(prefix=".profiles-", suffix=".toml", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(dump_profiles(profiles))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return moved


def upsert_profile(path: Path, profile: Profile, make_default: bool = False) -> Path | None:
    """Add or replace one profile in the file, keeping every other table."""
    profiles = load_profiles(path)
    profiles.invalid_tables.pop(profile.name, None)
    profiles.problems = [p for p in profiles.problems if p.profile != profile.name]
    profiles.profiles[profile.name] = profile
    if make_default or not profiles.default:
        profiles.default = profile.name
    return save_profiles(profiles)


def require_profile(profiles: ProfileSet, name: str | None) -> Profile:
    """The named (or initial) profile, or a ConfigError that says what to do."""
    profile = profiles.initial(name) if name is None else profiles.get(name)
    if profile is not None:
        return profile
    related = [str(p) for p in profiles.problems if p.profile == name or not p.profile]
    if related:
        raise ConfigError(f"Profile '{name}' cannot be used: " + "; ".join(related))
    known = ", ".join(profiles.names()) or "none yet"
    raise ConfigError(
        f"No profile named '{name}' in {profiles.path} (profiles: {known}).",
        "Run 'cognito-desktop sandbox' for a local one, or add a [profiles.NAME] table.",
    )


def with_remember_me(profile: Profile, remember: bool) -> Profile:
    return replace(profile, remember_me=remember)
