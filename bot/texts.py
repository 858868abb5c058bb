"""Every user-visible Danish text, in one place.

Code is English; what people read is Danish. Templates use str.format placeholders.
A second language would be one more module of the same shape.
"""

from __future__ import annotations

# --- generic -------------------------------------------------------------------------------
UNEXPECTED_ERROR = "Beklager, noget gik galt. Prøv igen om lidt, eller kontakt sekretariatet."

# --- time parsing (bot/timeparse.py) ---------------------------------------------------------

# --- roster import (bot/roster.py) -------------------------------------------------------------
ROSTER_NOT_TEXT = (
    "Filen kunne ikke læses som tekst. Gem den fra Excel som »CSV UTF-8« eller »CSV "
    "(semikolonsepareret)«, og prøv igen."
)
ROSTER_NOT_CSV = (
    "Filen kunne ikke læses som CSV. Gem den fra Excel som »CSV UTF-8« eller »CSV "
    "(semikolonsepareret)«, og prøv igen."
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
ROSTER_ERRORS_MANY = (
    "Filen blev ikke indlæst, fordi {count} linjer har fejl. Ingen personer er gemt."
)
ROSTER_ERRORS_FIX = "Ret fejlene i filen, og prøv igen:"
ROSTER_ERRORS_MORE = "… og {count} linjer mere med fejl."

# --- calendar invitations (bot/calendar) --------------------------------------------------------
