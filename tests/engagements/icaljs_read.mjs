// Read an .ics from stdin with ical.js (the parser inside Thunderbird) and print, as JSON,
// each VEVENT's uid, summary, description, status, sequence, attendees and its start and
// end as UTC instants, resolved through the calendar's own VTIMEZONE components.
// Several VCALENDARs may follow one another (many single-event downloads in one run):
// each is read with only its own VTIMEZONEs.
import ICAL from "ical.js";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const text = Buffer.concat(chunks).toString("utf8");

const parsed = ICAL.parse(text);
const roots = (typeof parsed[0] === "string" ? [parsed] : parsed).map((jcal) => new ICAL.Component(jcal));
const utc = (time) => time.convertToZone(ICAL.Timezone.utcTimezone).toJSDate().toISOString();
const events = [];
for (const root of roots) {
  const zones = root.getAllSubcomponents("vtimezone").map((vtimezone) => new ICAL.Timezone(vtimezone));
  zones.forEach((zone) => ICAL.TimezoneService.register(zone));
  for (const component of root.getAllSubcomponents("vevent")) {
    const event = new ICAL.Event(component);
    events.push({
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
    });
  }
  zones.forEach((zone) => ICAL.TimezoneService.remove(zone.tzid));
}
process.stdout.write(JSON.stringify(events));
