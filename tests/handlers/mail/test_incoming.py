"""Reading received mail (handlers/mail/incoming.py): each marker of an automatic reply on its
own, bounces and what is not one, the reply's own words out of Gmail, Outlook and HTML-only
mail, our Message-ID tokens, and what the bot's answers carry (handlers/mail/smtp.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage

import pytest

from bot.config import ConfigError, load_settings
from bot.domain import Delivery
from handlers.mail.imap import ImapSettings, message_key
from handlers.mail.incoming import read_mail
from handlers.mail.smtp import SmtpSender, SmtpSettings

BOT = "klu@fjordby.dk"
TOKEN = "0123456789abcdef0123456789abcdef"


def mail(body: str = "Afbud", subject: str = "Re: Påmindelse", **headers: str) -> bytes:
    message = EmailMessage()
    message["From"] = "Henrik Lund <Henrik.Lund@PLO-fjordby.dk>"
    message["To"] = BOT
    message["Subject"] = subject
    message["Message-ID"] = "<m1@example.dk>"
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return bytes(message)


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto_Submitted": "auto-replied"},
        {"Auto_Submitted": "auto-generated"},
        {"X_Autoreply": "yes"},
        {"Precedence": "bulk"},
        {"Precedence": "auto_reply"},
        {"Precedence": "list"},
        {"List_Id": "<nyhedsbrev.fjordby.dk>"},
        {"Return_Path": "<>"},
    ],
)
def test_each_marker_of_an_automatic_reply_on_its_own(headers: dict[str, str]) -> None:
    assert read_mail(mail(**headers), BOT).automatic


@pytest.mark.parametrize(
    "subject",
    ["Automatisk svar: Påmindelse", "Automatic reply: Invitation", "Out of Office: KLU"],
)
def test_the_out_of_office_subjects(subject: str) -> None:
    assert read_mail(mail(subject=subject), BOT).automatic


def test_a_copy_of_the_bot_s_own_mail_is_automatic() -> None:
    own = mail().replace(b"Henrik Lund <Henrik.Lund@PLO-fjordby.dk>", b"KLU-bot <KLU@fjordby.dk>")
    assert read_mail(own, BOT).automatic
    tokened = own.replace(b"KLU@fjordby.dk", f"klu+{TOKEN}@fjordby.dk".encode())
    assert read_mail(tokened, BOT).automatic


def test_x_auto_response_suppress_alone_is_a_person_s_mail_that_wants_no_answer() -> None:
    read = read_mail(mail(X_Auto_Response_Suppress="DR, RN, NRN, OOF, AutoReply"), BOT)
    assert read.quiet and not read.automatic and read.text == "Afbud"
    assert not read_mail(mail(), BOT).quiet


def test_a_person_s_reply_is_not_automatic() -> None:
    read = read_mail(mail(Auto_Submitted="no", Precedence="normal"), BOT)
    assert not read.automatic and read.bounce is None
    assert read.sender == "henrik.lund@plo-fjordby.dk" and read.sender_name == "Henrik Lund"
    assert read.is_reply and read.text == "Afbud"


def dsn(action: str, report_type: str = "delivery-status") -> bytes:
    text = f"""From: MAILER-DAEMON@mx.example.dk
To: {BOT}
Subject: Delivery Status Notification
Message-ID: <dsn1@mx.example.dk>
Return-Path: <>
MIME-Version: 1.0
Content-Type: multipart/report; report-type={report_type}; boundary="B"

--B
Content-Type: text/plain

Notice.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.dk

Final-Recipient: rfc822; Line.Dahl@plo-fjordby.dk
Action: {action}
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 User unknown

--B
Content-Type: text/rfc822-headers

Message-ID: <klu.{TOKEN}@fjordby.dk>

--B--
"""
    return text.replace("\n", "\r\n").encode()


def test_a_bounce_names_the_failed_address_the_reason_and_our_message() -> None:
    read = read_mail(dsn("failed"), BOT)
    assert read.bounce is not None
    assert read.bounce.recipients == ("line.dahl@plo-fjordby.dk",)
    assert read.bounce.reason == "550 5.1.1 User unknown"
    assert TOKEN in read.tokens


def test_a_delay_notice_and_a_read_receipt_are_no_bounces_but_automatic() -> None:
    delayed = read_mail(dsn("delayed"), BOT)
    assert delayed.bounce is None and delayed.automatic
    receipt = read_mail(dsn("failed", "disposition-notification"), BOT)
    assert receipt.bounce is None and receipt.automatic


def test_a_mailer_daemon_without_a_report_is_a_bounce() -> None:
    raw = mail(f"Your message <klu.{TOKEN}@fjordby.dk> could not be delivered.", "Failure")
    raw = raw.replace(b"Henrik Lund <Henrik.Lund@PLO-fjordby.dk>", b"postmaster@example.dk")
    read = read_mail(raw, BOT)
    assert read.bounce is not None and TOKEN in read.tokens


def test_our_tokens_from_references_latest_first_and_from_a_tokened_address() -> None:
    other = "fedcba9876543210fedcba9876543210"
    raw = mail(
        In_Reply_To=f"<klu.{other}@fjordby.dk>",
        References=f"<klu.{TOKEN}@fjordby.dk> <x@gmail.com> <klu.{other}@fjordby.dk>",
    )
    assert read_mail(raw, BOT).tokens == (other, TOKEN)
    assert (
        read_mail(mail(In_Reply_To="<klu.x@fjordby.dk> <CAB12@mail.gmail.com>"), BOT).tokens == ()
    )
    tokened = mail(subject="Afbud").replace(
        f"To: {BOT}".encode(), f"To: KLU-bot <klu+{TOKEN}@fjordby.dk>".encode()
    )
    read = read_mail(tokened, BOT)
    assert read.tokens == (TOKEN,) and not read.is_reply


def test_outlook_history_and_an_iphone_signature_are_cut() -> None:
    body = (
        "Jeg kan desværre ikke komme - er på kursus\n\nSendt fra min iPhone\n\n"
        "Fra: KLU-bot <klu@fjordby.dk>\nSendt: 2. december 2026 10:00\nTil: Henrik\n"
        "Emne: Påmindelse\n\nSvar »afbud«, hvis du ikke kan komme.\n"
    )
    assert read_mail(mail(body), BOT).text == "Jeg kan desværre ikke komme - er på kursus"


def test_an_html_only_reply_is_read_up_to_its_quoted_part() -> None:
    message = EmailMessage()
    message["From"] = "sofie.brandt@plo-fjordby.dk"
    message["To"] = BOT
    message["Subject"] = "SV: Påmindelse"
    message.set_content(
        "<html><head><style>p{color:red}</style></head><body><p>Afbud&nbsp;– ferie</p>"
        '<div id="divRplyFwdMsg"><b>Fra:</b> KLU-bot</div><p>kan ikke komme?</p></body></html>',
        subtype="html",
    )
    assert read_mail(bytes(message), BOT).text.split() == ["Afbud", "–", "ferie"]


QUOTED = "> Du er inviteret. Svar »afbud«, hvis du ikke kan komme.\n"


@pytest.mark.parametrize(
    "attribution",
    [
        "Den ons. 2. dec. 2026 kl. 10.00 skrev Camilla Juul <klu-bot@fjordby.dk>:",
        "Den ons. 2. dec. 2026 kl. 10.00 skrev Camilla Juul <\nklu-bot@fjordby.dk>:",
        "Den ons. 2. dec. 2026 kl. 10.00 skrev Sekretariatet, Kommunalt Lægeligt\n"
        "Udvalg <klu-bot@fjordby.dk>:",
        "On Wed, Dec 2, 2026 at 10:00 AM Sekretariatet, Kommunalt Lægeligt Udvalg <\n"
        "klu-bot@fjordby.dk> wrote:",
    ],
)
@pytest.mark.parametrize("said", ["Afbud, jeg har vagt", "Jeg kommer alligevel"])
def test_gmails_quote_header_wrapped_over_lines_is_not_the_members_words(
    attribution: str, said: str
) -> None:
    read = read_mail(mail(f"{said}\n\n{attribution}\n\n{QUOTED}"), BOT)
    assert read.text == said


def test_a_line_that_only_starts_like_a_quote_header_is_kept() -> None:
    text = "Afbud\nDen dag har jeg vagt\nog kan ikke:"
    assert read_mail(mail(text), BOT).text.split("\n")[0] == "Afbud"
    assert "vagt" in read_mail(mail(text), BOT).text


@pytest.mark.parametrize(
    "footer",
    [
        "Denne e-mail kan indeholde fortrolige oplysninger. Er du ikke den rette modtager, "
        "så slet den.",
        "Denne mail og eventuelle vedhæftede filer kan indeholde personfølsomme oplysninger.",
        "Fortrolighed: Denne meddelelse er kun til modtageren.",
        "This e-mail and any attachments may contain confidential information.",
        "CONFIDENTIALITY NOTICE: This message is intended only for the addressee.",
    ],
)
def test_a_mail_systems_legal_footer_is_not_the_members_words(footer: str) -> None:
    read = read_mail(mail(f"Afbud, jeg har vagt\n\n{footer}\n"), BOT)
    assert read.text == "Afbud, jeg har vagt"


def test_words_about_a_mail_inside_a_sentence_are_kept() -> None:
    text = "Afbud. Jeg svarer på denne mail kan indeholde fejl"
    assert read_mail(mail(text), BOT).text == text


def test_a_fresh_mail_with_only_a_subject() -> None:
    read = read_mail(mail("", subject="Afbud til mødet"), BOT)
    assert not read.is_reply and read.text == ""


def test_the_inbox_key_is_the_message_id_or_a_hash() -> None:
    assert message_key(mail()) == "mail:<m1@example.dk>"
    without = mail().replace(b"Message-ID: <m1@example.dk>\n", b"")
    assert message_key(without).startswith("mail:h:")
    assert message_key(without) == message_key(without)
    assert message_key(without) != message_key(without + b"x")
    long_id = mail().replace(b"<m1@example.dk>", b"<" + b"a" * 200 + b"@example.dk>")
    assert len(message_key(long_id)) <= 80


def test_the_same_mail_without_a_message_id_delivered_twice_has_one_key() -> None:
    without = mail().replace(b"Message-ID: <m1@example.dk>\n", b"")
    first = b"Received: from mx1.example.dk by imap; Mon, 1 Jun 2026 10:00:01 +0200\n" + without
    again = (
        b"Received: from mx2.example.dk by imap; Mon, 1 Jun 2026 10:03:17 +0200\n"
        b"Delivered-To: klu-bot@fjordby.dk\nX-Spam-Score: 0.1\n" + without
    )
    assert message_key(first) == message_key(again) == message_key(without)
    other_body = without.replace(b"\n\n", b"\n\nEt andet svar\n", 1)
    other_subject = without.replace(b"Subject: ", b"Subject: Sv: ", 1)
    assert len({message_key(without), message_key(other_body), message_key(other_subject)}) == 3


def test_imap_url_settings_and_their_errors() -> None:
    s = ImapSettings.from_url("imaps://bot%40fjordby.dk:p%2Fw@imap.fjordby.dk/INBOX?done=Behandlet")
    assert (s.host, s.port, s.username, s.password, s.folder, s.done_folder) == (
        "imap.fjordby.dk",
        993,
        "bot@fjordby.dk",
        "p/w",
        "INBOX",
        "Behandlet",
    )
    assert s.implicit_tls and not s.loopback
    plain = ImapSettings.from_url("imap://u:p@127.0.0.1:1143")
    assert (plain.port, plain.folder, plain.implicit_tls, plain.loopback) == (
        1143,
        "INBOX",
        False,
        True,
    )
    env = {"IMAP_URL": "imap://u:p@localhost/INBOX", "MAIL_FROM": BOT}
    assert load_settings(env).imap_url == env["IMAP_URL"]
    with pytest.raises(ConfigError, match="IMAP_URL er ikke"):
        load_settings({"IMAP_URL": "http://u:p@x/INBOX", "MAIL_FROM": BOT})
    with pytest.raises(ConfigError, match="MAIL_FROM mangler"):
        load_settings({"IMAP_URL": "imaps://u:p@imap.fjordby.dk/INBOX"})


def test_the_bot_s_answer_threads_under_the_mail_and_says_it_is_automatic() -> None:
    now = datetime(2026, 5, 1, tzinfo=UTC)
    row = Delivery(
        key="reply:mail:<m1@example.dk>",
        channel="email",
        kind="attendance_reply",
        recipient="henrik.lund@plo-fjordby.dk",
        payload='{"subject": "Re: Påmindelse", "text": "Tak", "in_reply_to": "<m1@example.dk>",'
        ' "auto_submitted": "auto-replied"}',
        created_at=now,
        not_before=now,
    )
    smtp = SmtpSettings.from_url("smtp://localhost")
    built = SmtpSender(smtp, BOT).build(row)
    assert built["In-Reply-To"] == "<m1@example.dk>" and built["References"] == "<m1@example.dk>"
    assert built["Auto-Submitted"] == "auto-replied"
    assert built["Reply-To"] is None  # MAIL_REPLY_TOKENS is off by default
    tokened = SmtpSender(smtp, BOT, reply_tokens=True).build(row)
    assert f"klu+{row.nonce}@fjordby.dk" in str(tokened["Reply-To"])
    assert f"<klu.{row.nonce}@fjordby.dk>" == tokened["Message-ID"]
