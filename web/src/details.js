// "Bekijk details": a holder's qualifications, shown in a row under the holder's row.
import "./tables.css";
import { isoToDutch } from "./dates.js";
import { el } from "./dom.js";

// A holder's or a qualification's status as the API names it; the word carries the meaning, the
// colour only repeats it.
const STATUS_TONES = { Geldig: "valid", Verlopen: "expired", Ingetrokken: "withdrawn" };

/** The status as text, coloured by its tone; `withdrawnOn` (ISO) adds the day it was withdrawn. */
export function statusBadge(status, withdrawnOn) {
  if (!status) return "-";
  const tone = STATUS_TONES[status] ?? "expired";
  const text = status === "Ingetrokken" && withdrawnOn ? `${status} op ${isoToDutch(withdrawnOn)}` : status;
  return el("span", { className: `status status--${tone}` }, text);
}

/** The qualifications table of one holder (GET /holders/{n}); a diploma lists its modules. */
export function qualificationsTable(holder) {
  const names = new Map(holder.qualifications.map((q) => [q.code, q.name]));
  const rows = holder.qualifications.map((q) => {
    const modules = (q.modules ?? []).map((code) => names.get(code) ?? code);
    // data-label names each value where a phone shows the row as a card (tables.css).
    return el(
      "tr",
      {},
      el(
        "td",
        { className: "col--qualification" },
        q.name,
        modules.length
          ? el("span", { className: "details__modules" }, `Met ${modules.length === 1 ? "module" : "modules"}: ${modules.join(", ")}`)
          : null,
      ),
      el("td", { "data-label": "Type" }, q.type),
      el("td", { "data-label": "Examdatum" }, isoToDutch(q.examDate)),
      el("td", { "data-label": "Vervaldatum" }, isoToDutch(q.expiryDate) || "-"),
      el("td", { "data-label": "Status" }, statusBadge(q.status ?? (q.withdrawnOn ? "Ingetrokken" : ""), q.withdrawnOn)),
    );
  });
  return el(
    "table",
    { className: "table table--details table--cards" },
    el("caption", { className: "details__caption" }, `Kwalificaties van ${holder.name}`),
    el(
      "thead",
      {},
      el(
        "tr",
        {},
        ...["Kwalificatie", "Type", "Examdatum", "Vervaldatum", "Status"].map((h) => el("th", { scope: "col" }, h)),
      ),
    ),
    el("tbody", {}, ...rows),
  );
}
