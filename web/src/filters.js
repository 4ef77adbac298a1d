// The filters of "Download certificaten": their form, their checks, and their place in the URL,
// where filters, sort and page live so that a reload or a bookmark opens the same search.
import "./filters.css";
import { dutchToIso, looksLikeDutchDate, unreadableDate } from "./dates.js";
import { el, field } from "./dom.js";
import { COLUMNS } from "./holders-table.js";

const EXAM_NUMBER = /^[A-Za-z0-9_-]{1,20}$/;
const SORT_KEYS = new Set(COLUMNS.map((c) => c.key));

// URL parameter → state key. Dutch in the address bar, as the user reads it.
const URL_KEYS = {
  organisatie: "organisation",
  examentype: "examType",
  examennummer: "examNumber",
  vanaf: "expiryFrom",
  tot: "expiryTo",
  zoek: "q",
  verloopt: "expiring",
  sorteer: "sort",
  volgorde: "order",
  pagina: "page",
};

// "Verloopt binnen": the API's window → the menu's text. Under a window the list is sorted by
// the date that put each holder in it (expiryDate), unless another sort is chosen.
export const EXPIRING_CHOICES = [
  ["1m", "1 maand"],
  ["3m", "3 maanden"],
  ["6m", "6 maanden"],
  ["12m", "12 maanden"],
  ["past12m", "Verlopen in de afgelopen 12 maanden"],
];
// Not in the menu: the monthly overview's mail links to the previous calendar month, the window
// it counted. Its option is hidden, so the menu shows it only while the URL holds it.
const LINKED_CHOICES = [["lastMonth", "Verlopen in de vorige maand"]];

export function defaultSort(state) {
  return state.expiring ? "expiryDate" : "name";
}

export function stateFromUrl(search = location.search) {
  const params = new URLSearchParams(search);
  const state = { organisation: "", examType: "", examNumber: "", expiryFrom: "", expiryTo: "", q: "", expiring: "", sort: "", order: "asc", page: 1 };
  for (const [param, key] of Object.entries(URL_KEYS)) {
    const value = params.get(param);
    if (value !== null) state[key] = value;
  }
  if (![...EXPIRING_CHOICES, ...LINKED_CHOICES].some(([value]) => value === state.expiring)) state.expiring = "";
  if (!SORT_KEYS.has(state.sort)) state.sort = defaultSort(state);
  if (state.order !== "desc") state.order = "asc";
  state.page = Math.max(1, Number.parseInt(String(state.page), 10) || 1);
  return state;
}

export function urlOfState(state, { single = false } = {}) {
  const params = new URLSearchParams();
  for (const [param, key] of Object.entries(URL_KEYS)) {
    const value = state[key];
    if (key === "organisation" && single) continue;
    if (key === "sort" && value === defaultSort(state)) continue;
    if (key === "order" && value === "asc") continue;
    if (key === "page" && value === 1) continue;
    if (value !== "" && value !== null && value !== undefined) params.set(param, String(value));
  }
  const text = params.toString();
  return text ? `/?${text}` : "/";
}

// The organisation chosen last, for the next visit without one in the URL (a new tab, tomorrow's
// sign-in). In localStorage, since it outlives the session; it is only an id, and one that is not
// among the signed-in person's organisations is ignored.
const LAST_ORGANISATION = "pasjes:organisatie";

/** The URL's organisation when it is one of `organisations`, else the one chosen last, else the first. */
export function organisationOf(organisations, fromUrl) {
  const known = (id) => organisations.some((o) => o.id === id);
  if (known(fromUrl)) return fromUrl;
  let last = "";
  try {
    last = localStorage.getItem(LAST_ORGANISATION) ?? "";
  } catch {
    // Blocked storage: no memory, the first organisation.
  }
  return known(last) ? last : organisations[0]?.id ?? "";
}

export function rememberOrganisation(id) {
  try {
    localStorage.setItem(LAST_ORGANISATION, id);
  } catch {
    // Blocked storage costs only the default next time.
  }
}

/** The API parameters of a search (without limit and cursor). */
export function apiParams(state) {
  const q = state.q.trim();
  return {
    organisation: state.organisation,
    examType: state.examType,
    examNumber: state.examNumber.trim(),
    expiryFrom: dutchToIso(state.expiryFrom) ?? "",
    expiryTo: dutchToIso(state.expiryTo) ?? "",
    // A birth date typed dd-mm-jjjj goes out as the API's ISO date.
    q: (looksLikeDutchDate(q) && dutchToIso(q)) || q,
    expiring: state.expiring,
    sort: state.sort,
    order: state.order,
  };
}

/** What is wrong with a whole date the portal cannot read, after the field's label. */
function unreadableText(label, typed, why, example) {
  const what = why === "nonexistent" ? `${typed} is geen bestaande datum` : `het portaal kan ${typed} niet lezen als datum`;
  return `${label}: ${what}. Typ de datum als dd-mm-jjjj, bijvoorbeeld ${example}.`;
}

/**
 * Problems with the filters of `state` as typed: [{key, text, now}]. `now` marks what is wrong
 * however the user goes on (a whole date that cannot be read, a character an exam number never
 * has): the field says so while it is typed. Without `now` the field may still be half typed
 * ("01-04-20"), and says so once the user leaves it.
 */
export function filterProblems(state) {
  const problems = [];
  const number = state.examNumber.trim();
  if (number && !EXAM_NUMBER.test(number)) {
    problems.push({ key: "examNumber", now: true, text: "Een examennummer bestaat uit letters, cijfers, - of _ (hoogstens 20 tekens), bijvoorbeeld EX45465." });
  }
  for (const [key, label] of [["expiryFrom", "Vervaldatum vanaf"], ["expiryTo", "Vervaldatum tot en met"]]) {
    const typed = state[key].trim();
    const why = unreadableDate(typed);
    if (why) problems.push({ key, now: true, text: unreadableText(label, typed, why, "01-04-2026") });
    else if (typed && !dutchToIso(typed)) {
      problems.push({ key, now: false, text: `${label} moet een bestaande datum zijn, als dd-mm-jjjj, bijvoorbeeld 01-04-2026.` });
    }
  }
  const from = dutchToIso(state.expiryFrom);
  const to = dutchToIso(state.expiryTo);
  if (from && to && from > to) {
    problems.push({ key: "expiryTo", now: true, text: "Vervaldatum tot en met moet op of na Vervaldatum vanaf liggen." });
  }
  const q = state.q.trim();
  // The search box reads a birth date as dd-mm-jjjj or YYYY-MM-DD; any other text is a name or number.
  const why = unreadableDate(q, { iso: true });
  if (why) problems.push({ key: "q", now: true, text: unreadableText("Zoeken", q, why, "18-06-1992") });
  return problems;
}

// The filters that fold away under "Meer filters": used less often, and the first results must
// show on a 1024x768 screen. They unfold when they hold a value or a problem.
export const FOLDED_KEYS = ["expiryFrom", "expiryTo"];

/**
 * The filter form, without the organisation menu when there is one organisation; `fields` by
 * state key, each with its control and setError; `more`, the <details> "Meer filters".
 */
export function createFilterForm(organisations, { single }) {
  const orgSelect = el("select", { name: "organisatie", className: "select" }, ...organisations.map((o) => el("option", { value: o.id }, o.name)));
  const examTypeSelect = el("select", { name: "examentype", className: "select" }, el("option", { value: "" }, "Alle examentypes"));
  const examNumberInput = el("input", { type: "text", name: "examennummer", autocomplete: "off", spellcheck: false, className: "input input--short" });
  const fromInput = el("input", { type: "text", name: "vanaf", inputMode: "numeric", autocomplete: "off", className: "input input--date" });
  const toInput = el("input", { type: "text", name: "tot", inputMode: "numeric", autocomplete: "off", className: "input input--date" });
  const expiringSelect = el(
    "select",
    { name: "verloopt", className: "select" },
    el("option", { value: "" }, "Alle"),
    ...EXPIRING_CHOICES.map(([value, text]) => el("option", { value }, text)),
    ...LINKED_CHOICES.map(([value, text]) => el("option", { value, hidden: true }, text)),
  );
  const qInput = el("input", { type: "search", name: "zoek", autocomplete: "off", spellcheck: false, maxLength: 100, className: "input" });
  const fields = {
    organisation: field("Organisatie", orgSelect),
    examType: field("Examentype", examTypeSelect),
    examNumber: field("Examennummer", examNumberInput, { hint: "Bijv. EX45465" }),
    expiring: field("Verloopt binnen", expiringSelect),
    expiryFrom: field("Vervaldatum vanaf", fromInput, { hint: "dd-mm-jjjj" }),
    expiryTo: field("Vervaldatum tot en met", toInput, { hint: "dd-mm-jjjj" }),
    q: field("Zoeken", qInput, { hint: "Nummer, naam of geboortedatum (dd-mm-jjjj)", className: "form-group--wide" }),
  };
  const summary = el("summary", {}, "Meer filters");
  const more = el(
    "details",
    { className: "filters__more" },
    summary,
    el("div", { className: "filters__more-fields" }, ...FOLDED_KEYS.map((key) => fields[key].wrapper)),
  );
  const form = el(
    "form",
    { className: "filters", role: "search", "aria-label": "Filters", noValidate: true },
    el(
      "div",
      { className: "filters__bar" },
      single ? null : fields.organisation.wrapper,
      fields.examType.wrapper,
      fields.examNumber.wrapper,
      fields.expiring.wrapper,
      // Zoeken and its button stay together, however the bar wraps. Enter in any field searches
      // at once; the button is there for those who look for one.
      el(
        "div",
        { className: "filters__search" },
        fields.q.wrapper,
        el("div", { className: "filters__actions" }, el("button", { type: "submit", className: "button button--secondary" }, "Zoek")),
      ),
    ),
    more,
  );

  return { form, fields, more };
}

/**
 * Says in "Meer filters" how many of its filters are set, and unfolds it for a problem in one of
 * them or, with `unfold` (a URL opened, a step back), for a value in one of them.
 */
export function showFoldedFilters(more, state, { problems = [], unfold = false } = {}) {
  const set = FOLDED_KEYS.filter((key) => state[key].trim()).length;
  more.querySelector("summary").textContent = set ? `Meer filters (${set} ingesteld)` : "Meer filters";
  if ((unfold && set) || problems.some((p) => FOLDED_KEYS.includes(p.key))) more.open = true;
}

/** Shows `state` in the filter form. */
export function fillFilterForm(fields, state) {
  for (const [key, f] of Object.entries(fields)) f.control.value = state[key];
}
