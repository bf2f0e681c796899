/** Child process of the service-time spec, run with a given time zone. */
/**
 * Child process of spec/core/serviceTime.spec.ts, run with a given `TZ`: prints one JSON line
 * with what the client makes of zone-less `end_date` values (`parseEndDate`) beside what the
 * machine's own `Date.parse` makes of them, so the spec can compare machines. Not a spec.
 *
 * argv: the timestamps to read.
 */
import { parseEndDate } from '../../lib/transport/credentials';

const inputs = process.argv.slice(2);
process.stdout.write(
  `${JSON.stringify({
    offsetMinutes: new Date('2026-12-07T00:00:00Z').getTimezoneOffset(),
    client: inputs.map((s) => parseEndDate(s)),
    local: inputs.map((s) => Date.parse(s)),
  })}\n`,
);
