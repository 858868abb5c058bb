"""Reading a member's reply: regrets ("afbud, er på kursus"), changing their mind, or neither.

Pure: no I/O. The same grammar serves Slack thread replies, DMs, `/klu afbud` and the CLI.

A reply is read as: greetings and politeness ("Hej Camilla,", "Desværre,", "Tak for
indkaldelsen."), then the phrase that declines ("kan ikke deltage", "må melde afbud", "er
forhindret", "kommer ikke", "jeg når det ikke" …), then the reason. Filler around the reason
("desværre", "beklager", "tak", a sign-off such as "Mvh Anne") is never the reason: "Jeg kan
ikke komme, desværre" is regrets without one, "Jeg er forhindret pga. vagt" has the reason "vagt".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.validation import without_control


class Intent(StrEnum):
    """What a reply means for the member's attendance."""

    REGRETS = "regrets"
    ATTEND = "attend"
    UNDO = "undo"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Reply:
    """The parsed reply; reason only for regrets (may be empty)."""

    intent: Intent
    reason: str = ""


REASON_LIMIT = 500

# Characters that separate the keyword from the reason: "afbud – ferie", "afbud, syg", "afbud: x".
_SEP = r"[\s,.:;!?\-–—(/]*"
_END = r"(?![\wæøå])"

# Politeness that opens a reply: "Hej Camilla,", "Kære alle.", "Desværre,", "Beklager, men".
_GREETING = (
    r"(?:hej|hejsa|hey|hi|hallo|kære|goddag|god\s+morgen|godmorgen|dav|davs)"
    + r"(?:\s+(?:(?-i:[A-ZÆØÅ][\wæøå.\-]*)|alle(?:sammen)?|med\s+dig|igen)){0,3}"
)
_POLITE = (
    r"(?:desværre|beklager(?:\s+meget)?|undskyld|sorry|øv|ærgerligt|nej|ok|okay|men|altså|"
    + r"tak(?:\s+for\s+(?:indkaldelsen|invitationen|påmindelsen|mailen|beskeden|det|sidst))?)"
)
_LEAD = r"^(?:(?:" + _GREETING + r"|" + _POLITE + r")" + _END + r"[\s,.:;!\-–—]*)*"

# Subjects an out-of-office or other automatic answer opens with (Outlook, Gmail, Exchange and
# the usual Danish, English and German wordings); such a mail is never a member's answer.
_AUTO_SUBJECT = re.compile(
    r"^\s*(?:automatisk svar|automatic reply|auto(?:matic)? ?reply|autosvar|auto:|"
    r"out of (?:the )?office|fraværende|ikke til stede|ferie ?svar|abwesenheitsnotiz)",
    re.IGNORECASE,
)


def is_auto_reply_subject(subject: str) -> bool:
    """Whether a mail's subject says an automatic answer sent it ("Automatisk svar: …")."""
    return bool(_AUTO_SUBJECT.match(subject))


# Where a mail's legal footer begins (at the start of a line): it and all after it are no
# one's words. Danish and English, as municipalities' and clinics' mail systems add them.
_DISCLAIMER = re.compile(
    r"^[ \t]*(?:denne\s+(?:e-?mail|mail|meddelelse|besked)\s+(?:og\s+eventuelle\s+"
    r"vedhæftede\s+filer\s+)?(?:kan\s+indeholde|indeholder|er\s+fortrolig|er\s+kun\s+til)|"
    r"fortrolighed\s*:|ansvarsfraskrivelse\s*:|disclaimer\s*:|confidentiality(?:\s+notice)?\s*:|"
    r"this\s+(?:e-?mail|message)(?:\s+and\s+any\s+attachments?)?\s+(?:may\s+contain|contains|"
    r"is\s+(?:confidential|intended)))",
    re.IGNORECASE | re.MULTILINE,
)


def without_disclaimer(text: str) -> str:
    """The text up to the legal footer a mail system added ("Denne e-mail kan indeholde
    fortrolige oplysninger …"), which is never part of a reply."""
    found = _DISCLAIMER.search(text)
    return text[: found.start()].rstrip() if found else text


# Words that may stand between the words of a phrase: "kan desværre ikke", "kommer så ikke".
_ADV = r"(?:(?:desværre|hermed|alligevel|så|nok|altså|bare|lige|simpelthen|ellers)\s+)*"
# What a phrase may be about, absorbed so it is not the reason: "til mødet", "i mødet d. 18. juni".
_MONTHS = r"(?:jan|feb|mar|apr|maj|jun|jul|aug|sep|okt|nov|dec)[a-zæøå]*\.?"
_OBJECT = (
    r"(?:\s+(?:til|i|på|ved)\s+(?:(?:det\s+)?(?:næste|kommende)\s+)?(?:mødet|møde|det)"
    + r"(?:\s+(?:den|d\.)\s*\d{1,2}\.?(?:\s*"
    + _MONTHS
    + r")?)?)?"
)
# A bare date after the phrase is not the reason either: "kan ikke komme den 18. juni pga. ferie".
_DATE = r"(?:\s+(?:den|d\.)\s*\d{1,2}\.?(?:\s*" + _MONTHS + r")?)?"
# Coming late or leaving early is no regret: "kommer ikke til tiden", "kan ikke deltage i hele
# mødet", "kan ikke komme før kl. 16", "er forhindret i at komme til start".
_PARTLY = (
    r"(?!(?:\s+(?:i\s+at\s+(?:komme|deltage)|det|(?:til|i|på)\s+mødet))*\s*[,.]?\s*(?:til\s+tiden|rettidigt|(?:til|fra|i)\s+(?:start(?:en)?|begyndelsen)|"
    + r"før\s+(?:kl\.?|klokken|\d)|(?:i\s+|til\s+)?hele\s+(?:mødet|tiden|møde)))"
)
_I = r"(?:jeg\s+)?"
_PHRASES = [
    # "afbud", "melder afbud", "jeg må desværre melde afbud", "bliver nødt til at melde afbud"
    _I
    + r"(?:(?:må|skal|vil|bliver\s+nødt\s+til\s+at|er\s+nødt\s+til\s+at)\s+)?"
    + _ADV
    + r"(?:(?:melde[rs]?|sende[rs]?|give[rs]?)\s+)?"
    + _ADV
    + r"afbud",
    # "kan ikke komme", "kan desværre ikke deltage", "kan ikke nå det", "kan ikke være med"
    _I
    + r"kan\s+"
    + _ADV
    + r"ikke\s+"
    + _ADV
    + r"(?:komme|deltage|møde(?:\s+op)?|være\s+med|nå\s+(?:det|mødet|at\s+komme)|nå)",
    # "kommer ikke", "jeg deltager desværre ikke", "møder ikke op"
    _I + r"(?:kommer|deltager|møder)\s+" + _ADV + r"ikke(?:\s+op)?",
    # "er forhindret", "desværre forhindret", "bliver forhindret i at komme"
    _I + r"(?:(?:er|bliver|blev)\s+)?" + _ADV + r"forhindret(?:\s+i\s+at\s+(?:komme|deltage))?",
    # "jeg når det ikke", "når desværre ikke at komme"
    _I + r"når\s+" + _ADV + r"(?:det\s+)?" + _ADV + r"ikke(?:\s+at\s+(?:komme|deltage|nå\s+det))?",
    # "har ikke mulighed for at deltage"
    _I + r"har\s+" + _ADV + r"ikke\s+mulighed\s+for\s+at\s+(?:komme|deltage)",
]
_REGRETS = re.compile(
    _LEAD + r"(?:" + "|".join(_PHRASES) + r")" + _OBJECT + _DATE + _END + _PARTLY,
    re.IGNORECASE,
)
_UNDO = re.compile(
    _LEAD + r"(?:fortryd(?:er)?|annuller(?:er)?|tilbagekald(?:er)?)(?:\s+(?:mit\s+)?afbud(?:det)?)?"
    r"(?![\wæøå])",
    re.IGNORECASE,
)
_ATTEND = re.compile(
    _LEAD
    + r"(?:jeg\s+)?(?:kommer|deltager)(?:\s+(?:gerne|alligevel|godt|også))*"
    + r"(?:\s+(?:til|i)\s+mødet)?(?![\wæøå])",
    re.IGNORECASE,
)

# Filler that is never a reason, at either end of what follows the phrase.
FILLER = (
    r"(?:desværre|beklager(?:\s+meget)?|undskyld|sorry|øv|ærgerligt|men|altså|"
    + r"(?:på\s+forhånd\s+|mange\s+)?tak(?:\s+for\s+(?:indkaldelsen|invitationen|påmindelsen|"
    + r"mailen|beskeden|det|nu|info))?|hej|hejsa|ok|okay)"
)
# Words that lead into the reason: "pga. vagt", "da jeg er på kursus", "fordi jeg har vagt".
_CONNECTOR = r"(?:pga\.?|p\.g\.a\.?|på\s+grund\s+af|grundet|da|idet|fordi|eftersom)"
# A sign-off ends the reply: "Mvh Anne", "Venlig hilsen Peter Holm", "/Anne".
_SIGN_OFF = re.compile(
    r"(?:^|[\s,.:;!\-–—]+)(?:m\.?v\.?h\.?|med\s+venlig\s+hilsen|venlig\s+hilsen|vh|kh|"
    + r"(?:mange\s+|bedste\s+|de\s+bedste\s+|kærlig\s+|venlige\s+)?hilsen(?:er)?|"
    + r"(?:mange\s+|bedste\s+|de\s+bedste\s+|venlige\s+)?hilsner|god\s+(?:dag|weekend|aften)"
    + r")"
    + _END
    + r".*$|\s/\s*(?-i:[A-ZÆØÅ]).*$",
    re.IGNORECASE,
)
_LEADING_FILLER = re.compile(r"^(?:" + FILLER + _END + r"[\s,.:;!?\-–—(/)]*)+", re.IGNORECASE)
_TRAILING_FILLER = re.compile(
    r"(?:(?:^|[\s,.:;!?\-–—(/)]+)" + FILLER + r"[\s.!?)]*)+$", re.IGNORECASE
)
_LEADING_CONNECTOR = re.compile(r"^" + _CONNECTOR + r"(?:(?<=\.)|" + _END + r")\s*", re.IGNORECASE)
_EMOJI = re.compile(r":[a-z][a-z0-9_+\-']*:")
_SPACES = re.compile(r"\s+")
_SLACK_MARKUP = re.compile(r"[*_~`]|<@[A-Z0-9]+(?:\|[^>]*)?>")


def normalise(text: str) -> str:
    """One line, single spaces, Slack emphasis markers removed, trimmed."""
    return _SPACES.sub(" ", _SLACK_MARKUP.sub("", without_control(text or ""))).strip()


def clean_reason(text: str) -> str:
    """The reason as the member wrote it, without separators, filler, sign-off or full stop."""
    reason = _SIGN_OFF.sub("", _EMOJI.sub(" ", text))
    previous = None
    while reason != previous:
        previous = reason
        reason = re.sub(r"^" + _SEP, "", reason).strip()
        reason = _LEADING_FILLER.sub("", reason)
        reason = _TRAILING_FILLER.sub("", reason)
        reason = _LEADING_CONNECTOR.sub("", reason)
    reason = reason.rstrip(" .!,;:–—-")
    if reason.endswith(")") and "(" not in reason:
        reason = reason[:-1].rstrip()
    return reason[:REASON_LIMIT]


def parse_reply(text: str) -> Reply:
    """Classify a reply; never raises."""
    line = normalise(text)
    regrets = _REGRETS.match(line)
    if regrets:
        return Reply(Intent.REGRETS, clean_reason(line[regrets.end() :]))
    if _UNDO.match(line):
        return Reply(Intent.UNDO)
    attend = _ATTEND.match(line)
    if attend and _ends_clause(line[attend.end() :]):
        return Reply(Intent.ATTEND)
    return Reply(Intent.UNKNOWN)


def _ends_clause(rest: str) -> bool:
    """'jeg kommer!' or 'jeg kommer, ferien blev aflyst', but not 'kommer du?'."""
    rest = rest.strip()
    return not rest or (rest[0] in ",.!:;–—-)" and "?" not in rest)


def parse_command_reason(text: str) -> str:
    """The reason given after `/klu afbud`: everything, cleaned like a reply's reason."""
    return clean_reason(normalise(text))
