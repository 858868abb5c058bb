"""Configuration from the environment, validated once at start."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot import texts

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_TIMEZONE = "Europe/Copenhagen"
DEFAULT_PORT = 3000
DATABASE_SCHEMES = ("sqlite", "postgres", "postgresql", "postgresql+psycopg")


class ConfigError(Exception):
    """A setting is missing or wrong; the message names the variable (one Danish line)."""


@dataclass(frozen=True)
class Settings:
    """Everything the processes read from the environment."""

    database_url: str = ""
    slack_bot_token: str = ""
    slack_signing_secret: str = ""
    slack_app_token: str = ""
    slack_app_id: str = ""  # SLACK_APP_ID: when set, requests for another app are refused
    slack_api_url: str = DEFAULT_SLACK_API_URL
    smtp_url: str = ""
    mail_from: str = ""
    imap_url: str = ""  # IMAP_URL: the mailbox the clock reads (replies, calendar answers)
    mail_reply_tokens: bool = False  # MAIL_REPLY_TOKENS=1: Reply-To klu+<token>@… on e-mails
    port: int = DEFAULT_PORT
    answer_cache: bool = True  # KLU_ANSWER_CACHE=0 turns it off (handlers/slack/answers.py)
    admins: tuple[str, ...] = ()  # KLU_ADMINS: Slack user ids and e-mails (lower case)
    regret_reason_days: int = 30  # KLU_REGRET_REASON_DAYS after the minutes are approved
    retention_days: int = 90  # KLU_RETENTION_DAYS for done inbox rows, event ids, deliveries
    mail_auth: str = "password"  # MAIL_AUTH: password (user:pass in the URL) or oauth2
    ms_tenant_id: str = ""  # MS_TENANT_ID, MS_CLIENT_ID, MS_CLIENT_SECRET: Entra ID app (oauth2)
    ms_client_id: str = ""
    ms_client_secret: str = ""


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read the settings and check the shape of every one that is set (ConfigError naming
    the variable); which ones are required depends on the command (see require())."""
    env = os.environ if env is None else env
    api = env.get("SLACK_API_URL", "").strip() or DEFAULT_SLACK_API_URL
    settings = Settings(
        database_url=env.get("DATABASE_URL", "").strip(),
        slack_bot_token=env.get("SLACK_BOT_TOKEN", "").strip(),
        slack_signing_secret=env.get("SLACK_SIGNING_SECRET", "").strip(),
        slack_app_token=env.get("SLACK_APP_TOKEN", "").strip(),
        slack_app_id=env.get("SLACK_APP_ID", "").strip(),
        slack_api_url=api if api.endswith("/") else api + "/",
        smtp_url=env.get("SMTP_URL", "").strip(),
        mail_from=env.get("MAIL_FROM", "").strip(),
        imap_url=env.get("IMAP_URL", "").strip(),
        mail_reply_tokens=env.get("MAIL_REPLY_TOKENS", "").strip().lower()
        in ("1", "true", "yes", "on"),
        port=_port(env.get("PORT", "")),
        answer_cache=env.get("KLU_ANSWER_CACHE", "1").strip() not in ("0", "false", "no", "off"),
        admins=parse_admins(env.get("KLU_ADMINS", "")),
        regret_reason_days=_days(env, "KLU_REGRET_REASON_DAYS", 30),
        retention_days=_days(env, "KLU_RETENTION_DAYS", 90),
        mail_auth=_mail_auth(env.get("MAIL_AUTH", "")),
        ms_tenant_id=env.get("MS_TENANT_ID", "").strip(),
        ms_client_id=env.get("MS_CLIENT_ID", "").strip(),
        ms_client_secret=env.get("MS_CLIENT_SECRET", "").strip(),
    )
    check(settings)
    return settings


def _port(text: str) -> int:
    value = text.strip()
    if not value:
        return DEFAULT_PORT
    if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= 65535:
        raise ConfigError(texts.CONFIG_PORT.format(value=value))
    return int(value)


def check(settings: Settings) -> None:
    """Raise ConfigError for the first setting that is set but cannot be right."""
    if settings.database_url and not _database_url_ok(settings.database_url):
        raise ConfigError(texts.CONFIG_DATABASE_URL)
    if settings.smtp_url and not _smtp_url_ok(settings.smtp_url):
        raise ConfigError(texts.CONFIG_SMTP_URL)
    if settings.smtp_url and not settings.mail_from:
        raise ConfigError(texts.CONFIG_MAIL_FROM)
    if settings.imap_url and not _imap_url_ok(settings.imap_url):
        raise ConfigError(texts.CONFIG_IMAP_URL)
    if settings.imap_url and not settings.mail_from:
        raise ConfigError(texts.CONFIG_IMAP_MAIL_FROM)
    if settings.mail_from and not _address_ok(settings.mail_from):
        raise ConfigError(texts.CONFIG_MAIL_FROM_INVALID)
    if settings.mail_auth == "oauth2":
        _check_oauth(settings)
    if settings.slack_bot_token and not settings.slack_bot_token.startswith("xoxb-"):
        raise ConfigError(texts.CONFIG_BOT_TOKEN)
    if settings.slack_app_token and not settings.slack_app_token.startswith("xapp-"):
        raise ConfigError(texts.CONFIG_APP_TOKEN)


MAIL_AUTHS = {"password": "password", "oauth2": "oauth2", "xoauth2": "oauth2"}
_GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_DOMAIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+")


def _mail_auth(text: str) -> str:
    """MAIL_AUTH: how SMTP (and IMAP) log in; empty is password."""
    value = text.strip().lower() or "password"
    if value not in MAIL_AUTHS:
        raise ConfigError(texts.CONFIG_MAIL_AUTH.format(value=text.strip()))
    return MAIL_AUTHS[value]


def _check_oauth(settings: Settings) -> None:
    """MAIL_AUTH=oauth2 needs the app registration: a tenant, a client id and its secret."""
    for name, value in (
        ("MS_TENANT_ID", settings.ms_tenant_id),
        ("MS_CLIENT_ID", settings.ms_client_id),
        ("MS_CLIENT_SECRET", settings.ms_client_secret),
    ):
        if not value:
            raise ConfigError(texts.CONFIG_MS_MISSING.format(name=name))
    tenant = settings.ms_tenant_id
    if not (_GUID.fullmatch(tenant) or _DOMAIN.fullmatch(tenant)):
        raise ConfigError(texts.CONFIG_MS_TENANT_ID)
    if not _GUID.fullmatch(settings.ms_client_id):
        raise ConfigError(texts.CONFIG_MS_CLIENT_ID)


def _database_url_ok(url: str) -> bool:
    scheme, sep, rest = url.partition("://")
    if not sep or scheme.lower() not in DATABASE_SCHEMES:
        return False
    if scheme.lower() == "sqlite":
        return rest.startswith("/")  # sqlite:///relative.db or sqlite:////absolute.db
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises on a port that is not a number)
    except ValueError:
        return False
    return bool(parts.hostname or parts.query)  # ?host=/run/postgresql is a socket


def _smtp_url_ok(url: str) -> bool:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises on a port that is not a number)
    except ValueError:
        return False
    return parts.scheme.lower() in ("smtp", "smtps") and bool(parts.hostname)


def _imap_url_ok(url: str) -> bool:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises on a port that is not a number)
    except ValueError:
        return False
    return parts.scheme.lower() in ("imap", "imaps") and bool(parts.hostname and parts.username)


def _address_ok(address: str) -> bool:
    local, at, domain = address.rpartition("@")
    return bool(at and local and "." in domain and not any(c.isspace() for c in address))


def _days(env: Mapping[str, str], name: str, default: int) -> int:
    """A number of days (0 or more) from the environment."""
    text = env.get(name, "").strip() or str(default)
    if not (text.isascii() and text.isdigit()):  # not '²', which int() refuses
        raise ConfigError(f"{name} must be a whole number of days, got {text!r}")
    return int(text)


def parse_admins(text: str) -> tuple[str, ...]:
    """KLU_ADMINS: Slack user ids (U…, W…) and e-mails, separated by commas or spaces."""
    found = []
    for word in text.replace(";", ",").replace(",", " ").split():
        found.append(word.lower() if "@" in word else word.upper())
    return tuple(dict.fromkeys(found))


ENV_NAMES = {
    "slack_bot_token": "SLACK_BOT_TOKEN",
    "slack_signing_secret": "SLACK_SIGNING_SECRET",
    "slack_app_token": "SLACK_APP_TOKEN",
    "database_url": "DATABASE_URL",
}


def require(settings: Settings, names: Sequence[str]) -> None:
    """Raise ConfigError naming the first missing or empty required setting."""
    for name in names:
        if not getattr(settings, name):
            raise ConfigError(texts.CONFIG_MISSING.format(name=ENV_NAMES[name]))
