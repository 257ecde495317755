/**
 * Backup schedules are classic 5-field cron expressions (minute hour day-of-month month
 * day-of-week). The API server checks the shape with CRON_FIVE_FIELDS_PATTERN; the operator also
 * checks the meaning (ranges, names) with the `cron` package that runs the schedules.
 */
import { validateCronExpression } from 'cron';

/** Five fields of cron characters separated by spaces (RE2- and JS-compatible). */
export const CRON_FIVE_FIELDS_PATTERN = '^[0-9A-Za-z*/,?-]+( +[0-9A-Za-z*/,?-]+){4}$';

const CRON_FIVE_FIELDS_RE = new RegExp(CRON_FIVE_FIELDS_PATTERN);

/** The shape check alone (what the API server's CEL rule checks). */
export function isFiveFieldCron(expr: string): boolean {
  return CRON_FIVE_FIELDS_RE.test(expr);
}

export type CronCheck = { ok: true } | { ok: false; error: string };

/** Validate a 5-field cron expression; the error says what is wrong in words. */
export function validateCron(expr: string): CronCheck {
  if (!isFiveFieldCron(expr)) {
    const fields = expr.trim() === '' ? 0 : expr.trim().split(/\s+/).length;
    return {
      ok: false,
      error:
        `"${expr}" is not a 5-field cron expression (minute hour day-of-month month day-of-week), ` +
        `it has ${fields} field(s); e.g. "0 3 * * *" runs daily at 03:00`,
    };
  }
  const verdict = validateCronExpression(expr);
  if (!verdict.valid) {
    return { ok: false, error: `"${expr}" is not a valid cron expression: ${verdict.error?.message ?? 'rejected'}` };
  }
  return { ok: true };
}
