import ICAL from 'ical.js';
import { describe, expect, test } from 'vitest';
import { meetingSeries } from '../../src/domain/meeting-series.js';
import { meetingSeriesIcs, type CalendarSeries } from '../../src/messages/calendar.js';
import { userText } from '../../src/messages/text.js';

function seriesIn(zone: string): CalendarSeries {
  const series = meetingSeries(
    { weekday: 3, time: '18:00', zone, minutes: 30 },
    { programStartDate: '2027-03-01', programZone: 'Europe/Berlin', lengthWeeks: 2, cadence: 'weekly', sessionTarget: null },
    new Date('2027-03-01T00:00:00Z'),
  );
  if (!series) throw new Error('no series');
  return {
    uid: 'u@tandem',
    sequence: 0,
    stamp: new Date('2027-03-01T00:00:00Z'),
    series,
    programName: userText('P'),
    mentor: { id: 'U1', name: userText('A') },
    mentee: { id: 'U2', name: userText('B') },
    conversationUrl: 'https://slack.com/app_redirect?channel=G1',
  };
}

describe('meetingSeriesIcs', () => {
  test('a zone alias Slack may report is written as the zone its VTIMEZONE names, so parsers find it', () => {
    const root = new ICAL.Component(ICAL.parse(meetingSeriesIcs(seriesIn('Asia/Calcutta'))));
    const zones = root.getAllSubcomponents('vtimezone');
    expect(zones.map((z) => z.getFirstPropertyValue('tzid'))).toEqual(['Asia/Kolkata']);
    for (const z of zones) ICAL.TimezoneService.register(new ICAL.Timezone(z));
    const event = new ICAL.Event(root.getFirstSubcomponent('vevent') as ICAL.Component);
    expect(event.startDate.zone?.tzid).toBe('Asia/Kolkata');
    expect(event.startDate.toJSDate().toISOString()).toBe('2027-03-03T12:30:00.000Z');
  });

  test('DTSTAMP and UNTIL are in UTC', () => {
    const ics = meetingSeriesIcs(seriesIn('Europe/Berlin'));
    expect(ics).toContain('DTSTAMP:20270301T000000Z');
    expect(ics).toMatch(/RRULE:FREQ=WEEKLY;INTERVAL=1;UNTIL=20270314T225959Z/);
  });
});
