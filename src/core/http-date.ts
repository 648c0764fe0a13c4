// HTTP-dates (RFC 9110 §5.6.7), read strictly: the cache's Expires, Date and Last-Modified, and Retry-After.
// Date.parse is not used: it reads '1.5', '-5' and many other forms as dates.

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const LONG_DAY = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const MONTH = `(${MONTHS.join('|')})`;
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';
// Case-insensitive, as browsers read them; anything else in the grammar is required.
const IMF_FIXDATE = new RegExp(`^${DAY}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`, 'i');
const RFC850_DATE = new RegExp(`^${LONG_DAY}, (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`, 'i');
const ASCTIME_DATE = new RegExp(`^${DAY} ${MONTH} ([ \\d]\\d) ${TIME} (\\d{4})$`, 'i');

/** RFC 9110 §5.6.7: an HTTP-date in any of its three forms, in ms; undefined for anything else. */
export function parseHttpDate(value: string): number | undefined {
  const text = value.trim();
  let day: string, month: string, year: number, clock: string[];
  let m = IMF_FIXDATE.exec(text);
  if (m) [day, month, year, clock] = [m[1]!, m[2]!, Number(m[3]), m.slice(4, 7)];
  else if ((m = RFC850_DATE.exec(text))) {
    // A two-digit year more than 50 years in the future is in the past century (RFC 9110 §5.6.7).
    const yy = Number(m[3]);
    const now = new Date().getUTCFullYear();
    year = 2000 + yy > now + 50 ? 1900 + yy : 2000 + yy;
    [day, month, clock] = [m[1]!, m[2]!, m.slice(4, 7)];
  } else if ((m = ASCTIME_DATE.exec(text))) [month, day, clock, year] = [m[1]!, m[2]!.trim(), m.slice(3, 6), Number(m[6])];
  else return undefined;
  const [hours, minutes, seconds] = clock.map(Number) as [number, number, number];
  if (hours > 23 || minutes > 59 || seconds > 60) return undefined;
  const time = Date.UTC(year, MONTHS.findIndex((name) => name.toLowerCase() === month.toLowerCase()), Number(day), hours, minutes, seconds);
  return new Date(time).getUTCDate() === Number(day) ? time : undefined;
}
