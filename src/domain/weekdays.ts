export const weekdayNames = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;

/** luxon weekday numbering: 1 = Monday ... 7 = Sunday. */
export function weekdayName(weekday: number): string {
  return weekdayNames[weekday - 1] ?? 'Unknown day';
}
