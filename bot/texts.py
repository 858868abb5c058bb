"""Every user-visible Danish text, in one place.

Code is English; what people read is Danish. Templates use str.format placeholders.
A second language would be one more module of the same shape.
"""

from __future__ import annotations

# --- generic -------------------------------------------------------------------------------
UNEXPECTED_ERROR = "Beklager, noget gik galt. Prøv igen om lidt, eller kontakt sekretariatet."

# --- time parsing (bot/timeparse.py) ---------------------------------------------------------

# --- roster import (bot/roster.py) -------------------------------------------------------------

# --- calendar invitations (bot/calendar) --------------------------------------------------------
