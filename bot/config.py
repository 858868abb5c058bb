"""Configuration from the environment, validated once at start."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_TIMEZONE = "Europe/Copenhagen"


class ConfigError(Exception):
    """A required setting is missing; the message names it (one line, English for operators)."""


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
    port: int = 3000
    answer_cache: bool = True  # KLU_ANSWER_CACHE=0 turns it off (handlers/slack/answers.py)
    admins: tuple[str, ...] = ()  # KLU_ADMINS: Slack user ids and e-mails (lower case)
    regret_reason_days: int = 30  # KLU_REGRET_REASON_DAYS after the minutes are approved
    retention_days: int = 90  # KLU_RETENTION_DAYS for done inbox rows, event ids, deliveries


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read the settings; nothing is required here (see require())."""
    env = os.environ if env is None else env
    api = env.get("SLACK_API_URL", "").strip() or DEFAULT_SLACK_API_URL
    port_text = env.get("PORT", "").strip() or "3000"
    if not port_text.isdigit():
        raise ConfigError(f"PORT must be a number, got {port_text!r}")
    return Settings(
        database_url=env.get("DATABASE_URL", "").strip(),
        slack_bot_token=env.get("SLACK_BOT_TOKEN", "").strip(),
        slack_signing_secret=env.get("SLACK_SIGNING_SECRET", "").strip(),
        slack_app_token=env.get("SLACK_APP_TOKEN", "").strip(),
        slack_app_id=env.get("SLACK_APP_ID", "").strip(),
        slack_api_url=api if api.endswith("/") else api + "/",
        smtp_url=env.get("SMTP_URL", "").strip(),
        mail_from=env.get("MAIL_FROM", "").strip(),
        port=int(port_text),
        answer_cache=env.get("KLU_ANSWER_CACHE", "1").strip() not in ("0", "false", "no", "off"),
        admins=parse_admins(env.get("KLU_ADMINS", "")),
        regret_reason_days=_days(env, "KLU_REGRET_REASON_DAYS", 30),
        retention_days=_days(env, "KLU_RETENTION_DAYS", 90),
    )


def _days(env: Mapping[str, str], name: str, default: int) -> int:
    """A number of days (0 or more) from the environment."""
    text = env.get(name, "").strip() or str(default)
    if not text.isdigit():
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
            raise ConfigError(f"missing required environment variable {ENV_NAMES[name]}")
