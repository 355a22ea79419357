// Read an .ics from stdin with ical.js (the parser inside Thunderbird) and print, as JSON,
// each VEVENT's uid, summary, description, status, sequence, attendees and its start and
// end as UTC instants, resolved through the calendar's own VTIMEZONE components.
import ICAL from "ical.js";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const text = Buffer.concat(chunks).toString("utf8");

const root = new ICAL.Component(ICAL.parse(text));
for (const vtimezone of root.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(new ICAL.Timezone(vtimezone));
}
const utc = (time) => time.convertToZone(ICAL.Timezone.utcTimezone).toJSDate().toISOString();
const events = root.getAllSubcomponents("vevent").map((component) => {
  const event = new ICAL.Event(component);
  return {
    uid: event.uid,
    summary: event.summary,
    description: event.description,
    location: event.location,
    status: component.getFirstPropertyValue("status"),
    sequence: event.sequence,
    tzid: event.startDate.zone ? event.startDate.zone.tzid : null,
    start: utc(event.startDate),
    end: utc(event.endDate),
    attendees: component.getAllProperties("attendee").map((p) => ({
      value: p.getFirstValue(),
      partstat: p.getParameter("partstat"),
      cn: p.getParameter("cn"),
    })),
    properties: component.getAllProperties().map((p) => p.name),
  };
});
process.stdout.write(JSON.stringify(events));
