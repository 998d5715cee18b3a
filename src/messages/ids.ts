/** Every callback_id, action_id and block_id Tandem's views and messages use, in one place. */
export const ids = {
  views: {
    programNew: 'program_new',
    programEdit: 'program_edit',
  },
  /** The button under `/tandem program close`'s question; value: the program id. */
  programCloseConfirm: 'program_close_confirm',
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
    followUpWeeks: 'followUpWeeks',
    cadence: 'cadence',
    sessionTarget: 'sessionTarget',
    checkinAfterHours: 'checkinAfterHours',
    meetingReminders: 'meetingReminders',
  },
  /** The action_id of the single input element inside each input block. */
  value: 'value',
} as const;

export const actionIds = {
  checkinAnswer: 'checkin_answer',
  checkinNote: 'checkin_note',
  alertAck: 'alert_ack',
  alertResolve: 'alert_resolve',
  alertSnooze: 'alert_snooze',
  /** On an alert: a group DM of the staff member who clicked, the mentor and the mentee. Value: the pairing id. */
  messagePair: 'alert_message_pair',
} as const;

export const viewIds = {
  checkinNote: 'checkin_note',
} as const;

export const checkinNoteFields = { answer: 'answer', rating: 'rating', topics: 'topics', blockers: 'blockers' } as const;

export const dtrIds = {
  view: 'dtr_submit',
  /** Opens the DTR modal from a button (the partner's invitation, the chooser). */
  open: 'dtr_open',
  pairingBlock: 'dtr_pairing',
} as const;

export const standupIds = {
  open: 'standup_open',
  view: 'standup_submit',
  generalNote: 'general_note',
  /** Per mentee: `${field}_${pairingId}`. */
  field: (field: 'status' | 'met' | 'hours' | 'concerns', pairingId: number) => `${field}_${pairingId}`,
} as const;

export const sessionLogIds = {
  open: 'session_log_open',
  edit: 'session_log_edit',
  view: 'session_log_submit',
  fields: {
    pairing: 'pairing',
    date: 'date',
    minutes: 'minutes',
    done: 'done',
    homework: 'homework',
    privateNotes: 'private_notes',
  },
} as const;

export const matchIds = {
  accept: 'match_accept',
  decline: 'match_decline',
  declineView: 'match_decline_submit',
  reason: 'reason',
} as const;

export const rescheduleIds = {
  open: 'reschedule_open',
  view: 'reschedule_submit',
  fields: {
    pairing: 'pairing',
    originalDate: 'original_date',
    originalTime: 'original_time',
    newDate: 'new_date',
    newTime: 'new_time',
    cancel: 'cancel',
    reason: 'reason',
  },
} as const;

export const homeIds = {
  exportHours: 'home_export_hours',
} as const;
