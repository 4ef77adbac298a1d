// Dates are ISO 8601 (YYYY-MM-DD) in the API and dd-mm-jjjj on screen.

const DUTCH = /^(\d{1,2})-(\d{1,2})-(\d{4})$/;
const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

/** "2021-04-01" → "01-04-2021"; anything else (null, "") → "". */
export function isoToDutch(iso) {
  const match = ISO.exec(iso ?? "");
  return match ? `${match[3]}-${match[2]}-${match[1]}` : "";
}

/** "1-4-2021" or "01-04-2021" → "2021-04-01"; null when it is no existing date. */
export function dutchToIso(text) {
  const match = DUTCH.exec((text ?? "").trim());
  if (!match) return null;
  const [day, month, year] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) {
    return null;
  }
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** A moment (ISO date-time with zone) as the user's own calendar day, dd-mm-jjjj. */
export function dateTimeToDutch(dateTime) {
  const moment = new Date(dateTime);
  if (Number.isNaN(moment.getTime())) return "";
  const pad = (n) => String(n).padStart(2, "0");
  return `${pad(moment.getDate())}-${pad(moment.getMonth() + 1)}-${moment.getFullYear()}`;
}

/** The same moment with the time of day, "dd-mm-jjjj uu:mm". */
export function dateTimeToDutchWithTime(dateTime) {
  const moment = new Date(dateTime);
  if (Number.isNaN(moment.getTime())) return "";
  const pad = (n) => String(n).padStart(2, "0");
  return `${dateTimeToDutch(dateTime)} ${pad(moment.getHours())}:${pad(moment.getMinutes())}`;
}

/** Whether text looks like a date the user meant to type (so that an invalid one is an error). */
export function looksLikeDutchDate(text) {
  return DUTCH.test((text ?? "").trim());
}
