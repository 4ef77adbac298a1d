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

// A whole date in any notation someone might type: day, month and a four-digit year with dashes,
// slashes, dots or spaces between them, or the year first.
const DATE_SHAPED = /^(\d{1,2}[-/.\s]+\d{1,2}[-/.\s]+\d{4}|\d{4}[-/.]\d{1,2}[-/.]\d{1,2})$/;

/** "1992-06-18" → the same, when it is an existing day; null otherwise. */
export function existingIso(text) {
  const match = ISO.exec((text ?? "").trim());
  return match && dutchToIso(`${match[3]}-${match[2]}-${match[1]}`);
}

/**
 * Why a finished date cannot be read, or null when it can (or is still being typed): "other" for
 * another notation ("18/06/1992"), "nonexistent" for a day no calendar has ("31-02-2020").
 * `iso` accepts YYYY-MM-DD as well, as the search box does.
 */
export function unreadableDate(text, { iso = false } = {}) {
  const typed = (text ?? "").trim();
  if (!DATE_SHAPED.test(typed) || dutchToIso(typed) || (iso && existingIso(typed))) return null;
  if (DUTCH.test(typed)) return "nonexistent";
  if (ISO.test(typed) && !existingIso(typed)) return "nonexistent";
  return "other";
}
