"""OAuth 2.0 for mail (Microsoft 365): an access token from Microsoft Entra ID by the client
credentials grant (msal), and the SASL XOAUTH2 string that SMTP AUTH and IMAP AUTHENTICATE
carry it in.

MAIL_AUTH=oauth2 with MS_TENANT_ID, MS_CLIENT_ID and MS_CLIENT_SECRET (bot/config.py) turns
it on; README, "Microsoft 365 (OAuth 2.0)", says how to register the app. msal keeps the
token in memory and asks Entra ID again only when it is within five minutes of expiring (or
past the `refresh_in` Entra ID sent), so every connection can simply ask for a token.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Protocol

import imapclient
import msal
import msal.exceptions
from imapclient.exceptions import LoginError

from bot import texts
from bot.config import Settings

SCOPE = "https://outlook.office365.com/.default"
AUTHORITY = "https://login.microsoftonline.com/{tenant}"


class MailAuthError(Exception):
    """Logging in to a mail server with OAuth did not work; the message is Danish and holds
    neither the secret nor the token."""


class TokenError(MailAuthError):
    """Entra ID gave no token (wrong secret, no consent, unreachable)."""


class TokenRefused(MailAuthError):
    """The mail server did not accept the token."""


class TokenSource(Protocol):
    """Hands out a valid bearer token for the mail servers (cached by whoever implements it)."""

    def token(self) -> str: ...


@dataclass(frozen=True)
class OAuthSettings:
    """The app registration in Microsoft Entra ID."""

    tenant_id: str
    client_id: str
    client_secret: str

    @classmethod
    def from_settings(cls, settings: Settings) -> OAuthSettings | None:
        """The app registration when MAIL_AUTH=oauth2, else None (user:password)."""
        if settings.mail_auth != "oauth2":
            return None
        return cls(settings.ms_tenant_id, settings.ms_client_id, settings.ms_client_secret)


class MsalTokenSource:
    """Tokens for Exchange Online by the client credentials grant. The msal application is
    made on first use, so starting a process never waits for Entra ID; `http_client` is
    msal's own seam for its HTTP (tests answer there, at the edge of the third party)."""

    def __init__(self, settings: OAuthSettings, http_client: Any = None) -> None:
        self.settings = settings
        self._http_client = http_client
        self._app: msal.ConfidentialClientApplication | None = None

    def _application(self) -> msal.ConfidentialClientApplication:
        if self._app is None:
            s = self.settings
            self._app = msal.ConfidentialClientApplication(
                s.client_id,
                client_credential=s.client_secret,
                authority=AUTHORITY.format(tenant=s.tenant_id),
                http_client=self._http_client,
            )
        return self._app

    def token(self) -> str:
        try:
            result = self._application().acquire_token_for_client(scopes=[SCOPE])
        except (ValueError, OSError, msal.exceptions.MsalError) as exc:  # requests': OSError
            raise TokenError(texts.MAIL_TOKEN_UNREACHABLE.format(reason=first_line(exc))) from exc
        if isinstance(result, dict) and result.get("access_token"):
            return str(result["access_token"])
        result = result if isinstance(result, dict) else {}
        raise TokenError(
            texts.MAIL_TOKEN_REFUSED.format(
                error=result.get("error") or "ukendt fejl",
                description=first_line(result.get("error_description") or ""),
            )
        )


def first_line(text: object) -> str:
    """The first line of an error text (Entra ID adds trace and correlation ids below)."""
    lines = str(text).strip().splitlines()
    return lines[0].strip() if lines else ""


def token_source(settings: Settings) -> TokenSource | None:
    """The token source this process uses for mail, or None for user:password: one per app
    registration and process, so SMTP and IMAP, and every dispatch round, share msal's
    cache (one token serves both: the scope is all of Exchange Online's)."""
    oauth = OAuthSettings.from_settings(settings)
    return _shared(oauth) if oauth else None


@functools.cache
def _shared(oauth: OAuthSettings) -> MsalTokenSource:
    return MsalTokenSource(oauth)


def xoauth2_string(user: str, token: str) -> str:
    """The SASL XOAUTH2 initial response, before base64 (smtplib and imaplib encode it)."""
    return f"user={user}\x01auth=Bearer {token}\x01\x01"


def imap_xoauth2_login(client: imapclient.IMAPClient, user: str, tokens: TokenSource) -> None:
    """AUTHENTICATE XOAUTH2 as `user` (the mailbox) with a token from `tokens`; TokenError when
    Entra ID gives none, TokenRefused when the IMAP server says no."""
    token = tokens.token()
    try:
        client.oauth2_login(user, token)
    except LoginError as exc:
        reason = first_line(exc).replace(token, "…")
        raise TokenRefused(
            texts.MAIL_OAUTH_REFUSED.format(
                server="IMAP", user=user, reason=reason, permission="IMAP.AccessAsApp"
            )
        ) from exc
