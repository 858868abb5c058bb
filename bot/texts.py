"""Every user-visible Danish text, in one place.

Code is English; what people read is Danish. Templates use str.format placeholders.
A second language would be one more module of the same shape.
"""

from __future__ import annotations

import string
from typing import Any


class _Agreeing(string.Formatter):
    """str.format plus three format specs that keep Danish grammatical:

    - ``{n:emne|emner}`` on a number: "1 emne", "3 emner" (number agreement);
    - ``{field:~lang|langt}`` on a noun (definite form): the common-gender or the neuter word
      that agrees with it, without the noun itself ("Noten er for lang", "Navnet er for langt");
    - ``{title:mødet}`` on a meeting title: the title as it reads inside a sentence
      ("til mødet i Kommunalt Lægeligt Udvalg", not "til Møde i Kommunalt Lægeligt Udvalg");
    - ``{contact:()}``: " (value)", or nothing when the value is empty.
    """

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec.startswith("~") and "|" in format_spec:
            common, neuter = format_spec[1:].split("|", 1)
            return neuter if is_neuter(str(value)) else common
        if "|" in format_spec and _is_count(value):
            one, many = format_spec.split("|", 1)
            return f"{value} {one if str(value) == '1' else many}"
        if format_spec == "mødet":
            return meeting_in_sentence(str(value))
        if format_spec == "()":
            return f" ({value})" if str(value).strip() else ""
        return str(super().format_field(value, format_spec))


def _is_count(value: Any) -> bool:
    """A number, or a number already written out ("1.000")."""
    if isinstance(value, int) and not isinstance(value, bool):
        return True
    return isinstance(value, str) and value.replace(".", "").isdigit()


_FORMATTER = _Agreeing()


class Agree(str):
    """A template whose ``format`` understands the agreement specs of :class:`_Agreeing`."""

    __slots__ = ()

    def format(self, *args: Any, **kwargs: Any) -> str:
        return _FORMATTER.vformat(str(self), args, kwargs)


def is_neuter(noun: str) -> bool:
    """True for a definite neuter noun phrase ("Mødestedet", "Udvalgets navn")."""
    head = noun.strip().split(" ")[-1].casefold() if noun.strip() else ""
    return head in _NEUTER_HEADS or head.endswith(_NEUTER_ENDINGS)


def meeting_in_sentence(title: str) -> str:
    """'Møde i KLU' -> 'mødet i KLU'; any other title -> 'mødet »title«'."""
    words = title.strip().split(" ", 1)
    if words and words[0].casefold() in ("møde", "mødet") and len(words) == 2:
        rest = words[1]
        return "mødet " + (rest if rest.casefold().startswith("i ") else "i " + rest)
    return f"mødet »{title.strip()}«" if title.strip() else "mødet"


_NEUTER_HEADS = frozenset({"navn", "kortnavn", "nummer", "sted"})
_NEUTER_ENDINGS = ("stedet", "nummeret", "navnet", "emnet", "punktet", "udvalget", "mødet")

# --- generic -------------------------------------------------------------------------------
UNEXPECTED_ERROR = "Beklager, noget gik galt. Prøv igen om lidt, eller kontakt sekretariatet."
STORAGE_UNAVAILABLE = (
    "Beklager, KLU-bot kan ikke gemme noget lige nu, så intet er gemt. Prøv igen om lidt."
)

# --- configuration (bot/config.py, handlers/bootstrap.py): each line names the variable ---------
CONFIG_MISSING = "Miljøvariablen {name} mangler eller er tom."
CONFIG_PORT = "PORT skal være et portnummer fra 1 til 65535, ikke »{value}«."
CONFIG_DATABASE_URL = (
    "DATABASE_URL er ikke en databaseadresse, som KLU-bot kender. Skriv fx "
    "sqlite:///var/klu-bot.db eller postgresql://bruger:kode@vært/database."
)
CONFIG_DATABASE_UNREACHABLE = "Databasen i DATABASE_URL kan ikke nås: {reason}"
CONFIG_SMTP_URL = (
    "SMTP_URL er ikke en SMTP-adresse. Skriv fx smtp://bruger:kode@smtp.example.dk:587 "
    "eller smtps://bruger:kode@smtp.example.dk:465."
)
CONFIG_MAIL_FROM = (
    "MAIL_FROM mangler: når SMTP_URL er sat, skal afsenderadressen også sættes (fx klu@fjordby.dk)."
)
CONFIG_MAIL_FROM_INVALID = "MAIL_FROM skal være en e-mailadresse (fx klu@fjordby.dk)."
CONFIG_BOT_TOKEN = (
    "SLACK_BOT_TOKEN skal være bottokenet, der begynder med xoxb- (»Bot User OAuth Token« "
    "under OAuth & Permissions)."
)
CONFIG_APP_TOKEN = (
    "SLACK_APP_TOKEN skal være et app-token, der begynder med xapp- (under Basic Information)."
)

# --- core use cases (bot/usecases) -------------------------------------------------------------
TEXT_EMPTY = "{field} mangler."
TOPIC_TEXT_EMPTY = "Emnets tekst mangler. Skriv en tekst, fx: /klu emne Samarbejde om hjemmebesøg."
TEXT_TOO_LONG = Agree(
    "{field} er for {field:~lang|langt} ({length} tegn). "
    "{field:~Den|Det} må højst være {limit} tegn."
)
FIELD_TOPIC = "Emnets tekst"
FIELD_NOTE = "Noten"
FIELD_DESCRIPTION = "Beskrivelsen"
FIELD_TITLE = "Punktets titel"
FIELD_COMMITTEE_NAME = "Udvalgets navn"
FIELD_SHORT_NAME = "Udvalgets kortnavn"
FIELD_REASON = "Begrundelsen"
FIELD_PLACE = "Mødestedet"
FIELD_PHONE = "Telefonnummeret"
COMMITTEE_BAD_EMAIL = "»{email}« er ikke en gyldig e-mailadresse for sekretariatet."
UNKNOWN_COMMITTEE = "Udvalget »{ref}« findes ikke. Opret det først med »klu-bot committee setup«."
NO_COMMITTEE = (
    "Der er ikke oprettet noget udvalg endnu. Opret det først med »klu-bot committee setup«."
)
SLACK_NO_COMMITTEE = (
    "Der er ikke sat noget udvalg op endnu. Sekretariatet sætter det op med /klu opsæt i "
    "udvalgets kanal."
)
MANY_COMMITTEES = "Der er flere udvalg. Angiv hvilket med --committee (fx --committee KLU)."
UNKNOWN_TIMEZONE = "Tidszonen »{tz}« kendes ikke. Brug fx Europe/Copenhagen."
BAD_CLOCK_TIME = "»{value}« er ikke et klokkeslæt. Skriv fx 15:00."
DEFAULT_HOURS_ORDER = "Mødets sluttid ({end}) skal ligge efter starttiden ({start})."
UNKNOWN_PERSON = (
    "Personen »{ref}« findes ikke i medlemslisten. Tjek stavningen eller e-mailadressen."
)
AMBIGUOUS_PERSON = "Der er flere personer, der hedder »{ref}«. Angiv e-mailadressen i stedet."
NOT_ON_ROSTER = Agree(
    "Du står ikke på medlemslisten for {committee}. Bed sekretariatet{contact:()} om at "
    "tilføje dig med din e-mailadresse, så kobler KLU-bot dig automatisk."
)
UNKNOWN_MEETING = "Mødet »{ref}« findes ikke."
NO_NEXT_MEETING = "Der er ikke planlagt noget kommende møde."
UNKNOWN_TOPIC = "Emnet »{ref}« findes ikke på bruttolisten."
UNKNOWN_ITEM = "Punkt »{ref}« findes ikke på dagsordenen. Skriv punktet som fx 2.b."
BAD_ITEM_REF = "»{ref}« er ikke et punktnummer. Skriv fx 2.b eller 3.a."
BAD_SECTION = "Afsnit {section} findes ikke. Dagsordenen har afsnit 1-4."
BAD_MINUTES = "Varigheden »{value}« er ikke et antal minutter mellem 0 og 600."
BAD_POSITION = "Pladsen »{value}« findes ikke i afsnit {section} (1-{count})."
MEETING_CANCELLED = "Mødet er aflyst og kan ikke ændres."
MEETING_CLOSED = "Mødet er afholdt, så dagsordenen kan ikke længere ændres."
TOPIC_NOT_OPEN = "Emnet er ikke længere åbent (status: {status})."
TOPIC_ALREADY_WITHDRAWN = "Emnet er allerede trukket tilbage."
TOPIC_ALREADY_PROPOSED = (
    "Emnet står allerede på bruttolisten som #{id}: du foreslog det for lidt siden. "
    "Det er ikke tilføjet igen."
)
TOPIC_ON_AGENDA = (
    "Emnet står på dagsordenen for et kommende møde. Fjern punktet fra dagsordenen først; "
    "så bliver emnet åbent igen og kan trækkes tilbage."
)
ONLY_SECRETARY = "Det er kun sekretariatet, der kan {action}."
MEETING_IN_PAST = "Mødet er allerede afholdt; vælg et kommende møde."
MEETING_OVERLAPS = (
    "Der er allerede et møde {when} (nr. {id}). Vælg et andet tidspunkt, eller ret det "
    "eksisterende møde."
)
FIELD_NAME = "Navnet"
MEETING_FILE_NOT_UTF8 = "Mødefilen skal være gemt som UTF-8."
MEETING_FILE_SYNTAX = "Mødefilen har en fejl i YAML-formatet omkring linje {line}."
MEETING_FILE_NOT_MAPPING = "Mødefilen skal bestå af felter som »when:«, »place:« og »items:«."
MEETING_FILE_UNKNOWN_KEYS = "Ukendte felter i {where}: {keys}."
MEETING_FILE_TOP = "mødefilen"
MEETING_FILE_ITEM = "punkt nr. {index} under »items«"
MEETING_FILE_ITEM_NOT_MAPPING = (
    "{where} skal have felter som »title:« og »minutes:«; »guests« og »attachments« er lister."
)
MEETING_FILE_ATTACHMENT = "Et bilag i {where} skal have »name:« (og evt. »url:«)."
MEETING_FILE_GUESTS = "»guests« skal være en liste af personer med »name:« og »email:«."
MEETING_FILE_GUEST_SECTION = "»guests«"
MEETING_FILE_GUEST_EMAIL = "Gæsten »{name}« mangler en gyldig e-mailadresse."
MEETING_FILE_NO_WHEN = (
    "Mødefilen mangler »when:« med mødets tidspunkt, fx »when: 18. juni 2026 kl. 15-17«."
)
MEETING_FILE_ITEMS_NOT_LIST = "»items« skal være en liste af punkter."
MEETING_FILE_ERROR_IN = "Fejl i {where}: {message}"
FIELD_GUEST_DETAIL = "Gæstens oplysning"
FIELD_CASE_NO = "Sagsnummeret"
FIELD_DOC_NO = "Dokumentnummeret"
ROSTER_IMPORTED = Agree(
    "Medlemslisten er indlæst: {created:ny|nye}, {updated:opdateret|opdaterede}, "
    "{unchanged:uændret|uændrede}."
)

SECTION_TITLES = {
    1: "Godkendelse af dagsorden",
    2: "Punkter til behandling",
    3: "Orienteringspunkter",
    4: "Eventuelt",
}
DEFAULT_MEETING_TITLE = "Møde i {name}"
ROLE_NAMES = {
    "formand": "formand",
    "naestformand": "næstformand",
    "sekretaer": "sekretær",
    "medlem": "medlem",
    "praksiskonsulent": "praksiskonsulent",
    "gaest": "gæst",
}
MEETING_STATUS_NAMES = {
    "kladde": "kladde",
    "indkaldt": "indkaldt",
    "afholdt": "afholdt",
    "referat_godkendt": "referat godkendt",
    "aflyst": "aflyst",
}
TOPIC_STATUS_NAMES = {
    "aaben": "åben",
    "planlagt": "planlagt",
    "behandlet": "behandlet",
    "trukket_tilbage": "trukket tilbage",
}
ATTENDANCE_STATUS_NAMES = {
    "inviteret": "inviteret",
    "deltager": "deltager",
    "afbud": "afbud",
    "ej_moedt": "ej mødt",
}
OUTCOME_NAMES = {
    "godkendt": "Godkendt",
    "droeftet": "Punktet blev drøftet",
    "taget_til_efterretning": "Orienteringen blev taget til efterretning",
    "udskudt": "Punktet udskydes til kommende møde",
}
TOPIC_EVENT_NAMES = {
    "proposed": "foreslået",
    "annotated": "note tilføjet",
    "scheduled": "sat på dagsordenen",
    "unscheduled": "taget af dagsordenen igen",
    "withdrawn": "trukket tilbage",
    "done": "behandlet",
}

# --- outbox (bot/outbox.py) ------------------------------------------------------------------
DELIVERY_FAILED = (
    "KLU-bot kunne ikke levere en besked ({kind}) til {recipient} trods flere forsøg. "
    "Fejl: {error}. Kontakt modtageren på anden vis."
)

# --- plain-text rendering (bot/render.py) -----------------------------------------------------
AGENDA_HEADER = "{title}"
AGENDA_WHEN = "Tid: {when}"
AGENDA_PLACE = "Sted: {place}"
AGENDA_CASE = "Sagsnr./Dok.nr.: {case_no} / {doc_no}"
AGENDA_STATUS = "Status: {status}"
AGENDA_TIMEPLAN = "Tidsplan"
AGENDA_SLOT = "{start}–{end}  {number} {title}"
AGENDA_PRESENTER = "    {presenter} præsenterer punktet"
AGENDA_GUESTS = "    Gæster: {guests}"
AGENDA_INDSTILLING = "    Indstilling: {text}"
AGENDA_ATTACHMENTS = "    Bilag: {attachments}"
ATTACHMENT_BAD_LINK = "»{url}« er ikke et link til et bilag. Et link begynder med https://."
AGENDA_NO_ATTACHMENTS = "Ingen"
AGENDA_OVERRUN = "Advarsel: tidsplanen går {minutes} min. over mødets sluttid ({end})."
AGENDA_NO_ITEMS = "(Dagsordenen er tom.)"
AGENDA_CONTENTS = "Dagsorden"
AGENDA_PARTICIPANTS = "Deltagere"
AGENDA_NO_SIDE = "Øvrige"
AGENDA_SIDE = "  {side}: {names}"
AGENDA_GUESTS_HEADER = "Gæster"
AGENDA_GUEST_LINE = "{name}, deltager under punkt {items}"
AGENDA_GUEST_TIMES = " (kl. {times})"
AGENDA_SAGSBESKRIVELSE = "    Sagsbeskrivelse:"
AGENDA_REGRETS = "Afbud: {names}"
TOPIC_LINE = "#{id} [{status}] {text} — foreslået af {proposer} {date}{origin}"
TOPIC_ORIGIN = " ({origin})"
TOPIC_NOTE = "    Note: {note}"
TOPICS_EMPTY = "Bruttolisten er tom."
TOPICS_HEADER = "Bruttoliste for {committee}"
CLI_ERROR = "fejl: {message}"
CLI_USAGE_ERROR = "fejl: {message} (se »{prog} --help«)"
CLI_UNEXPECTED = "{message} ({kind}; sæt KLU_DEBUG=1 for detaljer)"
CLI_ARGPARSE_PHRASES = {
    "the following arguments are required": "disse mangler",
    "unrecognized arguments": "ukendte argumenter",
    "invalid int value": "ikke et helt tal",
    "invalid choice": "ukendt valg",
    "choose from": "vælg mellem",
    "expected one argument": "mangler en værdi",
    "ambiguous option": "tvetydigt flag",
    "could match": "kan betyde",
    "argument ": "",
}
CLI_HELP_USAGE = "brug: "
CLI_HELP_POSITIONALS = "argumenter"
CLI_HELP_OPTIONALS = "valgmuligheder"
CLI_HELP_HELP = "vis denne hjælp og afslut"
CLI_CANNOT_READ = "Filen »{path}« kan ikke læses."
CLI_DB_UPGRADED = "Databasen er opdateret til nyeste skema."
CLI_COMMITTEE_SAVED = "Udvalget {name} ({short}) er gemt."
CLI_HELP_SECRETARIAT_PARTICIPATES = (
    "ja: referatet regner sekretariatet med blandt deltagerne; nej (standard): "
    "sekretariatet nævnes for sig"
)
CLI_COMMITTEE_NEEDS_NAME = (
    "Udvalget »{short}« findes ikke endnu. Giv det et navn med --name for at oprette det."
)
CLI_MEETING_CREATED = "Møde nr. {id} er oprettet."
CLI_MEETING_LINE = "#{id}  {when}  {title} [{status}]"
TOPIC_IMPORT_EMPTY = (
    "Filen indeholder ingen emner (første linje er overskrifter, derefter ét emne pr. linje)."
)
TOPIC_IMPORT_HEADERS = (
    "Filen skal have kolonnerne »emne« og »forslagsstiller« "
    "(fx emne;forslagsstiller;dato;hvor;note)."
)
TOPIC_IMPORT_LINE = "Linje {line}: {error}"
TOPIC_IMPORT_FAILED = "Bruttolisten blev ikke indlæst; ingen emner er gemt. Ret disse linjer:"
CLI_TOPICS_IMPORTED = Agree(
    "Bruttolisten er indlæst: {added:nyt emne|nye emner}, {skipped} fandtes allerede."
)
CLI_TOPIC_ADDED = "Emnet er sat på bruttolisten som #{id}."
CLI_TOPIC_NOTED = "Noten er gemt på emne #{id}."
CLI_TOPIC_WITHDRAWN = "Emne #{id} er trukket tilbage."
MEMBERS_HEADER = "Medlemmer af {committee}"
MEMBER_LINE = "{name} — {role}{org}{email}"
SLACK_ID_TAKEN = "Slack-id'et {slack_id} tilhører allerede {name}"

# --- time parsing (bot/timeparse.py) ---------------------------------------------------------
TIME_MONTH_NAMES = (
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
)
TIME_WEEKDAY_NAMES = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")
TIME_FORMAT_DATE = "{day}. {month} {year}"
TIME_FORMAT_CLOCK = "{hour:02d}:{minute:02d}"
TIME_FORMAT_DATETIME = "{weekday} {date} kl. {clock}"
TIME_FORMAT_SPAN_SAME_DAY = "{weekday} {date} kl. {start}–{end}"
TIME_FORMAT_SPAN = "{start} – {end}"
TIME_EXAMPLE_MEETING = "»17. september 2026 kl. 15-17« eller »17/9 15:00-17:00«"
TIME_EXAMPLE_DATE = "»17. september 2026« eller »17/9-2026«"
TIME_EMPTY = "Du har ikke skrevet noget tidspunkt. Skriv fx {example}."
TIME_TOO_LONG = "Teksten er for lang til at være et tidspunkt. Skriv fx {example}."
TIME_UNRECOGNISED = "Jeg forstod ikke »{part}« som et tidspunkt. Skriv fx {example}."
TIME_UNRECOGNISED_PART = (
    "Jeg forstod ikke »{text}« som et tidspunkt (»{part}« passer ikke ind). Skriv fx {example}."
)
TIME_MISSING_DATE = "Der mangler en dato i »{text}«. Skriv fx {example}."
TIME_MISSING_CLOCK = "Der mangler et klokkeslæt efter »kl.«. Skriv fx »kl. 15« eller »kl. 15-17«."
TIME_DATE_ONLY = "Skriv kun en dato uden klokkeslæt (»{part}«), fx {example}."
TIME_MULTIPLE_DATES = "Der står mere end én dato i »{text}«. Skriv kun én, fx {example}."
TIME_MULTIPLE_CLOCKS = (
    "Der står mere end ét klokkeslæt i »{text}«. Skriv start og slut som ét interval, "
    "fx »kl. 15-17«."
)
TIME_MULTIPLE_WEEKDAYS = "Der står mere end én ugedag i »{text}«. Skriv fx {example}."
TIME_AMBIGUOUS_NUMBER = (
    "»{part}« kan betyde flere ting. Skriv datoen som dag/måned eller med månedsnavn "
    "og klokkeslættet efter »kl.«, fx {example}."
)
TIME_AMBIGUOUS_YEAR = (
    "»{part}« kan læses på flere måder. Skriv dato som dag/måned og året med fire cifre, "
    "fx »17/9-2026« eller »17. september 2026«."
)
TIME_INVALID_DATE = "»{part}« er ikke en gyldig dato. Skriv fx {example}."
TIME_INVALID_CLOCK = (
    "»{part}« er ikke et gyldigt klokkeslæt: timer skal være 0-23 og minutter 0-59, "
    "fx »kl. 15:00« eller »kl. 15.30«."
)
TIME_END_NOT_AFTER_START = (
    "Sluttidspunktet ({end}) skal ligge efter starttidspunktet ({start}). Skriv fx »kl. 15-17«."
)
TIME_IN_PAST = "{when} er allerede passeret. Vælg et tidspunkt i fremtiden, fx »17/9 kl. 15-17«."
TIME_DATE_IN_PAST = "{date} er allerede passeret. Vælg en dato i fremtiden, fx »17/9«."
TIME_WEEKDAY_MISMATCH = (
    "{date} er en {actual}, ikke en {given}. Ret ugedagen eller datoen, fx {example}."
)
TIME_NONEXISTENT = (
    "Klokken {clock} findes ikke {date}, fordi urene stilles en time frem til sommertid. "
    "Vælg et andet tidspunkt, fx kl. 15:00."
)
TIME_AMBIGUOUS_DST = (
    "Klokken {clock} forekommer to gange {date}, fordi urene stilles en time tilbage til "
    "vintertid. Vælg et andet tidspunkt, fx kl. 15:00."
)
TIME_INVALID_LOCAL_DATETIME = (
    "»{text}« er ikke et gyldigt tidspunkt. Skriv dato og klokkeslæt i ISO-format, "
    "fx »2026-06-17T09:00«."
)
TIME_LOCAL_DATETIME_NONEXISTENT = (
    "»{text}« findes ikke lokalt på grund af skift til sommertid. Vælg et andet tidspunkt, "
    "fx »2026-06-17T09:00«."
)
TIME_LOCAL_DATETIME_AMBIGUOUS = (
    "»{text}« forekommer to gange lokalt på grund af skift til vintertid. Angiv "
    "UTC-forskydningen, fx »2026-10-25T02:30+01:00«, eller vælg et andet tidspunkt."
)

# --- roster import (bot/roster.py) -------------------------------------------------------------
ROSTER_NOT_TEXT = (
    "Filen kunne ikke læses som tekst. Gem den fra Excel som »CSV UTF-8« eller »CSV "
    "(semikolonsepareret)«, og prøv igen."
)
ROSTER_NOT_CSV = (
    "Filen kunne ikke læses som CSV. Gem den fra Excel som »CSV UTF-8« eller »CSV "
    "(semikolonsepareret)«, og prøv igen."
)
ROSTER_SPREADSHEET = (
    "Filen er et Excel-regneark, ikke en CSV-fil. Åbn den i Excel, vælg Filer › Gem som, "
    "gem den som »CSV UTF-8« eller »CSV (semikolonsepareret)«, og indlæs den nye fil."
)
ROSTER_UNCLOSED_QUOTE = (
    'et felt begynder med et anførselstegn ("), der aldrig lukkes, så resten af linjen og '
    "linjerne efter den ville blive ét felt; fjern anførselstegnet, eller luk det i samme felt"
)
ROSTER_NO_PEOPLE = (
    "Filen indeholder ingen personer. Første linje skal være overskrifter (fx navn;email;rolle), "
    "og derefter én person pr. linje."
)
ROSTER_MISSING_COLUMNS = (
    "Filen mangler kolonnen/kolonnerne {columns} i overskriftslinjen (linje {line}). "
    "Første linje skal være overskrifter, "
    "fx navn;email;slack_id;organisation;titel;side;rolle;telefon."
)
ROSTER_DUPLICATE_COLUMN = (
    "Overskriftslinjen (linje {line}) har flere kolonner for {column}: {headers}. "
    "Behold kun én af dem."
)
ROSTER_COLUMN_LABELS = {
    "name": "»navn«",
    "email": "»email«",
    "slack_id": "»slack_id«",
    "organisation": "»organisation«",
    "title": "»titel«",
    "side": "»side«",
    "role": "»rolle«",
    "phone": "»telefon«",
}
ROSTER_ROW_ERROR = "Linje {line}: {problems}."
ROSTER_FIELD_TOO_LONG = "værdien i {column} er for lang ({length} tegn; højst {limit})"
ROSTER_EMPTY_NAME = "navnet mangler"
ROSTER_MISSING_EMAIL = "e-mailadressen mangler"
ROSTER_INVALID_EMAIL = "»{email}« er ikke en gyldig e-mailadresse"
ROSTER_DUPLICATE_EMAIL = "e-mailadressen {email} står også på linje {other_line}"
ROSTER_INVALID_SLACK_ID = (
    "»{slack_id}« er ikke et gyldigt Slack-id (det skal begynde med U eller W efterfulgt af "
    "store bogstaver og tal, fx U012AB3CD)"
)
ROSTER_DUPLICATE_SLACK_ID = "Slack-id'et {slack_id} står også på linje {other_line}"
ROSTER_UNKNOWN_ROLE = (
    "ukendt rolle »{role}« (brug formand, næstformand, sekretær, medlem, praksiskonsulent "
    "eller gæst)"
)
ROSTER_ERRORS_ONE = "Filen blev ikke indlæst, fordi 1 linje har fejl. Ingen personer er gemt."
ROSTER_ERRORS_MANY = Agree(
    "Filen blev ikke indlæst, fordi {count:linje|linjer} har fejl. Ingen personer er gemt."
)
ROSTER_ERRORS_FIX = "Ret fejlene i filen, og prøv igen:"
ROSTER_ERRORS_MORE = Agree("… og {count:linje|linjer} mere med fejl.")

# --- reminders and regrets (bot/usecases/reminders.py, attendance.py, bot/reminder_messages.py) --
REMINDER_UNKNOWN_KIND = "Påmindelsen »{kind}« findes ikke. Vælg en af: {kinds}."
REMINDER_BAD_DAYS = "Antal dage skal være et helt tal mellem 0 og {max}, ikke »{value}«."
REMINDER_SETTINGS_HEADER = "Automatiske påmindelser for {committee}"
REMINDER_SETTING_LINE = "{name}: {description}, {when}{off}"
REMINDER_WHEN_BEFORE = "{days} dage før mødet kl. {at}"
REMINDER_WHEN_DAY_BEFORE = "dagen før mødet kl. {at}"
REMINDER_WHEN_SAME_DAY = "på mødedagen kl. {at}"
REMINDER_WHEN_AFTER = "{days} dage efter mødet kl. {at}"
REMINDER_WHEN_DAY_AFTER = "dagen efter mødet kl. {at}"
REMINDER_OFF = " (slået fra)"
REMINDER_SAVED = "Påmindelsen »{name}« er gemt: {when}{off}."
REMINDER_DESCRIPTIONS = {
    "topics": "opfordring til emner i udvalgets kanal",
    "agenda": "dagsorden til medlemmerne, når mødet er indkaldt",
    "daybefore": "påmindelse til deltagere og gæster",
    "minutes": "besked til sekretæren om punkter uden beslutning",
}
REMINDER_CLI_RAN = "Påmindelser lagt i kø: {enqueued}. Afsendt: {sent}, venter: {pending}."
REMINDER_TOPICS = (
    "Næste møde i {committee} er {when}. Har du et emne til dagsordenen? "
    "Skriv `/klu emne <dit emne>`, så kommer det på bruttolisten."
)
REMINDER_TOPICS_OPEN = "Åbne emner på bruttolisten:"
REMINDER_TOPICS_LINE = "• #{id} {text} ({proposer})"
REMINDER_TOPICS_NONE = "Bruttolisten har ingen åbne emner lige nu."
REMINDER_TOPICS_MORE = Agree(
    "… og {count:emne|emner} mere. Skriv `/klu bruttoliste` for hele listen."
)
REMINDER_AGENDA_TITLE = "Dagsorden: {title}"
REMINDER_WHEN = "Tid: {when}"
REMINDER_PLACE = "Sted: {place}"
REMINDER_TIMEPLAN = "Dagsorden og tidsplan:"
REMINDER_SLOT = "{start}–{end}  {number} {title}"
REMINDER_NO_ITEMS = "(Dagsordenen er endnu tom.)"
REMINDER_AGENDA_ASK = (
    "Kan du ikke komme? Tryk »Meld afbud«, eller svar »afbud« her i tråden, gerne med en "
    "grund (fx »afbud, er på kursus«)."
)
REMINDER_ASK_MAIL = "Kan du ikke komme, så giv besked til sekretariatet ({contact})."
REMINDER_AGENDA_SUBJECT = "Dagsorden: {title} {date}"
REMINDER_BUTTON_ATTEND = "Jeg kommer"
REMINDER_BUTTON_REGRETS = "Meld afbud"
REMINDER_BUTTON_MINUTES = "Skriv referat"
REMINDER_DAY_BEFORE = "Påmindelse: {title} afholdes {when}. Sted: {place}."
REMINDER_DAY_BEFORE_ASK = "Kan du alligevel ikke komme, så svar »afbud« her i tråden."
REMINDER_DAY_BEFORE_SUBJECT = "Påmindelse: {title} {date}"
REMINDER_GUEST = Agree(
    "Påmindelse: Du deltager i {title:mødet} {date} under {slots}. Sted: {place}."
)
REMINDER_GUEST_SLOT = "punkt {number} »{title}« kl. {start}–{end}"
REMINDER_GUEST_JOIN = " og "
REMINDER_GUEST_ASK = "Kan du ikke komme, så svar »afbud« her i tråden."
REMINDER_MINUTES = Agree(
    "Referatet af {title:mødet} {date} mangler stadig en beslutning på {count:punkt|punkter}:"
)
REMINDER_MINUTES_LINE = "• {number} {title}"
REMINDER_MINUTES_END = "Skriv beslutningerne ind, så referatet kan sendes ud."
REMINDER_MINUTES_SUBJECT = "Referat mangler beslutninger: {title} {date}"
CALL_NOTICE = "Mødet {date} er ikke indkaldt — dagsordenen skal ud senest {deadline}."
CALL_NOTICE_TODAY = "Mødet {date} er ikke indkaldt — dagsordenen skal ud i dag, {deadline}."
CALL_NOTICE_HOW = (
    "Medlemmerne får først dagsordenen, når mødet er indkaldt. Indkald det med `/klu indkald {id}`."
)
CALL_NOTICE_HOW_MAIL = (
    "Medlemmerne får først dagsordenen, når mødet er indkaldt. Indkald det i Slack med "
    "/klu indkald {id}."
)
CALL_NOTICE_SUBJECT = "Mødet {date} er ikke indkaldt"
REGRETS_CONFIRMED = Agree(
    "Tak, dit afbud til {title:mødet} {when} er registreret{reason}. "
    "Skriv »jeg kommer alligevel«, hvis du når at komme."
)
REGRETS_REASON = " (grund: {reason})"
ATTEND_CONFIRMED = Agree("Tak, du er noteret som deltager i {title:mødet} {when}.")
UNDO_CONFIRMED = Agree(
    "Dit afbud er trukket tilbage. Du er noteret som deltager i {title:mødet} {when}."
)
REGRETS_HINT = (
    "Det forstod jeg ikke. Skriv »afbud« (gerne med en grund, fx »afbud, er på kursus«) "
    "eller »jeg kommer alligevel«."
)
REGRETS_NO_MEETING = "Der er ikke noget kommende møde, du er inviteret til."
REGRETS_NOT_INVITED = Agree("Du er ikke inviteret til {title:mødet} {when}.")
REGRETS_MEETING_OVER = "{title} {when} er allerede afholdt."
REGRETS_MEETING_CANCELLED = "{title} {when} er aflyst, så du behøver ikke melde afbud."
REGRETS_CONFIRM_SUBJECT = "Afbud: {title} {date}"
SECRETARY_REGRETS = Agree("Afbud til {title:mødet} {date}: {name}{reason}.")
SECRETARY_ATTEND_AGAIN = Agree("{name} kommer alligevel til {title:mødet} {date}.")
SECRETARY_REGRETS_LIST = "Afbud indtil nu ({count}):"
SECRETARY_REGRETS_LINE = "• {name}{reason}"
SECRETARY_REGRETS_NONE = "Ingen afbud indtil nu."
SECRETARY_REGRETS_SUBJECT = "Afbud: {title} {date}"
SECRETARY_ORG = ", {org}"
SECRETARY_REASON = " – {reason}"
SLACK_USAGE_REGRETS = "afbud [grund]"
SLACK_HELP_REGRETS = "meld afbud til dit næste møde, fx /klu afbud er på kursus"
SLACK_USAGE_ATTEND = "kommer"
SLACK_HELP_ATTEND = "du kommer alligevel (dit afbud trækkes tilbage)"
CLI_REGRETS_REGISTERED = Agree("Afbud er registreret for {name} til {title:mødet} {when}{reason}.")
CLI_ATTEND_REGISTERED = Agree("{name} er noteret som deltager i {title:mødet} {when}.")
REMINDER_SCHEDULE_HEADER = "Næste møde, {when}:"
REMINDER_SCHEDULE_LINE = "  {name}: {at} ({state})"
REMINDER_STATES = {
    "off": "slået fra",
    "sent": "sendt",
    "queued": "i kø",
    "planned": "planlagt",
    "skipped": "springes over",
    "uncalled": "venter på, at mødet bliver indkaldt",
}

# --- calendar invitations (bot/calendar) --------------------------------------------------------
CALENDAR_WEEKDAYS = TIME_WEEKDAY_NAMES  # one spelling of the days and months
CALENDAR_MONTHS = TIME_MONTH_NAMES
CALENDAR_WHEN = "{weekday} {day}. {month} {year} kl. {start}–{end}"
CALENDAR_SUBJECT_REQUEST = "Invitation: {summary}, {when}"
CALENDAR_SUBJECT_UPDATE = "Ændret: {summary}, {when}"
CALENDAR_SUBJECT_CANCEL = "Aflyst: {summary}, {when}"
CALENDAR_BODY_REQUEST = Agree(
    "Kære {name}\n\n"
    "Du er inviteret til {summary:mødet} {when}.\n"
    "Sted: {location}\n\n"
    "{description}\n\n"
    "Invitationen er vedhæftet som kalenderfil. Du kan svare direkte fra din kalender.\n\n"
    "Venlig hilsen\n"
    "{organizer}\n"
)
CALENDAR_BODY_UPDATE = (
    "Kære {name}\n\n"
    "{summary} er ændret:\n"
    "{changes}\n\n"
    "Tidspunkt: {when}\n"
    "Sted: {location}\n\n"
    "{description}\n\n"
    "Den opdaterede invitation er vedhæftet som kalenderfil. "
    "Du kan svare direkte fra din kalender.\n\n"
    "Venlig hilsen\n"
    "{organizer}\n"
)
CALENDAR_BODY_CANCEL = (
    "Kære {name}\n\n"
    "{summary} {when} er aflyst.\n"
    "Du kan fjerne aftalen fra din kalender via denne besked.\n\n"
    "Venlig hilsen\n"
    "{organizer}\n"
)

# --- Slack: the secretary's commands and modals (handlers/slack/secretary.py) ------------------
SEC_SUBMIT = "Gem"
SEC_CANCEL = "Annuller"
SEC_CLOSE = "Luk"
SEC_SETUP_TITLE = "Opsæt udvalget"
SEC_MEETING_TITLE = "Nyt møde"
SEC_ITEM_TITLE = "Nyt punkt"
SEC_ITEM_EDIT_TITLE = "Ret punkt"
SEC_MOVE_TITLE = "Flyt punkt"
SEC_REMOVE_TITLE = "Fjern punkt"
SEC_REMOVE_SUBMIT = "Fjern"
SEC_DONE_TITLE = "Dagsorden"
SEC_LABEL_NAME = "Udvalgets navn"
SEC_LABEL_SHORT = "Kortnavn (fx KLU)"
SEC_LABEL_PLACE = "Mødested"
SEC_LABEL_START = "Starttid"
SEC_LABEL_END = "Sluttid"
SEC_LABEL_UNIT = "Organiserende enhed"
SEC_PLACEHOLDER_UNIT = "fx Fjordby Kommune, Sundhed og Omsorg"
SEC_LABEL_SECRETARIAT_NAME = "Sekretariatets navn"
SEC_LABEL_SECRETARIAT_EMAIL = "Sekretariatets e-mail"
SEC_LABEL_SECRETARIAT_PHONE = "Sekretariatets telefon"
SEC_HINT_SECRETARIAT = (
    "Står som arrangør af kalenderinvitationerne og som kontakt for afbud og spørgsmål."
)
SEC_LABEL_WHEN = "Hvornår"
SEC_HINT_WHEN = "Skriv fx »17. september 2026 kl. 15-17« eller »17/9 15:00-17:00«."
SEC_PLACEHOLDER_WHEN = "17. september 2026 kl. 15-17"
SEC_LABEL_TITLE = "Titel"
SEC_LABEL_CASE_NO = "Sagsnr."
SEC_LABEL_DOC_NO = "Dok.nr."
SEC_LABEL_MEETING = "Møde"
SEC_LABEL_SECTION = "Afsnit"
SEC_LABEL_ITEM_TITLE = "Punktets titel"
SEC_LABEL_MINUTES = "Varighed (minutter)"
SEC_LABEL_PRESENTER = "Præsenteres af"
SEC_LABEL_GUESTS_SLACK = "Gæster i Slack"
SEC_LABEL_GUESTS_EMAIL = "Gæster uden Slack (e-mailadresser)"
SEC_HINT_GUESTS_EMAIL = (
    "Én eller flere adresser, adskilt af komma eller linjeskift, gerne med navn: "
    "Ida Nørgaard <ida.norgaard@fjordby.dk>."
)
SEC_LABEL_INDSTILLING = "Indstilling"
SEC_LABEL_SAGSBESKRIVELSE = "Sagsbeskrivelse"
SEC_LABEL_ATTACHMENTS = "Bilag"
SEC_HINT_ATTACHMENTS = (
    "Ét bilag pr. linje: navn | link, fx »Notat om akutteamet | https://fjordby.dk/notat.pdf«. "
    "Et bilag uden link (udleveres på mødet) skrives bare med navn."
)
SEC_BAD_ATTACHMENT_LINK = (
    "Linje {line}: »{url}« er ikke et link. Skriv et link, der begynder med https://, "
    "fx »Notat | https://fjordby.dk/notat.pdf«."
)
SEC_BAD_ATTACHMENT_NAME = "Linje {line}: bilaget mangler et navn før »|«."
SEC_PLACEHOLDER_ATTACHMENTS = "Notat om akutteamet | https://fjordby.dk/notat.pdf"
SEC_SAGSBESKRIVELSE_TOO_LONG = (
    "Sagsbeskrivelsen er for lang til at rette her og bevares, som den er."
)
SEC_LABEL_POSITION = "Plads i afsnittet"
SEC_HINT_POSITION = "Et tal, fx 1 for først i afsnittet. Tomt: sidst."
SEC_ITEM_HEADING = "Punkt {number}: {title}"
SEC_REMOVE_CONFIRM = "Vil du fjerne punkt {number} »{title}« fra dagsordenen?"
SEC_MENU_EDIT = "Ret"
SEC_MENU_MOVE = "Flyt"
SEC_MENU_REMOVE = "Fjern"
SEC_ADD_ITEM_BUTTON = "Tilføj punkt"
SEC_ACTION_SETUP = "opsætte udvalget"
SEC_ACTION_MEETING = "oprette møder"
SEC_ACTION_AGENDA = "ændre dagsordenen"
SEC_SETUP_DONE = "Udvalget {name} ({short}) er sat op, og denne kanal er nu udvalgets kanal."
SEC_SETUP_FOUNDER = (
    " Du står nu som udvalgets sekretær. Medlemslisten indlæses af den, der driver KLU-bot."
)
SEC_SETUP_ONLY_ADMIN = (
    "Det er kun installationens administrator og udvalgenes sekretariater, der kan oprette "
    "et udvalg. Spørg den, der driver KLU-bot."
)
SEC_SETUP_NO_EMAIL = (
    "Jeg kan ikke se din e-mailadresse i Slack, så jeg kan ikke skrive dig på udvalget som "
    "sekretær. Spørg den, der driver KLU-bot."
)
SEC_BOUND = "Denne kanal er nu kanal for {name} ({short})."
SEC_MEETING_CREATED = "Møde nr. {id} er oprettet: {when}, {place}."
SEC_ITEM_ADDED = "Punkt {number} »{title}« er tilføjet."
SEC_ITEM_UPDATED = "Punkt {number} »{title}« er rettet."
SEC_ITEM_MOVED = "Punktet »{title}« er nu punkt {number}."
SEC_ITEM_REMOVED = "Punktet »{title}« er fjernet fra dagsordenen."
SEC_ITEM_GONE = (
    "Punktet findes ikke længere på dagsordenen. Vis dagsordenen igen med /klu dagsorden."
)
SEC_NO_MEETINGS = "Der er ikke planlagt noget kommende møde. Opret et med /klu møde."
SEC_BAD_POSITION = "»{value}« er ikke et tal. Skriv fx 1, eller lad feltet stå tomt."
SEC_NO_SECTION = "Vælg et afsnit."
SEC_NO_MEETING = "Vælg et møde."
GUEST_BAD_EMAILS = "Disse er ikke gyldige e-mailadresser: {emails}. Skriv fx ida@fjordby.dk."
GUEST_NO_EMAIL = (
    "Jeg kan ikke se en e-mailadresse for {name} i Slack. Skriv gæstens e-mailadresse i "
    "feltet for gæster uden Slack i stedet."
)
SEC_MODAL_FAILED = "Formularen kunne ikke åbnes lige nu. Prøv igen om lidt."
SEC_SETUP_IN_CHANNEL = (
    "Skriv /klu opsæt i udvalgets kanal (ikke i en direkte besked), så bliver kanalen "
    "udvalgets kanal. Husk at invitere KLU-bot til kanalen først."
)
SEC_USAGE_SETUP = "opsæt [kortnavn]"
SEC_HELP_SETUP = (
    "sekretariatet: sæt udvalget op (navn, sekretariat, mødested og -tid) og gør denne kanal "
    "til udvalgets kanal"
)
SEC_USAGE_MEETING = "møde"
SEC_HELP_MEETING = "sekretariatet: opret et møde (tid, sted, titel, sagsnr.)"
SEC_USAGE_ITEM = "punkt [mødenr]"
SEC_HELP_ITEM = (
    "sekretariatet: tilføj et punkt med varighed, oplægsholder, gæster, sagsbeskrivelse og bilag"
)
SEC_USAGE_AGENDA = "dagsorden [mødenr]"
SEC_HELP_AGENDA = "vis dagsorden og tidsplan (sekretariatet kan rette, flytte og fjerne punkter)"


# --- demo (handlers/demo.py, handlers/demo_story.py) -----------------------------------------
DEMO_INTRO = (
    "KLU-bot demo: den rigtige app over HTTP mod en lokal Slack-attrap og en midlertidig "
    "SQLite-database. Intet sendes ud af maskinen."
)
DEMO_USERS_SELECT = "[▾ vælg personer i Slack]"
DEMO_STEP_SETUP = "1. Sekretæren sætter udvalget op i kanalen #klu"
DEMO_STEP_ROSTER = "2. Medlemslisten indlæses, og medlemmerne kobles til Slack via e-mail"
DEMO_STEP_TOPICS = "3. Medlemmerne foreslår emner til bruttolisten (med kommando eller formular)"
DEMO_STEP_MEETING = "4. Sekretæren opretter næste møde"
DEMO_STEP_AGENDA = "5. Sekretæren bygger dagsordenen (og et medlem prøver også)"
DEMO_STEP_LISTS = "6. Et medlem ser bruttolisten og næste møde"
DEMO_STEP_DELIVERIES = "7. Beskeder og DM'er, som Slack modtog fra KLU-bot"
DEMO_STEP_CALLING = (
    "8. Sekretæren indkalder til mødet: medlemmerne får en kalenderinvitation i Slack, "
    "og Henrik Lund, der kun bruger e-mail, får den som e-mail"
)
DEMO_STEP_AGENDA_REMINDER = "9. Dagsordenen sendes ud to uger før mødet ({when})"
DEMO_STEP_REGRETS = "10. Et medlem melder afbud ved at svare på beskeden"
DEMO_STEP_MINUTES = (
    "11. Efter mødet: sekretæren skriver referat og fremmøde, godkender og sender referatet"
)
DEMO_REPLIES = "\n▶ {name} svarer i sin DM med KLU-bot: »{text}«"
DEMO_FILE = "\n📎 Fil i Slack: {name} ({size} byte)"
DEMO_MAIL_TO = "\n✉ E-mail til {to}:"
DEMO_MAIL_FROM = "Fra: {sender}"
DEMO_MAIL_SUBJECT = "Emne: {subject}"
DEMO_MAIL_CALENDAR = "Kalenderinvitation ({name}):"
DEMO_MAIL_ATTACHMENT = "Vedhæftet: {name} ({kind})"
DEMO_TYPES = "\n▶ {name} skriver: {command}"
DEMO_SEES = "  {name} ser (kun synligt for {name}):"
DEMO_MODAL = "  {name} ser en formular:"
DEMO_FILLS = "  {name} udfylder og trykker {button}: {values}"
DEMO_FIELD_ERRORS = "Formularen bliver stående og viser fejl ved felterne:"
DEMO_FIELD_ERROR = "{label}: {message}"
DEMO_TERMINAL = "\n$ {command}"
DEMO_LINKED = Agree("{count:person|personer} er koblet til deres Slack-bruger via e-mailadressen.")
DEMO_DM_TO = "\n✉ DM til {name}:"
DEMO_IN_CHANNEL = "\n# Besked i kanalen {channel}:"
DEMO_NO_MESSAGES = "(Ingen beskeder eller DM'er endnu; alt ovenfor var svar kun til afsenderen.)"
DEMO_DONE = "\nDemoen er slut. Databasen og Slack-attrappen er ryddet op igen."
DEMO_NO_EXAMPLES = (
    "Demoen mangler sit eksempeludvalg (handlers/demo/examples/roster.csv): installér KLU-bot igen."
)


# --- minutes and decision summaries (bot/usecases/minutes*.py, bot/minutes_*.py) -------------
MINUTES_NOT_HELD = (
    "Mødet er ikke afholdt endnu ({when}). Referatet kan skrives, når mødet er begyndt."
)
MINUTES_CANCELLED = "Mødet er aflyst, så der skrives ikke referat."
MINUTES_UNKNOWN_OUTCOME = (
    "»{value}« er ikke et udfald. Brug godkendt, drøftet, efterretning eller udskudt."
)
MINUTES_BAD_ACTION = (
    "Handlingen »{value}« skal skrives som »tovholder|opgave|frist«, "
    "fx »Anne Vestergaard|Kontakt PPR|1/9-2026« (fristen kan udelades)."
)
MINUTES_ACTION_TASK_EMPTY = "Handlingen »{value}« mangler en opgave."
MINUTES_PERSON_TWICE = "{name} står mere end én gang i fremmødet ({statuses})."
MINUTES_NOTHING_TO_APPROVE = "Mødet har ingen punkter, så der er intet referat at godkende."
MINUTES_NOT_APPROVED = "Referatet for mødet er ikke godkendt endnu."
MINUTES_FIELD_REFERAT = "Referatet"
MINUTES_FIELD_BESLUTNING = "Beslutningen"
MINUTES_FIELD_NEXT = "Næste møde"
MINUTES_FIELD_NAMES = {
    "referat": "referatet",
    "beslutning": "beslutningen",
    "outcome": "udfaldet",
    "actions": "handlingerne",
    "next_meeting_note": "næste møde",
    "attendance": "fremmødet",
}
MINUTES_APPROVE_ACTION = "godkende referater"
MINUTES_RECORD_ACTION = "skrive referat"
MINUTES_IMPORT_NOT_UTF8 = "Referatfilen skal være en tekstfil gemt som UTF-8."
MINUTES_IMPORT_NOTHING = (
    "Der blev ikke fundet nogen punkter i filen. Punkterne skal stå som fx »2. a. Titel« "
    "efterfulgt af »Beslutning:«."
)
MINUTES_IMPORTED = "Referatet er indlæst for punkterne: {numbers}"
MINUTES_IMPORT_UNMATCHED = (
    "Disse punkter fra filen findes ikke på dagsordenen og blev sprunget over: {numbers}."
)
MINUTES_RECORDED = "Referatet for punkt {number} er gemt."
MINUTES_ATTENDANCE_SAVED = "Fremmødet er gemt: {came} mødt, {regrets} afbud, {no_show} ej mødt."
MINUTES_APPROVED = (
    "Referatet for mødet {date} er godkendt. Beslutningsreferatet sendes til kanalen{dms}."
)
MINUTES_APPROVED_DMS = " og til {count} med afbud"
MINUTES_ALREADY_APPROVED = "Referatet for mødet {date} var allerede godkendt; intet er sendt igen."
MINUTES_CARRIED = "Udskudte punkter er sat på mødet {date}: {titles}."
MINUTES_APPROVED_NO_CHANNEL = (
    "Referatet for mødet {date} er godkendt. Udvalget har ingen Slack-kanal, så "
    "beslutningsreferatet er ikke lagt i en kanal."
)
MINUTES_APPROVED_NO_CHANNEL_DMS = " Det sendes til {count} med afbud."
MINUTES_EXPORTED = "Referatet er gemt i {path}."
DOC_EXPORTED = {"referat": MINUTES_EXPORTED, "dagsorden": "Dagsordenen er gemt i {path}."}
MINUTES_BAD_FORMAT = "Formatet »{value}« kendes ikke. Brug md, html eller pdf."
MINUTES_CHANGED_NOTE = "Rettet {when} af {who}: {fields}."
MINUTES_CARRY_NOTE = "Udskudt fra mødet {date} (punkt {number})."
# The summary (plain text; bot/minutes/summary.py says which words stand out)
SUMMARY_TITLE = "Beslutningsreferat: {title}"
SUMMARY_WHEN = "Tid:"  # a strong label before the value
SUMMARY_PLACE = "Sted:"
SUMMARY_PARTICIPANTS = "Deltagere"  # strong
SUMMARY_PERSON = "• {name}"
SUMMARY_GUESTS = "Gæster"  # emphasised, like each side's name
SUMMARY_SECRETARIAT = "Sekretariat:"
SUMMARY_REGRETS = "Afbud"  # strong
SUMMARY_NO_SHOW = "Ej mødt"  # strong
SUMMARY_NONE = "• Ingen"
SUMMARY_DECISIONS = "Beslutninger"  # strong
SUMMARY_ITEM = "{number} {title}"  # strong
SUMMARY_ACTIONS = "Aftalte handlinger"  # strong
SUMMARY_ACTION = "• {owner}: {task}{due}"
SUMMARY_ACTION_DUE = " (frist {date})"
SUMMARY_NO_OWNER = "Uden tovholder"
SUMMARY_NEXT = "Næste møde:"
SUMMARY_CORRECTED = "Rettet {when}."  # emphasised
SUMMARY_FULL_MINUTES = "Det fulde referat er vedhæftet som PDF."
SUMMARY_DM_INTRO = "Du meldte afbud til mødet, så her er beslutningsreferatet:"
SUMMARY_EMAIL_SUBJECT = "Beslutningsreferat: {title} {date}"
SUMMARY_FILE_TITLE = "Referat {title} {date}"
SUMMARY_NO_DECISION = "(Intet referat)"
# The minutes document (Markdown, HTML, PDF), laid out like the municipality's minutes
LOG_SERVING = "KLU-bot lytter på http://%s:%d%s"  # the operator's start-up line
LOG_SOCKET_MODE = "KLU-bot kører i Socket Mode"
SLACK_OTHER_WORKSPACE = (
    "Denne KLU-bot er installeret i et andet Slack-arbejdsområde og kan ikke bruges herfra."
)

# --- calendar answers by e-mail (bot/usecases/calendar_answers.py) ---------------------------
CALENDAR_ANSWER_SUBJECT = "Dit svar er registreret: {title}"
CALENDAR_NOTICE_SUBJECT = "Svar fra en kalender: {title}"
CALENDAR_COUNTER_NOTICE = Agree("{name} foreslår et andet tidspunkt for {title:mødet}.")
CALENDAR_STRANGER_NOTICE = Agree(
    "{name} ({email}) har svaret på invitationen til {title:mødet}, men fik den ikke fra "
    "KLU-bot — måske er den sendt videre. Svaret er ikke registreret."
)
CALENDAR_NOTICE_COMMENT = " Kommentar: »{comment}«"
DOC_REFERAT = "Referat"
DOC_DAGSORDEN = "Dagsorden"
DOC_KIND_NAMES = {"referat": DOC_REFERAT, "dagsorden": DOC_DAGSORDEN}
DOC_PDF_TITLE = "{kind}: {title} {day}"
DOC_DRAFT = "Udkast"
DOC_DRAFT_NOTES = {
    "referat": "Udkast: referatet er ikke godkendt endnu.",
    "dagsorden": "Udkast: mødet er ikke indkaldt endnu.",
}
DOC_HEADER_LABEL = "Mødets oplysninger"
DOC_LABEL_MEETING = "Møde"
DOC_LABEL_WHEN = "Tid"
DOC_LABEL_PLACE = "Sted"
DOC_LABEL_SECRETARIAT = "Sekretariat"
DOC_LABEL_CASE = "Sagsnr./Dok.nr."
DOC_PARTICIPANTS = "Deltagere"
DOC_GUESTS = "Gæster"
DOC_REGRETS = "Afbud"
DOC_NO_SHOW = "Ej mødt"
DOC_NONE = "Ingen"
DOC_GUEST_LINE = "{name}, deltog under punkt {items}"
DOC_GUEST_AWAY_LINE = "{name} (gæst under punkt {items})"
DOC_GUEST_SLOT = "punkt {number} kl. {start}–{end}"
DOC_ITEM_TIME = "Kl. {start}–{end}"
DOC_CONTENTS = "Indholdsfortegnelse"
DOC_PAGE_IN_TOC = "side"
DOC_PRESENTER = "{presenter} præsenterer punktet."
DOC_ITEM_GUESTS = "Gæster under punktet: {names}"
DOC_INDSTILLING = "Indstilling"
DOC_SAGSBESKRIVELSE = "Sagsbeskrivelse"
DOC_BESLUTNING = "Beslutning"
DOC_BILAG = "Bilag"
DOC_ACTIONS = "Aftalte handlinger"
DOC_FOLLOWUP = "Opfølgning på aftalte handlinger"
DOC_FOLLOWUP_LINE = "{owner}: {task}{due} (aftalt {date}, punkt {number})"
DOC_NEXT_MEETING = "Næste møde"
DOC_CHANGES = "Rettelser efter godkendelse"
DOC_CHANGE_LINE = "{when}: {who} rettede {field} under punkt {number}"
DOC_PAGE_OF = "Side {page} af {pages}"
# Words that show a decision already says what its outcome says (no "Punktet blev drøftet."
# before "Ændringen blev drøftet og tiltrådt.").
OUTCOME_STEMS = {
    "godkendt": ("godkend", "tiltrådt", "tiltræd", "vedtag"),
    "droeftet": ("drøft",),
    "taget_til_efterretning": ("efterretning",),
    "udskudt": ("udskyd", "udskud", "udsat", "udsæt"),
}
# Slack: /klu referat, the modal, search
MINUTES_SLACK_HEADER = Agree("Referat af {title:mødet} {date}")
MINUTES_SLACK_WRITE = "Skriv referat"
MINUTES_SLACK_EDIT = "Ret referat"
MINUTES_SLACK_APPROVE = "Godkend og send referat"
MINUTES_SLACK_EMPTY_ITEM = "_Intet referat endnu_"
MINUTES_SLACK_MODAL_TITLE = "Referat {number}"
MINUTES_SLACK_SAVE = "Gem"
MINUTES_SLACK_CANCEL = "Annuller"
MINUTES_SLACK_REFERAT_LABEL = "Referat (punktopstilling)"
MINUTES_SLACK_BESLUTNING_LABEL = "Beslutning"
MINUTES_SLACK_OUTCOME_LABEL = "Udfald"
MINUTES_SLACK_ACTIONS_LABEL = "Aftalte handlinger"
MINUTES_SLACK_ACTIONS_HINT = (
    "Én pr. linje: tovholder|opgave|frist, fx Anne Vestergaard|Kontakt PPR|1/9-2026"
)
MINUTES_SLACK_USAGE = (
    "Brug: /klu referat [mødenr.] viser punkterne med knapper; "
    "/klu referat send [mødenr.] godkender og sender beslutningsreferatet."
)
MINUTES_SLACK_SAVED = "Referatet for punkt {number} er gemt."
MINUTES_SLACK_ITEM_GONE = "Punktet findes ikke længere på dagsordenen."
SEARCH_USAGE = "Skriv et søgeord, fx: /klu søg lægeerklæring"
SEARCH_NONE = "Ingen tidligere beslutninger eller emner matcher »{query}«."
SEARCH_HEADER = "Resultater for »{query}« (nyeste først):"
SEARCH_ITEM_HIT = "• {date}, punkt {number} {title}: {text}"
SEARCH_TOPIC_HIT = "• Emne #{id} ({status}, foreslået {date}): {text}"
SEARCH_MORE = "… og {count} til."
ACTION_REMINDER = (
    "Påmindelse: du er tovholder på »{task}« fra mødet {date} i {committee}. Fristen er {due}."
)
ACTION_REMINDER_SUBJECT = "Påmindelse: {task} (frist {due})"
MINUTES_NO_HELD_MEETING = "Der er ikke afholdt noget møde endnu, som der kan skrives referat til."
MINUTES_SLACK_NO_OUTCOME = "Intet udfald"
MINUTES_SLACK_NEXT_LABEL = "Næste møde (under Eventuelt)"
MINUTES_SLACK_USAGE_REFERAT = "/klu referat [mødenr.] · /klu referat send [mødenr.]"
MINUTES_SLACK_HELP_REFERAT = (
    "skriv referat pr. punkt, og godkend og send beslutningsreferatet (sekretariatet)"
)
SEARCH_USAGE_LINE = "/klu søg <ord>"
SEARCH_HELP = "find tidligere beslutninger og emner"
MINUTES_SLACK_MODAL_ERROR = "Referatet kunne ikke gemmes: {message}"
MINUTES_CANNOT_WRITE = "Filen »{path}« kan ikke skrives."
MINUTES_PDF_NEEDS_FILE = "En PDF skal gemmes i en fil: tilføj -o referat.pdf."
DOC_PDF_NEEDS_FILE = {
    "referat": MINUTES_PDF_NEEDS_FILE,
    "dagsorden": "En PDF skal gemmes i en fil: tilføj -o dagsorden.pdf.",
}
MINUTES_UNKNOWN_ACTION = "Der er ingen åben handling med nummer {ref}."
MINUTES_ACTION_DONE = "Handling #{id} er markeret som udført."
MINUTES_ACTIONS_EMPTY = "Der er ingen åbne handlinger."
MINUTES_ACTION_LIST_LINE = "#{id} {line}"
MINUTES_SLACK_ATTENDANCE = "Fremmøde"
MINUTES_SLACK_ATTENDANCE_HINT = (
    "Alle medlemmer og gæster, der ikke står under Afbud eller Ej mødt, kom til mødet — "
    "også dem, der ikke er valgt under Mødt. Afbud fra påmindelserne står allerede her. "
    "Sekretariatet nævnes for sig og ikke som deltager."
)
MINUTES_SLACK_ATTENDANCE_HINT_PARTICIPATES = (
    "Alle medlemmer og gæster, der ikke står under Afbud eller Ej mødt, kom til mødet — "
    "også dem, der ikke er valgt under Mødt. Afbud fra påmindelserne står allerede her. "
    "Sekretariatet regnes med blandt deltagerne."
)
MINUTES_SLACK_ATTENDANCE_NOW = (
    "Referatet viser nu: deltagere {participants} · gæster {guests} · afbud {regrets} · "
    "ej mødt {no_shows}."
)
MINUTES_SLACK_CAME = "Mødt"
MINUTES_SLACK_REGRETS = "Afbud"
MINUTES_SLACK_NO_SHOW = "Ej mødt"

# --- invitations (bot/usecases/invitations.py, bot/invitations_text.py) -------------------------
INVITE_GUEST_SUMMARY = "{title}, punkt {numbers}"
INVITE_AND = " og "
INVITE_AGENDA_HEADER = "Dagsorden og tidsplan:"
INVITE_AGENDA_LINE = "{number} {title} (kl. {start}–{end})"
INVITE_PRESENTER = "    Præsenteres af {presenter}."
INVITE_GUESTS_LINE = "    Gæst: {names}."
INVITE_SAGSBESKRIVELSE = "    Sagsbeskrivelse:"
INVITE_ATTACHMENTS = "    Bilag:"
INVITE_ATTACHMENT = "      {name}: {url}"
INVITE_ATTACHMENT_NO_LINK = "      {name}"
INVITE_GUEST_INTRO = Agree(
    "Du er inviteret som gæst til {title:mødet} {when}. Af hensyn til mødets afvikling deltager "
    "gæster ved de punkter, der vedrører dem, efter denne tidsplan:"
)
INVITE_GUEST_ITEM = "Punkt {number}: {title}, kl. {start}–{end}."
INVITE_GUEST_PRESENTER = "    Punktet præsenteres af {presenter}."
INVITE_GUEST_NOTE = "Tidspunktet kan rykke sig lidt, hvis mødet løber over eller under tiden."
INVITE_CONTACT = "Afbud og spørgsmål: {name}, {email}{phone}."
INVITE_CANCEL_DESCRIPTION = "Aftalen er aflyst. Du kan slette den fra din kalender."
INVITE_DM_REQUEST = "Indkaldelse: {title}"
INVITE_DM_UPDATE = "Ændret: {title}"
INVITE_DM_CANCEL = "Aflyst: {title}"
INVITE_DM_FALLBACK = "{header}, {when}, {place}"
INVITE_CHANGE_TIME = "Nyt tidspunkt: {when} (før {old})."
INVITE_CHANGE_GUEST_TIME = "Nyt tidspunkt for dit punkt: {when} (før {old})."
INVITE_CHANGE_PLACE = "Nyt mødested: {place} (før {old})."
INVITE_CHANGE_AGENDA = "Dagsordenen eller tidsplanen er ændret. Den gældende står herunder."
INVITE_CHANGE_GUEST_ITEM = "Beskrivelsen af dit punkt er ændret. Den gældende står herunder."
INVITE_CHANGE_DETAILS = "Oplysningerne i invitationen er opdateret. De gældende står herunder."
INVITE_CHANGE_AGAIN = "Du er inviteret igen."
INVITE_CHANGE_REGRETS_AGAIN = (
    "Du meldte afbud til mødet {old_day}. Mødet er flyttet, så dit afbud gælder ikke længere. "
    "Kan du heller ikke komme den nye dag, så meld afbud igen."
)
INVITE_DM_DATE = "Dato"
INVITE_DM_TIME = "Tid"
INVITE_DM_SPAN = "{start}–{end}"
INVITE_DM_PLACE = "Sted"
INVITE_DM_CANCEL_TEXT = "Mødet {when} er aflyst. Slet aftalen fra din kalender."
INVITE_DM_GUEST_CANCEL_TEXT = (
    "Du er ikke længere inviteret til {when}. Slet aftalen fra din kalender."
)
INVITE_DM_FILE_NOTE = "Kalenderfilen følger herunder: åbn den for at lægge mødet i din kalender."
INVITE_BUTTON_REGRETS = "Meld afbud"
INVITE_BUTTON_SEND = "Send indkaldelse"
INVITE_FILE_TITLE = "Kalenderinvitation: {title}"
INVITE_SENT = Agree(
    "Møde {id}: {requests:invitation|invitationer}, {updates:opdatering|opdateringer} og "
    "{cancels:aflysning|aflysninger} lagt i kø ({slack} i Slack, {email} på e-mail)."
)
INVITE_NOTHING = "Møde {id}: alle har allerede den seneste kalenderinvitation; intet nyt sendt."
INVITE_NOTHING_QUEUED = (
    "Møde {id}: intet er lagt i kø, for ingen af dem, der mangler den seneste "
    "kalenderinvitation, kan nås endnu."
)
INVITE_NO_SMTP = (
    "E-mail er ikke sat op (SMTP_URL og MAIL_FROM), så der er ikke sendt e-mails, kun "
    "Slack-beskeder."
)
INVITE_NO_SMTP_MISSED = (
    "Disse har ikke Slack og har derfor ikke fået invitationen endnu: {names}. De får den, "
    "så snart e-mail er sat op."
)
INVITE_UNREACHABLE = (
    "Kan ikke nås (hverken Slack-id eller e-mail), så de har ikke fået invitationen endnu: "
    "{names}. De får den, så snart de har en e-mailadresse eller er koblet til Slack."
)
INVITE_REGRETS_ASKED_AGAIN = (
    "Mødet er flyttet til en anden dag, så afbud til den gamle dag gælder ikke længere. "
    "Disse er spurgt, om deres afbud stadig gælder: {names}."
)
INVITE_NO_ORGANIZER = (
    "Udvalget mangler sekretariatets navn og e-mail, som står som arrangør af "
    "kalenderinvitationerne. Udfyld dem med /klu opsæt i udvalgets kanal."
)
CLI_INVITE_NO_ORGANIZER = (
    "Udvalget mangler sekretariatets navn og e-mail, som står som arrangør af "
    "kalenderinvitationerne. Ret det med: klu-bot committee setup --short-name … "
    "--secretariat-name … --secretariat-email … (eller /klu opsæt i Slack)"
)
INVITE_NOT_CALLABLE = "Møde {id} kan ikke indkaldes, fordi det er {status}."
INVITE_NOT_LIVE = "Møde {id} kan ikke ændres, fordi det er {status}."
INVITE_MOVED = "Møde {id} er nu {when}, {place}."
INVITE_UPDATES_LATER = (
    "Deltagerne får en opdateret kalenderinvitation, når der har været ro i et minut."
)
INVITE_CANCELLED = "Møde {id} er aflyst."
INVITE_SECRETARY_BUTTON_HINT = "Dagsordenen er klar. Send indkaldelsen til medlemmer og gæster:"
INVITE_DISPATCHED = "Udsendelse: {sent} sendt, {retried} prøves igen senere."
INVITE_ITEM_MINUTES = "»{title}« har nu {minutes} minutter i tidsplanen."
INVITE_ACTION = "sende indkaldelser"
INVITE_USAGE = "indkald [mødenr.]"
INVITE_HELP = (
    "send kalenderinvitationer til medlemmer og gæster (Slack og e-mail); "
    "senere ændringer sendes automatisk"
)

# --- Slack app (handlers/slack: commands, bruttoliste, App Home) -------------------------------
SLACK_NOT_LINKED = Agree(
    "Jeg kender dig ikke endnu. Står du på medlemslisten med den e-mailadresse, du bruger i "
    "Slack, kobler jeg dig automatisk om et øjeblik, så prøv igen om lidt. Ellers bed "
    "sekretariatet{contact:()} om at tilføje dig."
)
SLACK_WHICH_COMMITTEE = (
    "Du er medlem af flere udvalg. Skriv kommandoen i udvalgets kanal, så jeg ved, "
    "hvilket udvalg du mener."
)
SLACK_ERROR_REF = "{message} (fejl-id {request_id})"
SLACK_TRUNCATED = "…"
SLACK_MORE_BLOCKS = "… der er mere, end Slack kan vise her."
SLACK_HELP_HEADER = "*KLU-bot* – sådan bruger du `/klu`:"
SLACK_HELP_LINE = "• `/klu {usage}` – {help}"
SLACK_UNKNOWN_COMMAND = "Jeg kender ikke kommandoen »{verb}«."
SLACK_USAGE_HELP = "hjælp"
SLACK_HELP_HELP = "vis denne hjælp"
SLACK_USAGE_NEXT = "næste"
SLACK_HELP_NEXT = "vis næste møde med sted, dagsorden og tidsplan"
SLACK_USAGE_TOPIC = "emne <tekst>"
SLACK_HELP_TOPIC = "foreslå et emne til bruttolisten (uden tekst åbnes en formular)"
SLACK_USAGE_BOARD = "bruttoliste [side]"
SLACK_HELP_BOARD = "vis de åbne emner på bruttolisten"
SLACK_ORIGIN = "Slack"
SLACK_TOPIC_ADDED = "Tak! Dit emne er sat på bruttolisten for {committee} som #{id}:\n>{text}"
SLACK_MODAL_TITLE = "Foreslå et emne"
SLACK_MODAL_SUBMIT = "Foreslå"
SLACK_MODAL_CLOSE = "Annuller"
SLACK_MODAL_INTRO = "Emnet kommer på bruttolisten for {committee} med dig som forslagsstiller."
SLACK_MODAL_TEXT = "Emne"
SLACK_MODAL_TEXT_HINT = "Kort overskrift, fx »Samarbejde om hjemmebesøg«"
SLACK_MODAL_DESCRIPTION = "Beskrivelse"
SLACK_MODAL_NOTE = "Note"
SLACK_MODAL_NOTE_HINT = "Fx »afstemmes med Tina Marie«"
SLACK_MODAL_FAILED = "Formularen kunne ikke åbnes. Skriv i stedet: /klu emne <tekst>."
SLACK_BOARD_HEADER = "Bruttoliste for {committee}"
SLACK_BOARD_EMPTY = "Bruttolisten er tom. Foreslå et emne med /klu emne <tekst>."
SLACK_BOARD_PAGE = Agree("Side {page} af {pages} · {count:emne|emner}")
SLACK_BOARD_PAGE_CAPPED = Agree(
    "Side {page} af {pages} · over {count:emne|emner} (de ældste vises)"
)
SLACK_BOARD_TOPIC = "*#{id}* {text}\nForeslået af {proposer} {date}{origin} · _{status}_"
SLACK_BOARD_ORIGIN = " ({origin})"
SLACK_BOARD_NOTE = "\nNote: {note}"
SLACK_BOARD_PREV = "◀ Forrige side"
SLACK_BOARD_NEXT = "Næste side ▶"
SLACK_BOARD_SCHEDULE = "Sæt på mødet {date}"
SLACK_BOARD_WITHDRAW = "Træk tilbage"
SLACK_BAD_PAGE = "»{value}« er ikke et sidenummer. Skriv fx /klu bruttoliste 2."
SLACK_TOPIC_SCHEDULED = "Emne #{id} er sat på dagsordenen for mødet {date}."
SLACK_TOPIC_WITHDRAWN = "Emne #{id} er trukket tilbage."
SLACK_ACTION_SCHEDULE = "sætte emner på dagsordenen"
SLACK_ACTION_WITHDRAW = "trække emner tilbage"
SLACK_BAD_ACTION = "Knappen er forældet. Skriv /klu bruttoliste for at få listen igen."
SLACK_MEETING_WHEN = "*Tid:* {when}"
SLACK_MEETING_PLACE = "*Sted:* {place}"
SLACK_MEETING_STATUS = "*Status:* {status}"
SLACK_MEETING_AGENDA = "*Dagsorden og tidsplan*"
SLACK_MEETING_SLOT = "`{start}–{end}`  *{number}* {title}"
SLACK_MEETING_PRESENTER = " – {presenter}"
SLACK_MEETING_GUESTS = "Gæster: {names}"
SLACK_MEETING_NO_ITEMS = "Dagsordenen er endnu tom."
SLACK_HOME_ROLE = "Du er *{role}* i {committee}."
SLACK_HOME_NEXT = "Næste møde"
SLACK_HOME_MY_TOPICS = "Dine emner"
SLACK_HOME_NO_TOPICS = "Du har ikke foreslået nogen emner endnu. Skriv /klu emne <tekst>."
SLACK_HOME_MY_TOPIC = "*#{id}* {text} · _{status}_ · {date}"
SLACK_HOME_BOARD = "Bruttolisten"
SLACK_HOME_BOARD_MORE = Agree(
    "… og {count:emne|emner} mere. Skriv /klu bruttoliste for hele listen."
)
SLACK_HOME_BOARD_MORE_CAPPED = Agree(
    "… og over {count:emne|emner} mere. Skriv /klu bruttoliste for listen."
)
SLACK_HOME_ABSENCES = "Dine afbud"
SLACK_HOME_NO_ABSENCES = "Du har ikke meldt afbud til kommende møder."
SLACK_HOME_ABSENCE = "{when}: {title}{reason}"
SLACK_HOME_REASON = " ({reason})"
SLACK_HOME_WELCOME = "Velkommen til KLU-bot"

# --- backup, restore and GDPR (storage/export.py, storage/restore.py, bot/usecases/privacy.py) --
EXPORT_UNKNOWN_COMMITTEE = "Udvalget »{ref}« findes ikke, så der er intet at eksportere."
EXPORT_OUTSIDE_REFERENCE = (
    "Eksporten blev stoppet: {table}.{column} = {value} peger på data uden for udvalget. "
    "Kontakt den tekniske ansvarlige; filen ville ikke kunne indlæses igen."
)
EXPORT_WRITTEN = "Udvalget {committee} er eksporteret til {path} ({rows} rækker)."
CLI_CANNOT_WRITE = "Filen »{path}« kan ikke skrives. Tjek mappen og rettighederne."
IMPORT_NOT_JSON = "Filen kan ikke indlæses: den er ikke gyldig JSON (UTF-8). Intet er ændret."
IMPORT_NOT_EXPORT = "Filen kan ikke indlæses: den er ikke en eksport fra klu-bot. Intet er ændret."
IMPORT_BAD_VERSION = (
    "Filen kan ikke indlæses: den har formatversion {found}, men denne klu-bot læser "
    "version {expected}. Intet er ændret."
)
IMPORT_BAD_REVISION = (
    "Filen kan ikke indlæses: den er lavet med databaseskema {found}, men databasen har "
    "skema {expected}. Indlæs den med den klu-bot-version, der lavede den, og kør derefter "
    "»klu-bot db upgrade«. Intet er ændret."
)
IMPORT_BAD_TABLES = (
    "Filen kan ikke indlæses: dens tabeller passer ikke til databasens skema. Intet er ændret."
)
IMPORT_ONE_COMMITTEE = (
    "Filen kan ikke indlæses: den skal indeholde præcis ét udvalg. Intet er ændret."
)
IMPORT_BAD_FIELDS = (
    "Filen kan ikke indlæses: række {row} i »{table}« har ikke de rigtige felter "
    "(mangler: {missing}; ukendte: {extra}). Intet er ændret."
)
IMPORT_BAD_VALUE = (
    "Filen kan ikke indlæses: række {row} i »{table}« har en ugyldig værdi i feltet "
    "»{column}«: {value}. Intet er ændret."
)
IMPORT_DB_REJECTED = (
    "Filen kan ikke indlæses: databasen afviste rækkerne i »{table}« (fx en værdi, der står "
    "to gange, eller en henvisning til noget, der ikke findes). Intet er ændret."
)
IMPORT_COMMITTEE_EXISTS = (
    "Udvalget {short} findes allerede i databasen, så filen er ikke indlæst igen. Intet er ændret."
)
IMPORT_DONE = "Udvalget {committee} er indlæst fra {path} ({rows} rækker)."
IMPORT_PEOPLE_MERGED = Agree(
    " {count:person|personer} fandtes allerede (samme e-mail) og er lagt sammen med "
    "filens: de har nu medlemskaber i begge udvalg."
)
PRIVACY_UNKNOWN_EMAIL = "Der findes ingen person med e-mailadressen »{email}«."
PRIVACY_FORMER_NAME = "Tidligere deltager #{id}"
PRIVACY_SCRUBBED = "[slettet]"
RETENTION_PRUNED = (
    "Oprydning: {reasons} afbudsgrunde slettet ({reason_days} dage efter godkendt referat); "
    "{inbox} modtagne hændelser, {events} hændelses-id'er og {deliveries} afsendte beskeder "
    "ryddet (ældre end {days} dage)."
)
PRIVACY_EXPORT_WRITTEN = "Persondata for {email} er gemt i {path}."
PRIVACY_ERASE_CONFIRM = (
    "Dette sletter personoplysningerne om {name} <{email}> for altid: navn, e-mail, telefon, "
    "Slack-id, titel og organisation fjernes, medlemskaber afsluttes og beskeder, der venter "
    "på at blive sendt til personen, droppes. Emner, referater og beslutninger bevares under "
    "navnet »{neutral}«. Gentag kommandoen med --yes for at slette."
)
PRIVACY_ERASED = (
    "{email} er slettet og hedder nu »{neutral}«. Medlemskaber afsluttet: {memberships}. "
    "Ventende beskeder droppet: {dropped}."
)
PRIVACY_SECRETARIAT_WARNING = (
    "OBS: personen står stadig som sekretariatets kontakt for {committees}. "
    "Ret det med »klu-bot committee setup«."
)

# The command line's help, per command and argument (klu-bot … --help).
CLI_HELP: dict[str, str] = {
    "attendance:attend.meeting": "mødets nummer (standard: næste)",
    "attendance:attend.person": "e-mail eller navn",
    "attendance:group.attend": "personen kommer alligevel",
    "attendance:group.regrets": "registrér afbud for en person",
    "attendance:regrets.meeting": "mødets nummer (standard: næste)",
    "attendance:regrets.person": "e-mail eller navn",
    "attendance:regrets.reason": "grund (valgfri), fx er på kursus",
    "attendance:top.attendance": "afbud og deltagelse",
    "backup:exp.o": "filen der skrives, fx klu.json",
    "backup:perase.yes": "bekræft sletningen",
    "backup:person.erase": "slet en persons personoplysninger",
    "backup:person.export": "gem alt om én person i en JSON-fil",
    "backup:top.export": "gem alle udvalgets data i én JSON-fil (backup)",
    "backup:top.import": "indlæs et udvalgs eksport (flere udvalg kan dele en database)",
    "backup:top.person": "persondata (GDPR)",
    "backup:top.prune": "slet afbudsgrunde og gamle beskeder efter opbevaringstiden",
    "minutes:app.meeting": "mødets nummer",
    "minutes:att.came": "mødte (e-mails, kommasepareret)",
    "minutes:att.meeting": "mødets nummer",
    "minutes:att.no_show": "ej mødt (e-mails, kommasepareret)",
    "minutes:att.regrets": "afbud (e-mails, kommasepareret)",
    "minutes:done.action": "handlingens nummer (se minutes actions)",
    "minutes:exp.format": "md, html eller pdf",
    "minutes:exp.meeting": "mødets nummer",
    "minutes:exp.o": "filnavn (standard: vis md/html)",
    "minutes:imp.file": "tekstfil som kommunens referat (UTF-8)",
    "minutes:imp.meeting": "mødets nummer",
    "minutes:mn.actions": "vis de åbne aftalte handlinger",
    "minutes:mn.approve": "godkend og send beslutningsreferatet",
    "minutes:mn.attendance": "registrer fremmøde",
    "minutes:mn.done": "marker en handling som udført",
    "minutes:mn.export": "gem referatet som md, html eller pdf",
    "minutes:mn.import": "indlæs referat fra en tekstfil",
    "minutes:mn.next": "næste mødes dato under Eventuelt",
    "minutes:mn.record": "skriv referat for et punkt",
    "minutes:nxt.meeting": "mødets nummer",
    "minutes:nxt.note": "fx 'Næste møde afholdes 17. september kl. 15-17'",
    "minutes:rec.action": "'tovholder|opgave|frist'; kan gentages",
    "minutes:rec.item": "punktets nummer, fx 2.b",
    "minutes:rec.meeting": "mødets nummer",
    "minutes:rec.outcome": "godkendt, drøftet, efterretning, udskudt",
    "minutes:rec.referat": "referat (punkter, én pr. linje)",
    "minutes:src.words": "søgeord",
    "minutes:top.minutes": "referater",
    "minutes:top.search": "søg i tidligere beslutninger og emner",
    "parser:.description.description": "KLU-bot: møder, dagsordener og bruttoliste for et udvalg.",
    "parser:add.attachment": "bilag som NAVN=URL; kan gentages",
    "parser:add.guest": "gæst (e-mail eller navn); kan gentages",
    "parser:add.meeting": "mødets nummer (standard: næste)",
    "parser:add.minutes": "planlagt varighed i minutter",
    "parser:add.section": "afsnit 1-4 (standard 2)",
    "parser:aexp.format": "md, html eller pdf",
    "parser:aexp.meeting": "mødets nummer (standard: næste)",
    "parser:aexp.o": "filnavn (standard: vis md/html)",
    "parser:ag.add": "tilføj et punkt",
    "parser:ag.export": "gem dagsordenen som md, html eller pdf",
    "parser:ag.minutes": "ret et punkts varighed i tidsplanen",
    "parser:ag.move": "flyt et punkt",
    "parser:ag.remove": "fjern et punkt",
    "parser:amin.item": "punktets nummer, fx 2.b",
    "parser:amin.minutes": "minutter",
    "parser:clk.every": "sekunder mellem udsendelser (5)",
    "parser:clk.now": "som om klokken var (lokal tid)",
    "parser:clk.once": "kør det, der er forfaldent, én gang",
    "parser:com.setup": "opret eller ret udvalget",
    "parser:create.when": "fx '18. juni 2026 kl. 15-17'",
    "parser:db.upgrade": "opgrader databasens skema til nyeste version",
    "parser:inv.send": "send indkaldelse (Slack og e-mail)",
    "parser:inv.sync": "send ventende opdateringer og udsendelser nu",
    "parser:isend.meeting": "mødets nummer (standard: næste)",
    "parser:mcancel.meeting": "mødets nummer",
    "parser:mem.import": "indlæs medlemsliste fra CSV (fra Excel)",
    "parser:mem.list": "vis medlemmerne",
    "parser:mmove.meeting": "mødets nummer",
    "parser:mmove.place": "nyt mødested",
    "parser:mmove.when": "fx '19. juni 2026 kl. 14-16'; tom tekst beholder tiden",
    "parser:move.item": "punktets nummer, fx 2.b",
    "parser:mtg.cancel": "aflys et møde (sender aflysninger)",
    "parser:mtg.create": "opret et møde",
    "parser:mtg.list": "vis alle møder",
    "parser:mtg.load": "indlæs et helt møde fra en YAML-fil",
    "parser:mtg.move": "flyt et møde (opdaterer invitationerne)",
    "parser:mtg.show": "vis dagsorden og tidsplan",
    "parser:onoff.off": "slå påmindelsen fra",
    "parser:onoff.on": "slå påmindelsen til igen",
    "parser:parser.committee": "udvalgets kortnavn (når der er flere udvalg)",
    "parser:parser.now": "kør som om klokken var (lokal tid), fx 2026-06-17T09:00",
    "parser:rem.set": "ret en påmindelse",
    "parser:rem.show": "vis påmindelserne og deres tidspunkter",
    "parser:rset.at": "klokkeslæt, fx 09:00",
    "parser:rset.days": "dage før mødet (for referat: efter)",
    "parser:rset.kind": "emner, dagsorden, dagen-før eller referat",
    "parser:setup.channel": "Slack-kanalens id",
    "parser:setup.end": "standard sluttid (17:00 ved oprettelse)",
    "parser:setup.name": "fx 'Kommunalt Lægeligt Udvalg' (kræves ved oprettelse)",
    "parser:setup.place": "standard mødested",
    "parser:setup.short_name": "fx KLU",
    "parser:setup.start": "standard starttid (15:00 ved oprettelse)",
    "parser:setup.timezone": "standard Europe/Copenhagen",
    "parser:setup.unit": "den organiserende enhed",
    "parser:show.meeting": "mødets nummer (standard: næste)",
    "parser:srv.host": "adresse at lytte på",
    "parser:srv.port": "port (standard: $PORT eller 3000)",
    "parser:tadd.by": "forslagsstiller (e-mail eller navn)",
    "parser:tadd.origin": "hvor emnet blev foreslået",
    "parser:tlist.all": "også behandlede og tilbagetrukne",
    "parser:top.agenda": "dagsordenen",
    "parser:top.clock": "send påmindelser og udsendelser hvert minut",
    "parser:top.committee": "udvalget",
    "parser:top.db": "databasen",
    "parser:top.demo": "vis en guidet demo uden Slack (lokal Slack-attrap, midlertidig database)",
    "parser:top.invitations": "kalenderinvitationer",
    "parser:top.meeting": "møder",
    "parser:top.members": "medlemslisten",
    "parser:top.reminders": "automatiske påmindelser",
    "parser:top.serve": "kør Slack-appen over HTTP (/slack/events, /healthz)",
    "parser:top.socket": "kør Slack-appen i Socket Mode (SLACK_APP_TOKEN)",
    "parser:top.topic": "bruttolisten",
    "parser:tp.add": "foreslå et emne",
    "parser:tp.import": "indlæs en bruttoliste fra CSV (fra Excel)",
    "parser:tp.list": "vis bruttolisten",
    "parser:tp.note": "tilføj en note til et emne",
    "parser:tp.schedule": "sæt et emne på et mødes dagsorden",
    "parser:tp.withdraw": "træk et emne tilbage",
    "people:person.route": "vælg en persons kanal: slack, mail, begge eller standard",
    "people:route.person": "personens e-mail eller navn",
    "people:route.choice": "slack, mail, begge eller standard",
}

# Microsoft 365 mail (h4) --------------------------------------------------------------------------
CONFIG_MAIL_AUTH = (
    "MAIL_AUTH skal være password (bruger og kode i SMTP_URL) eller oauth2 (Microsoft 365), "
    "ikke »{value}«."
)
CONFIG_MS_MISSING = "MAIL_AUTH=oauth2 kræver også {name}: se README, »Microsoft 365 (OAuth 2.0)«."
CONFIG_MS_TENANT_ID = (
    "MS_TENANT_ID skal være »Directory (tenant) ID« fra appens oversigt i Microsoft Entra ID "
    "(et GUID som 9f8e7d6c-…) eller lejerens domæne (fx fjordby.onmicrosoft.com)."
)
CONFIG_MS_CLIENT_ID = (
    "MS_CLIENT_ID skal være »Application (client) ID« fra appens oversigt i Microsoft Entra ID "
    "(et GUID som 1a2b3c4d-…)."
)
MAIL_TOKEN_REFUSED = (
    "Microsoft Entra ID udstedte ikke et adgangstoken til e-mail ({error}): {description} "
    "Tjek MS_TENANT_ID, MS_CLIENT_ID og MS_CLIENT_SECRET (hemmeligheden kan være udløbet)."
)
MAIL_TOKEN_UNREACHABLE = (
    "Microsoft Entra ID kunne ikke nås for et adgangstoken til e-mail: {reason}"
)
MAIL_OAUTH_REFUSED = (
    "{server}-serveren afviste OAuth-login for {user}: {reason}. Tjek at appen har {permission} "
    "med administratorsamtykke, og at tjenesteprincippet har adgang til postkassen (README, "
    "»Microsoft 365 (OAuth 2.0)«)."
)
MAIL_OAUTH_NEEDS_TLS = (
    "SMTP-serveren {host} tilbyder ikke STARTTLS, så OAuth-tokenet sendes ikke. Brug "
    "smtp.office365.com:587 eller smtps://…:465."
)
# e-mail replies (h2) ----------------------------------------------------------------------
CONFIG_IMAP_URL = (
    "IMAP_URL er ikke en IMAP-adresse. Skriv fx imaps://bruger:kode@imap.example.dk:993/INBOX "
    "(eller imap://… med STARTTLS)."
)
CONFIG_IMAP_MAIL_FROM = (
    "IMAP_URL er sat, men MAIL_FROM mangler: svar på mails skal kunne kendes på afsenderen."
)
MAIL_REPLY_HINT = (
    "Det forstod jeg ikke. Svar på mailen med »afbud« (gerne med en grund, fx »afbud, er på "
    "kursus«) eller »jeg kommer alligevel«."
)
MAIL_REPLY_SUBJECT = "Re: {subject}"
MAIL_REPLY_SUBJECT_DEFAULT = "Dit svar til KLU-bot"
MAIL_FOREIGN_NOTICE_SUBJECT = "Svar på mail fra en anden adresse: {title}"
MAIL_FOREIGN_NOTICE = Agree(
    "Et svar på en mail til {name} om {title:mødet} kom fra {email}, som ikke er {name}s "
    "adresse. Intet er registreret. Svaret: »{text}«"
)
MAIL_BOUNCE_SUBJECT = "E-mail kom retur: {name}"
MAIL_BOUNCE_NOTICE = (
    "En e-mail fra KLU-bot til {name} ({email}) kom retur og er ikke leveret{reason}. "
    "Ret adressen i medlemslisten, eller kontakt personen på anden vis."
)
MAIL_BOUNCE_REASON = " (svar fra modtagerens server: {reason})"
# dagsorden with the calling (h5)
AGENDA_PDF_FILENAME = "Dagsorden {committee} {date}.pdf"
AGENDA_PDF_TITLE = "Dagsorden: {title}, {date}"
AGENDA_PDF_COMMENT = "Dagsordenen som PDF."
AGENDA_PDF_COMMENT_UPDATE = "Den opdaterede dagsorden som PDF."
# routes and calendar answers (h3) ----------------------------------------------------------------
CALENDAR_TENTATIVE_NOTED = Agree(
    "Tak for dit svar: du har svaret »måske« til {title:mødet} {when}. Du står stadig som "
    "inviteret. Kan du ikke komme, så svar »Nej« i din kalender (skriv gerne en grund), så "
    "bliver det registreret som afbud."
)
CALENDAR_DELEGATED_NOTICE = Agree(
    "{name} har givet invitationen til {title:mødet} videre til {delegate}. Svaret er ikke "
    "registreret: registrér afbud og en eventuel stedfortræder, hvis det passer."
)
CALENDAR_OTHER_NOTICE = Agree(
    "{name} har sendt en kalenderbesked ({method}) om {title:mødet}, som KLU-bot ikke "
    "behandler selv."
)
CALENDAR_NOTICE_SENDER = " Sendt fra {sender}."
CALENDAR_NOTICE_SUBJECT_LINE = " Emne: »{subject}«"
ROUTE_UNKNOWN = "»{word}« er ikke en kanal. Skriv slack, mail, begge eller standard."
ROUTE_SET = {
    "slack": "{name} får nu beskeder fra KLU-bot i Slack.",
    "email": "{name} får nu beskeder fra KLU-bot på e-mail.",
    "both": "{name} får nu beskeder fra KLU-bot både i Slack og på e-mail.",
    "standard": "{name} får beskeder i Slack, hvis Slack er koblet på, ellers på e-mail.",
}
ROUTE_NO_SLACK = "Der er ingen Slack-bruger koblet på, så indtil da kommer de på e-mail."
ROUTE_NO_EMAIL = "Der er ingen e-mailadresse, så indtil da kommer de i Slack."
ROUTE_USAGE = "kanal slack|mail|begge|standard [navn]"
ROUTE_HELP = (
    "vælg, om dine beskeder fra KLU-bot kommer i Slack, på e-mail eller begge "
    "(sekretariatet: for den navngivne)"
)
ROUTE_ACTION_OTHER = "vælge kanal for en anden"
