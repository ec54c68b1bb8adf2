import { daysBetween, nonWorkingReason, weekdayName } from '../common/working-days.js';
import { deadlineWarnings, RECOMMENDED_MINIMUM_DAYS } from '../referral-rounds/round-rules.js';

/**
 * The warnings `POST /api/rounds/:id/send` gives for a deadline (the same rules, round-rules.ts),
 * in Swedish for the pages that ask before sending.
 */
export function swedishWarnings(deadline: string, today: string): string[] {
  return deadlineWarnings(deadline, today).map((warning) => {
    if (warning.code === 'short_deadline') {
      return `Svarstiden är bara ${daysBetween(today, deadline)} dagar. Minst ${RECOMMENDED_MINIMUM_DAYS} dagar rekommenderas.`;
    }
    const weekday = weekdayName(deadline);
    const reason = nonWorkingReason(deadline) ?? weekday;
    return reason === weekday
      ? `Sista svarsdag ${deadline} är en ${weekday}, inte en arbetsdag.`
      : `Sista svarsdag ${deadline} är en helgdag (${reason}, en ${weekday}), inte en arbetsdag.`;
  });
}
