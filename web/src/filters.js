// The filters of "Download certificaten": their form, their checks, and their place in the URL,
// where filters, sort and page live so that a reload or a bookmark opens the same search.
import { dutchToIso, looksLikeDutchDate } from "./dates.js";
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
  sorteer: "sort",
  volgorde: "order",
  pagina: "page",
};

export function stateFromUrl(search = location.search) {
  const params = new URLSearchParams(search);
  const state = { organisation: "", examType: "", examNumber: "", expiryFrom: "", expiryTo: "", q: "", sort: "name", order: "asc", page: 1 };
  for (const [param, key] of Object.entries(URL_KEYS)) {
    const value = params.get(param);
    if (value !== null) state[key] = value;
  }
  if (!SORT_KEYS.has(state.sort)) state.sort = "name";
  if (state.order !== "desc") state.order = "asc";
  state.page = Math.max(1, Number.parseInt(String(state.page), 10) || 1);
  return state;
}

export function urlOfState(state, { single = false } = {}) {
  const params = new URLSearchParams();
  for (const [param, key] of Object.entries(URL_KEYS)) {
    const value = state[key];
    if (key === "organisation" && single) continue;
    if (key === "sort" && value === "name") continue;
    if (key === "order" && value === "asc") continue;
    if (key === "page" && value === 1) continue;
    if (value !== "" && value !== null && value !== undefined) params.set(param, String(value));
  }
  const text = params.toString();
  return text ? `/?${text}` : "/";
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
    sort: state.sort,
    order: state.order,
  };
}

/** Problems with the filters of `state` as typed: [{key, text}]. */
export function filterProblems(state) {
  const problems = [];
  const number = state.examNumber.trim();
  if (number && !EXAM_NUMBER.test(number)) {
    problems.push({ key: "examNumber", text: "Een examennummer bestaat uit letters, cijfers, - of _ (hoogstens 20 tekens), bijvoorbeeld EX45465." });
  }
  for (const [key, label] of [["expiryFrom", "Vervaldatum vanaf"], ["expiryTo", "Vervaldatum tot en met"]]) {
    if (state[key].trim() && !dutchToIso(state[key])) {
      problems.push({ key, text: `${label} moet een bestaande datum zijn, als dd-mm-jjjj, bijvoorbeeld 01-04-2026.` });
    }
  }
  const from = dutchToIso(state.expiryFrom);
  const to = dutchToIso(state.expiryTo);
  if (from && to && from > to) {
    problems.push({ key: "expiryTo", text: "Vervaldatum tot en met moet op of na Vervaldatum vanaf liggen." });
  }
  const q = state.q.trim();
  if (looksLikeDutchDate(q) && !dutchToIso(q)) {
    problems.push({ key: "q", text: "Zoeken: dit is geen bestaande datum. Typ een geboortedatum als dd-mm-jjjj, bijvoorbeeld 18-06-1992." });
  }
  return problems;
}

/**
 * The filter form, without the organisation menu when there is one organisation; `fields` by
 * state key, each with its control and setError.
 */
export function createFilterForm(organisations, { single }) {
  const orgSelect = el("select", { name: "organisatie", className: "select" }, ...organisations.map((o) => el("option", { value: o.id }, o.name)));
  const examTypeSelect = el("select", { name: "examentype", className: "select" }, el("option", { value: "" }, "Alle examentypes"));
  const examNumberInput = el("input", { type: "text", name: "examennummer", autocomplete: "off", spellcheck: false, className: "input input--short" });
  const fromInput = el("input", { type: "text", name: "vanaf", inputMode: "numeric", autocomplete: "off", className: "input input--date" });
  const toInput = el("input", { type: "text", name: "tot", inputMode: "numeric", autocomplete: "off", className: "input input--date" });
  const qInput = el("input", { type: "search", name: "zoek", autocomplete: "off", spellcheck: false, maxLength: 100, className: "input" });
  const fields = {
    organisation: field("Organisatie", orgSelect),
    examType: field("Examentype", examTypeSelect),
    examNumber: field("Examennummer", examNumberInput, { hint: "Bijvoorbeeld EX45465" }),
    expiryFrom: field("Vervaldatum vanaf", fromInput, { hint: "dd-mm-jjjj" }),
    expiryTo: field("Vervaldatum tot en met", toInput, { hint: "dd-mm-jjjj" }),
    q: field("Zoeken", qInput, { hint: "Kwalificatienummer, naam of geboortedatum (dd-mm-jjjj)", className: "form-group--wide" }),
  };
  const form = el(
    "form",
    { className: "filters", role: "search", "aria-label": "Filters", noValidate: true },
    single ? null : fields.organisation.wrapper,
    fields.examType.wrapper,
    fields.examNumber.wrapper,
    fields.expiryFrom.wrapper,
    fields.expiryTo.wrapper,
    fields.q.wrapper,
    // Enter in a field searches at once; the button is there for those who look for one.
    el("div", { className: "filters__actions" }, el("button", { type: "submit", className: "button button--secondary" }, "Zoek")),
  );

  return { form, fields };
}

/** Shows `state` in the filter form. */
export function fillFilterForm(fields, state) {
  for (const [key, f] of Object.entries(fields)) f.control.value = state[key];
}
