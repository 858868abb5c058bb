"""The dagsorden as a message File, for the calling, its updates and the agenda reminder.

The File names the document (bot.meetings.agenda_document) and carries no bytes: each way
out renders the PDF when it sends (a file in the Slack DM, an attachment to the e-mail).
"""

from __future__ import annotations

from bot.domain import Committee, Meeting
from bot.meetings.agenda_document import agenda_filename, agenda_reference, agenda_title
from bot.messaging.message import File


def agenda_file(committee: Committee, meeting: Meeting) -> File:
    """The meeting's dagsorden, to be printed as it stands when the message is sent."""
    return File(
        agenda_filename(committee, meeting),
        agenda_title(committee, meeting),
        document=agenda_reference(meeting),
    )
