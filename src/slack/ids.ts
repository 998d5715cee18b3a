/** Every callback_id, action_id and block_id Tandem's views and messages use, in one place. */
export const ids = {
  views: {
    programNew: 'program_new',
  },
  programFields: {
    name: 'name',
    timeZone: 'timeZone',
    startDate: 'startDate',
    lengthWeeks: 'lengthWeeks',
    checkinWeekday: 'checkinWeekday',
    checkinTime: 'checkinTime',
    standupWeekday: 'standupWeekday',
    standupTime: 'standupTime',
    responseWindowDays: 'responseWindowDays',
    holidays: 'holidays',
    alertsChannelId: 'alertsChannelId',
    midmodWeekFrom: 'midmodWeekFrom',
    midmodWeekTo: 'midmodWeekTo',
  },
  /** The action_id of the single input element inside each input block. */
  value: 'value',
} as const;
