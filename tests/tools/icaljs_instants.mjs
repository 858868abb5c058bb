// Reads an iCalendar file on stdin and prints, per VEVENT, "UID<TAB>start<TAB>end" as UTC
// seconds, as Mozilla's ical.js (the parser of Thunderbird and many web calendars) reads it.
// The calendar's own VTIMEZONE components are registered first, as a client does.
import ICAL from "ical.js";
import { readFileSync } from "node:fs";

const text = readFileSync(0, "utf8");
const root = new ICAL.Component(ICAL.parse(text));
for (const zone of root.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(zone);
}
for (const vevent of root.getAllSubcomponents("vevent")) {
  const event = new ICAL.Event(vevent);
  const recurrence = vevent.getFirstPropertyValue("recurrence-id");
  const rid = recurrence ? `${recurrence.toUnixTime()}` : "";
  console.log([event.uid, event.startDate.toUnixTime(), event.endDate.toUnixTime(), rid].join("\t"));
}
