"""The SQLAlchemy unit of work: one session, one transaction, rolled back unless committed."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.orm import Session, sessionmaker

from bot import ports
from storage.repositories import core as r
from storage.repositories.inbox import InboxRepo
from storage.repositories.mail_routes import MailRouteRepo
from storage.repositories.privacy import PrivacyRepo
from storage.repositories.reminders import ReminderRepo


class SqlAlchemyUnitOfWork:
    """Implements bot.ports.UnitOfWork over a session factory."""

    committees: ports.CommitteeRepository
    people: ports.PersonRepository
    memberships: ports.MembershipRepository
    meetings: ports.MeetingRepository
    topics: ports.TopicRepository
    attendance: ports.AttendanceRepository
    actions: ports.ActionRepository
    minutes_changes: ports.MinutesChangeRepository
    calendar: ports.CalendarRepository
    outbox: ports.Outbox
    inbox: ports.Inbox
    events: ports.EventLog
    reminders: ports.ReminderRepository
    privacy: ports.Privacy
    mail_routes: ports.MailRouteRepository

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._factory = session_factory
        self._session: Session | None = None

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("unit of work used outside its with-block")
        return self._session

    def __enter__(self) -> Self:
        session = self._factory()
        self._session = session
        self.committees = r.CommitteeRepo(session)
        self.people = r.PersonRepo(session)
        self.memberships = r.MembershipRepo(session)
        self.meetings = r.MeetingRepo(session)
        self.topics = r.TopicRepo(session)
        self.attendance = r.AttendanceRepo(session)
        self.actions = r.ActionRepo(session)
        self.minutes_changes = r.MinutesChangeRepo(session)
        self.calendar = r.CalendarRepo(session)
        self.outbox = r.OutboxRepo(session)
        self.inbox = InboxRepo(session)
        self.events = r.EventLogRepo(session)
        self.reminders = ReminderRepo(session)
        self.privacy = PrivacyRepo(session)
        self.mail_routes = MailRouteRepo(session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # close() detaches loaded objects first and then rolls back what was not committed,
        # so results stay readable after the block without a refresh.
        self.session.close()
        self._session = None

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()

    def flush(self) -> None:
        self.session.flush()

    def delete(self, obj: object) -> None:
        self.session.delete(obj)
