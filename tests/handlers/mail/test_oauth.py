"""Microsoft 365 mail (issue 15.5): SMTP and IMAP log in with SASL XOAUTH2 and a token from
Microsoft Entra ID (msal, client credentials), against servers that take XOAUTH2: aiosmtpd
and Dovecot on 127.0.0.1. user:password keeps working for other servers."""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import imapclient
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from bot.config import ConfigError, load_settings
from bot.domain import Delivery
from bot.messaging.outbox import EMAIL, TemporaryFailure
from handlers.bootstrap import Container
from handlers.delivery import make_senders
from handlers.mail.imap import ImapSettings, poll
from handlers.mail.oauth import (
    SCOPE,
    MsalTokenSource,
    OAuthSettings,
    TokenError,
    TokenRefused,
    imap_xoauth2_login,
    xoauth2_string,
)
from handlers.mail.smtp import SmtpSender, SmtpSettings, _loopback
from tests.bot.test_config_errors import klu_bot
from tests.invitation_helpers import Inbox, free_port
from tests.oauth_servers import (
    DOVECOT,
    FakeEntra,
    XOAuth2Inbox,
    dovecot_xoauth2,
    start_xoauth2_smtp,
)

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")

MAILBOX = "klu@fjordby.dk"
TOKEN = "eyJ0eXAiOiJKV1QiLCJub25jZSI6ImtsdSJ9.good"
TENANT = "fjordby.onmicrosoft.com"
CLIENT_ID = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
SECRET = "Zq8~hemmelig-klient-kode"
OAUTH_ENV = {
    "MAIL_AUTH": "oauth2",
    "MS_TENANT_ID": TENANT,
    "MS_CLIENT_ID": CLIENT_ID,
    "MS_CLIENT_SECRET": SECRET,
}


class Tokens:
    """A TokenSource of our own interface: hands out one token, or fails like Entra ID."""

    def __init__(self, token: str = TOKEN, error: str = "") -> None:
        self.value, self.error, self.asked = token, error, 0

    def token(self) -> str:
        self.asked += 1
        if self.error:
            raise TokenError(self.error)
        return self.value


def delivery(recipient: str = "anne@fjordby.dk") -> Delivery:
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    payload = '{"subject": "Dagsorden", "text": "Mødet er torsdag."}'
    return Delivery("mail:1", EMAIL, "test", recipient, payload, now, now)


@pytest.fixture
def smtp() -> Iterator[tuple[Controller, XOAuth2Inbox]]:
    controller, inbox = start_xoauth2_smtp(MAILBOX, TOKEN)
    yield controller, inbox
    controller.stop()


def oauth_sender(controller: Controller, tokens: Tokens, url_user: str = "") -> SmtpSender:
    user = f"{url_user}@" if url_user else ""
    settings = SmtpSettings.from_url(f"smtp://{user}127.0.0.1:{controller.port}", auth="oauth2")
    return SmtpSender(settings, MAIL_FROM_ADDRESS, tokens=tokens)


MAIL_FROM_ADDRESS = MAILBOX


# --- the SASL string ----------------------------------------------------------------------------


def test_the_xoauth2_string_is_microsofts_example() -> None:
    """Microsoft's page on OAuth for IMAP/POP/SMTP gives this user, token and base64 result."""
    raw = xoauth2_string("test@contoso.onmicrosoft.com", "EwBAAl3BAAUFFpUAo7J3Ve0bjLBWZWCclRC3EoAA")
    assert base64.b64encode(raw.encode()).decode() == (
        "dXNlcj10ZXN0QGNvbnRvc28ub25taWNyb3NvZnQuY29tAWF1dGg9QmVhcmVyIEV3QkFBbDNCQUFVRkZwVUFv"
        "N0ozVmUwYmpMQldaV0NjbFJDM0VvQUEBAQ=="
    )


# --- SMTP ---------------------------------------------------------------------------------------


def test_smtp_delivers_after_xoauth2_as_mail_from(smtp: tuple[Controller, XOAuth2Inbox]) -> None:
    controller, inbox = smtp
    tokens = Tokens()
    message_id = oauth_sender(controller, tokens).send(delivery())
    assert inbox.logins == [(MAILBOX, True)]
    [got] = inbox.to("anne@fjordby.dk")
    assert got.message["Message-ID"] == message_id
    assert got.mail_from == MAILBOX
    assert tokens.asked == 1


def test_the_user_in_smtp_url_is_the_mailbox_that_logs_in() -> None:
    """smtp://klu%40fjordby.dk@host names the mailbox when it is not MAIL_FROM."""
    controller, inbox = start_xoauth2_smtp("postkasse@fjordby.dk", TOKEN)
    try:
        oauth_sender(controller, Tokens(), url_user="postkasse%40fjordby.dk").send(delivery())
    finally:
        controller.stop()
    assert inbox.logins == [("postkasse@fjordby.dk", True)]
    assert len(inbox.received) == 1


def test_a_rejected_token_is_a_clear_temporary_failure(
    smtp: tuple[Controller, XOAuth2Inbox],
) -> None:
    """The server says 535 after its JSON challenge: nothing is sent, the reason says what to
    check in Danish and never carries the token; the row is retried (the fix is in Entra ID
    or Exchange, not in the message)."""
    controller, inbox = smtp
    with pytest.raises(TemporaryFailure) as caught:
        oauth_sender(controller, Tokens("eyJ.expired")).send(delivery())
    reason = caught.value.reason
    assert reason.startswith(f"SMTP-serveren afviste OAuth-login for {MAILBOX}: 535")
    assert "SMTP.SendAsApp" in reason
    assert "eyJ.expired" not in reason
    assert inbox.logins == [(MAILBOX, False)]
    assert inbox.received == []


def test_no_token_from_entra_id_means_no_connection(smtp: tuple[Controller, XOAuth2Inbox]) -> None:
    controller, inbox = smtp
    tokens = Tokens(error="Microsoft Entra ID udstedte ikke et adgangstoken til e-mail")
    with pytest.raises(TemporaryFailure, match="udstedte ikke et adgangstoken"):
        oauth_sender(controller, tokens).send(delivery())
    assert inbox.logins == []


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("::1", True), ("localhost", True), ("127.0.0.9", True),
     ("smtp.office365.com", False), ("10.0.0.5", False), ("127.0.0.1.example.dk", False)],
)  # fmt: skip
def test_only_this_machine_may_get_a_token_without_tls(host: str, loopback: bool) -> None:
    """A server elsewhere that offers no STARTTLS gets no token (TemporaryFailure, Danish)."""
    assert _loopback(host) is loopback


def test_user_and_password_still_log_in_to_other_servers() -> None:
    class PasswordInbox(Inbox):
        def __init__(self) -> None:
            super().__init__()
            self.seen: list[tuple[str, str]] = []

    inbox = PasswordInbox()

    def authenticator(server, session, envelope, mechanism, auth_data):  # type: ignore[no-untyped-def]
        assert isinstance(auth_data, LoginPassword)
        inbox.seen.append((mechanism, auth_data.login.decode()))
        return AuthResult(success=auth_data.password == b"hemmelig", handled=False)

    controller = Controller(
        inbox, hostname="127.0.0.1", port=free_port(), authenticator=authenticator,
        auth_required=True, auth_require_tls=False,
    )  # fmt: skip
    controller.start()
    try:
        url = f"smtp://klu%40fjordby.dk:hemmelig@127.0.0.1:{controller.port}"
        SmtpSender(SmtpSettings.from_url(url), MAILBOX).send(delivery())
    finally:
        controller.stop()
    assert inbox.seen and inbox.seen[0][1] == MAILBOX
    assert len(inbox.received) == 1


# --- msal: Entra ID at its HTTP seam ------------------------------------------------------------


def entra_source(entra: FakeEntra) -> MsalTokenSource:
    return MsalTokenSource(OAuthSettings(TENANT, CLIENT_ID, SECRET), http_client=entra)


def test_msal_asks_for_exchange_online_by_client_credentials_and_caches() -> None:
    entra = FakeEntra(TENANT, [("tok-1", 3599), ("tok-2", 3599)])
    source = entra_source(entra)
    assert source.token() == "tok-1"
    assert source.token() == "tok-1"  # from msal's memory, no second request
    [form] = entra.token_requests
    assert form["grant_type"] == "client_credentials"
    assert form["client_id"] == CLIENT_ID
    assert form["client_secret"] == SECRET
    assert form["scope"] == SCOPE == "https://outlook.office365.com/.default"


def test_a_token_close_to_expiry_is_renewed_before_it_runs_out() -> None:
    """msal treats a token with less than five minutes left as gone and asks again."""
    entra = FakeEntra(TENANT, [("short", 120), ("fresh", 3599)])
    source = entra_source(entra)
    assert source.token() == "short"
    assert source.token() == "fresh"
    assert source.token() == "fresh"
    assert len(entra.token_requests) == 2


def test_entra_ids_refusal_is_one_danish_line_without_the_secret() -> None:
    entra = FakeEntra(TENANT, [])
    entra.error = {
        "error": "invalid_client",
        "error_description": "AADSTS7000215: Invalid client secret provided.\r\n"
        "Trace ID: 0b1c\r\nCorrelation ID: 9a8b\r\nTimestamp: 2026-03-02 09:00:00Z",
    }
    with pytest.raises(TokenError) as caught:
        entra_source(entra).token()
    text = str(caught.value)
    assert text.startswith("Microsoft Entra ID udstedte ikke et adgangstoken til e-mail")
    assert "(invalid_client): AADSTS7000215: Invalid client secret provided." in text
    assert "Trace ID" not in text and SECRET not in text and "\n" not in text


def test_entra_id_out_of_reach_is_a_token_error() -> None:
    entra = FakeEntra(TENANT, [])
    entra.down = True
    with pytest.raises(TokenError, match="kunne ikke nås"):
        entra_source(entra).token()


def test_smtp_takes_msals_token_end_to_end(smtp: tuple[Controller, XOAuth2Inbox]) -> None:
    controller, inbox = smtp
    entra = FakeEntra(TENANT, [(TOKEN, 3599)])
    settings = SmtpSettings.from_url(f"smtp://127.0.0.1:{controller.port}", auth="oauth2")
    sender = SmtpSender(settings, MAILBOX, tokens=entra_source(entra))
    sender.send(delivery("anne@fjordby.dk"))
    sender.send(delivery("bo@fjordby.dk"))
    assert inbox.logins == [(MAILBOX, True), (MAILBOX, True)]
    assert len(entra.token_requests) == 1


# --- configuration ------------------------------------------------------------------------------


def test_mail_auth_oauth2_builds_an_msal_sender() -> None:
    env = {"SMTP_URL": "smtp://smtp.office365.com:587", "MAIL_FROM": MAILBOX, **OAUTH_ENV}
    settings = load_settings(env)
    assert settings.mail_auth == "oauth2"
    sender = make_senders(settings)[EMAIL]
    assert isinstance(sender, SmtpSender)
    assert sender.settings.auth == "oauth2"
    assert isinstance(sender.tokens, MsalTokenSource)
    assert sender.tokens.settings == OAuthSettings(TENANT, CLIENT_ID, SECRET)
    again = make_senders(load_settings(env))[EMAIL]
    assert isinstance(again, SmtpSender)
    assert again.tokens is sender.tokens  # one msal cache per process: no token per round


def test_without_mail_auth_it_is_user_and_password() -> None:
    settings = load_settings({"SMTP_URL": "smtp://u:p@mail.fjordby.dk:587", "MAIL_FROM": MAILBOX})
    sender = make_senders(settings)[EMAIL]
    assert isinstance(sender, SmtpSender)
    assert sender.settings.auth == "password" and sender.tokens is None


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"MAIL_AUTH": "kerberos"}, "MAIL_AUTH"),
        ({**OAUTH_ENV, "MS_CLIENT_SECRET": ""}, "MS_CLIENT_SECRET"),
        ({**OAUTH_ENV, "MS_TENANT_ID": ""}, "MS_TENANT_ID"),
        ({**OAUTH_ENV, "MS_TENANT_ID": "https://login.microsoftonline.com/x"}, "MS_TENANT_ID"),
        ({**OAUTH_ENV, "MS_CLIENT_ID": "klu-bot"}, "MS_CLIENT_ID"),
    ],
)
def test_wrong_oauth_settings_name_the_variable(env: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(env)
    assert named in str(caught.value)
    assert SECRET not in str(caught.value)


def test_a_wrong_oauth_setting_stops_klu_bot_with_one_danish_line(tmp_path: Path) -> None:
    env = {"SMTP_URL": "smtp://smtp.office365.com:587", "MAIL_FROM": MAILBOX}
    result = klu_bot(tmp_path, {**env, **OAUTH_ENV, "MS_CLIENT_ID": "klu"}, "members", "list")
    assert result.returncode == 2, result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith("fejl: MS_CLIENT_ID skal være »Application (client) ID«")
    assert SECRET not in result.stderr


# --- IMAP against Dovecot -----------------------------------------------------------------------


@pytest.mark.skipif(
    DOVECOT is None and not os.environ.get("CI"),  # on CI a missing Dovecot fails the test
    reason="dovecot-imapd missing: bash scripts/system-deps.sh",
)
def test_imap_logs_in_to_dovecot_with_xoauth2_and_a_wrong_token_is_refused() -> None:
    with dovecot_xoauth2({TOKEN: MAILBOX}) as dovecot:
        client = imapclient.IMAPClient("127.0.0.1", port=dovecot.port, ssl=False, timeout=10)
        try:
            assert b"AUTH=XOAUTH2" in client.capabilities()
            imap_xoauth2_login(client, MAILBOX, Tokens())
            assert client.select_folder("INBOX")[b"EXISTS"] == 0
        finally:
            client.logout()
        assert dovecot.introspection.asked == [TOKEN]

        client = imapclient.IMAPClient("127.0.0.1", port=dovecot.port, ssl=False, timeout=10)
        try:
            with pytest.raises(TokenRefused) as caught:
                imap_xoauth2_login(client, MAILBOX, Tokens("eyJ.stale"))
        finally:
            client.shutdown()
        text = str(caught.value)
        assert text.startswith(f"IMAP-serveren afviste OAuth-login for {MAILBOX}:")
        assert "IMAP.AccessAsApp" in text and "eyJ.stale" not in text
        assert dovecot.introspection.asked == [TOKEN, "eyJ.stale"]


def test_the_mailbox_reader_logs_in_with_xoauth2_when_it_has_a_token_source(
    sample: Container,
) -> None:
    with dovecot_xoauth2({TOKEN: MAILBOX}) as dovecot:
        client = imapclient.IMAPClient("127.0.0.1", port=dovecot.port, ssl=False, timeout=10)
        try:
            imap_xoauth2_login(client, MAILBOX, Tokens())
            client.append(
                "INBOX", b"From: a@b.dk\r\nSubject: hej\r\nMessage-ID: <x@b.dk>\r\n\r\nhej\r\n"
            )
        finally:
            client.logout()
        settings = ImapSettings(
            host="127.0.0.1",
            port=dovecot.port,
            username=MAILBOX,
            password="",
            implicit_tls=False,
            tokens=Tokens(),
        )
        report = poll(sample.uow, settings, now=sample.clock)
        assert (report.seen, report.stored) == (1, 1)
        assert dovecot.introspection.asked[-1] == TOKEN
        with pytest.raises(TokenRefused):
            poll(sample.uow, replace(settings, tokens=Tokens("eyJ.stale")), now=sample.clock)
