"""Which area module handles each `klu-bot` command, imported only when it is run."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from handlers.cli.files import CliCommand

Commands = Mapping[str, CliCommand]


def _people() -> Commands:
    from handlers.cli import people

    return people.COMMANDS


def _meetings() -> Commands:
    from handlers.cli import meetings

    return meetings.COMMANDS


def _topics() -> Commands:
    from handlers.cli import topics

    return topics.COMMANDS


def _invitations() -> Commands:
    from handlers.cli import invitations

    return invitations.COMMANDS


def _minutes() -> Commands:
    from handlers.cli import minutes

    return minutes.COMMANDS


def _attendance() -> Commands:
    from handlers.cli import attendance

    return attendance.COMMANDS


def _reminders() -> Commands:
    from handlers.cli import reminders

    return reminders.COMMANDS


def _backup() -> Commands:
    from handlers.cli import backup

    return backup.COMMANDS


def _slack() -> Commands:
    from handlers.cli import slack

    return slack.COMMANDS


# Each command's area module, by the command's name as the grammar (parser.py) gives it.
AREAS: dict[str, Callable[[], Commands]] = {
    "cmd_db_upgrade": _people,
    "cmd_committee_setup": _people,
    "cmd_members_import": _people,
    "cmd_members_list": _people,
    "cmd_person_route": _people,
    "cmd_meeting_create": _meetings,
    "cmd_meeting_load": _meetings,
    "cmd_meeting_show": _meetings,
    "cmd_meeting_list": _meetings,
    "cmd_agenda_add": _meetings,
    "cmd_agenda_move": _meetings,
    "cmd_agenda_remove": _meetings,
    "cmd_topic_add": _topics,
    "cmd_topic_import": _topics,
    "cmd_topic_list": _topics,
    "cmd_topic_note": _topics,
    "cmd_topic_schedule": _topics,
    "cmd_topic_withdraw": _topics,
    "cmd_invitations_send": _invitations,
    "cmd_invitations_sync": _invitations,
    "cmd_meeting_cancel": _invitations,
    "cmd_meeting_move": _invitations,
    "cmd_agenda_minutes": _invitations,
    "cmd_minutes_record": _minutes,
    "cmd_minutes_attendance": _minutes,
    "cmd_minutes_next": _minutes,
    "cmd_minutes_import": _minutes,
    "cmd_minutes_approve": _minutes,
    "cmd_minutes_export": _minutes,
    "cmd_minutes_actions": _minutes,
    "cmd_minutes_done": _minutes,
    "cmd_agenda_export": _minutes,
    "cmd_search": _minutes,
    "cmd_attendance_regrets": _attendance,
    "cmd_attendance_attend": _attendance,
    "cmd_reminders_show": _reminders,
    "cmd_reminders_set": _reminders,
    "cmd_clock": _reminders,
    "cmd_export": _backup,
    "cmd_import": _backup,
    "cmd_person_export": _backup,
    "cmd_person_erase": _backup,
    "cmd_prune": _backup,
    "cmd_serve": _slack,
    "cmd_socket": _slack,
}
LOADERS = tuple(dict.fromkeys(AREAS.values()))


def handler(command: str) -> CliCommand:
    """The function that runs `command`, importing its area module now."""
    return AREAS[command]()[command]
