// "Download certificaten": the filters (filters.js), the results, the selection and the request's
// options. Filters, sort and page live in the URL; the selection in sessionStorage (selection.js).
import { el, errorSummary, liveRegion, plural, throttle } from "./dom.js";
import {
  apiParams,
  createFilterForm,
  defaultSort,
  fillFilterForm,
  filterProblems,
  organisationOf,
  rememberOrganisation,
  showFoldedFilters,
  stateFromUrl,
  urlOfState,
} from "./filters.js";
import { createExport } from "./export.js";
import { createHoldersTable } from "./holders-table.js";
import { mountOptions } from "./options.js";
import { createSelection, mountSelectionPanel } from "./selection.js";

export const PAGE_SIZE = 25;
const MAX_LIMIT = 500; // the API's largest page
const TYPING_WAIT_MS = 200;
export function mountSearch(container, { api, me, navigate, rememberSearchUrl }) {
  const organisations = me.organisations;
  const single = organisations.length === 1;
  const state = stateFromUrl();
  state.organisation = organisationOf(organisations, state.organisation);

  const live = liveRegion();
  const summary = errorSummary();
  const errorSources = new Map();
  function setErrors(source, errors, options = {}) {
    errorSources.set(source, errors);
    summary.show([...errorSources.values()].flat(), options);
  }

  // --- Filters ----------------------------------------------------------------------------------
  const { form, fields, more } = createFilterForm(organisations, { single });
  const orgSelect = fields.organisation.control;
  const examTypeSelect = fields.examType.control;

  function showFilterProblems(problems, options = {}) {
    for (const [key, f] of Object.entries(fields)) f.setError(problems.find((p) => p.key === key)?.text ?? "");
    showFoldedFilters(more, state, { problems });
    setErrors("filters", problems.map((p) => ({ text: p.text, target: fields[p.key].control })), options);
  }

  /** Results of filters the portal cannot read would mislead: none, and the reason instead. */
  function withdrawResults(problems) {
    controller?.abort();
    sequence += 1;
    table.setBusy(false);
    total.textContent = "";
    addAllButton.hidden = true;
    exporter.setAvailable(false);
    searchError.hidden = true;
    table.clear(`Nog geen resultaten. ${problems[0].text}`);
  }

  // --- Results ----------------------------------------------------------------------------------
  let selection = createSelection(state.organisation);
  const total = el("p", { className: "results__total", role: "status", "aria-live": "polite" });
  const searchError = el("p", { className: "message message--error", role: "alert", hidden: true });
  const addAllButton = el("button", { type: "button", className: "button" }, "Voeg alle toe");
  const addAllStatus = el("p", { className: "hint results__status", role: "status", "aria-live": "polite" });
  const exporter = createExport({ api, params: () => apiParams(state) });
  const table = createHoldersTable({
    selection,
    onSort: (key) => {
      if (state.sort === key) state.order = state.order === "asc" ? "desc" : "asc";
      else Object.assign(state, { sort: key, order: "asc" });
      state.page = 1;
      table.setSort(state.sort, state.order);
      search({ push: true });
    },
    onPage: (delta) => {
      state.page = Math.max(1, state.page + delta);
      search({ push: true, focusResults: true });
    },
    loadDetails: (number, signal) => api.holder(state.organisation, number, { signal }),
    announce: live.say,
  });
  const resultsHeading = el("h2", { id: "results-heading", tabIndex: -1 }, "Kwalificatiehouders");
  const results = el(
    "section",
    { className: "results", "aria-labelledby": "results-heading" },
    el(
      "div",
      { className: "results__bar" },
      el("div", { className: "results__title" }, resultsHeading, total),
      el(
        "div",
        { className: "results__actions" },
        el("div", { className: "results__add-all" }, addAllButton),
        exporter.node,
      ),
    ),
    // Under the bar, so that a long sentence does not push the buttons onto a second line.
    addAllStatus,
    searchError,
    table.node,
  );

  // Cursors per search (filters + sort): cursors[p] opens page p. A cursor does not depend on the
  // page size, so a page reached by a bookmark is found with a few big pages.
  const cursorCache = new Map();
  function cursorsOf(params) {
    const key = JSON.stringify(params);
    if (!cursorCache.has(key)) cursorCache.set(key, [undefined, null]);
    return cursorCache.get(key);
  }

  async function cursorFor(params, page, signal) {
    const cursors = cursorsOf(params);
    if (cursors[page] !== undefined) return cursors[page];
    let known = page - 1;
    while (cursors[known] === undefined) known -= 1;
    let cursor = cursors[known];
    let rows = (page - known) * PAGE_SIZE;
    while (rows > 0) {
      const limit = Math.min(MAX_LIMIT, rows);
      const answer = await api.holders({ ...params, limit, cursor }, { signal });
      if (!answer.nextCursor) return false; // the list is shorter than that now
      cursor = answer.nextCursor;
      rows -= limit;
    }
    cursors[page] = cursor;
    return cursor;
  }

  let sequence = 0;
  let controller = null;

  function writeUrl(push) {
    const url = urlOfState(state, { single });
    rememberSearchUrl(url);
    if (url === location.pathname + location.search) return;
    if (push) history.pushState(null, "", url);
    else history.replaceState(null, "", url);
  }

  async function search({ push = false, focusResults = false } = {}) {
    const problems = filterProblems(state);
    if (problems.length) {
      showFilterProblems(problems);
      withdrawResults(problems);
      return;
    }
    showFilterProblems([]);
    writeUrl(push);
    controller?.abort();
    controller = new AbortController();
    const { signal } = controller;
    const mine = ++sequence;
    const params = apiParams(state);
    table.setBusy(true);
    try {
      let cursor = await cursorFor(params, state.page, signal);
      if (cursor === false) {
        state.page = 1;
        writeUrl(false);
        cursor = null;
      }
      const answer = await api.holders({ ...params, limit: PAGE_SIZE, cursor }, { signal });
      if (mine !== sequence) return; // a newer search is under way: its answer counts
      cursorsOf(params)[state.page + 1] = answer.nextCursor ?? undefined;
      searchError.hidden = true;
      setErrors("search", []);
      total.textContent = `${plural(answer.total, "kwalificatiehouder", "kwalificatiehouders")}`;
      addAllButton.hidden = answer.total === 0;
      exporter.setAvailable(answer.total > 0);
      table.render(answer, { page: state.page, pageSize: PAGE_SIZE });
      if (focusResults) resultsHeading.focus();
    } catch (error) {
      if (error?.name === "AbortError" || mine !== sequence) return;
      if (error.code === "invalid_cursor") {
        cursorCache.clear();
        state.page = 1;
        search();
        return;
      }
      const key = error.field && fields[error.field] ? error.field : null;
      if (key) {
        fields[key].setError(error.message);
        showFoldedFilters(more, state, { problems: [{ key }] });
        setErrors("search", [{ text: error.message, target: fields[key].control }]);
      } else {
        searchError.textContent = error.message;
        searchError.hidden = false;
      }
    } finally {
      if (mine === sequence) table.setBusy(false);
    }
  }

  const searchSoon = throttle(() => search(), TYPING_WAIT_MS);

  function onFilterInput(key, input) {
    state[key] = input.value;
    state.page = 1;
    const problems = filterProblems(state);
    const mine = problems.find((p) => p.key === key);
    // A field says at once what can never be read (a whole date in another notation, a day that
    // does not exist); what may still be half typed, it says when the user leaves it. Right
    // again, it clears at once.
    if (mine?.now) fields[key].setError(mine.text);
    else if (!mine) fields[key].setError("");
    showFoldedFilters(more, state);
    const now = problems.filter((p) => p.now);
    if (now.length) {
      searchSoon.cancel();
      withdrawResults(now);
    } else if (!problems.length) {
      setErrors("filters", []);
      searchSoon();
    }
  }
  for (const key of ["examNumber", "expiryFrom", "expiryTo", "q"]) {
    const input = fields[key].control;
    input.addEventListener("input", () => onFilterInput(key, input));
    input.addEventListener("change", () => {
      const problems = filterProblems(state);
      if (problems.length) showFilterProblems(problems);
    });
  }
  examTypeSelect.addEventListener("change", () => {
    state.examType = examTypeSelect.value;
    state.page = 1;
    search();
  });
  fields.expiring.control.addEventListener("change", () => {
    // A sort left at its default follows the window's default (by the date in the window).
    const sortWasDefault = state.sort === defaultSort(state) && state.order === "asc";
    state.expiring = fields.expiring.control.value;
    if (sortWasDefault) state.sort = defaultSort(state);
    state.page = 1;
    table.setSort(state.sort, state.order);
    search();
  });
  orgSelect.addEventListener("change", () => {
    state.organisation = orgSelect.value;
    rememberOrganisation(state.organisation);
    state.page = 1;
    switchOrganisation();
    search();
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    searchSoon.cancel();
    const problems = filterProblems(state);
    if (problems.length) {
      showFilterProblems(problems, { focus: true });
      return;
    }
    search({ focusResults: true });
  });

  // --- Voeg alle toe ----------------------------------------------------------------------------
  let addingAll = false;
  addAllButton.addEventListener("click", async () => {
    if (addingAll) return;
    addingAll = true;
    addAllButton.setAttribute("aria-disabled", "true");
    const params = apiParams(state);
    const target = selection;
    let cursor = null;
    let found = [];
    try {
      do {
        const answer = await api.holders({ ...params, limit: MAX_LIMIT, cursor });
        found = found.concat(answer.items);
        cursor = answer.nextCursor;
        if (answer.total > MAX_LIMIT) addAllStatus.textContent = `Bezig met toevoegen: ${found.length.toLocaleString("nl-NL")} van ${answer.total.toLocaleString("nl-NL")}…`;
      } while (cursor);
      // All at once, after the last page: an error halfway adds nothing rather than a part.
      const added = target.add(found.map(({ qualificationNumber, name }) => ({ qualificationNumber, name })));
      addAllStatus.textContent = `${plural(added, "kwalificatiehouder", "kwalificatiehouders")} toegevoegd; ${plural(target.size, "kwalificatiehouder", "kwalificatiehouders")} geselecteerd.`;
    } catch (error) {
      addAllStatus.textContent = `Niet toegevoegd: ${error.message}`;
    } finally {
      addingAll = false;
      addAllButton.removeAttribute("aria-disabled");
    }
  });

  // --- Selection and options --------------------------------------------------------------------
  const selectionSlot = el("div", { className: "selection-slot" });
  const optionsSlot = el("div", { className: "options-slot" });
  let panel = null;
  let options = null;
  let unsubscribe = null;

  function switchOrganisation() {
    panel?.destroy();
    options?.destroy();
    unsubscribe?.();
    selection = createSelection(state.organisation);
    table.useSelection(selection);
    unsubscribe = selection.subscribe(() => table.refreshSelection());
    panel = mountSelectionPanel(selectionSlot, { selection, announce: live.say });
    options = mountOptions(optionsSlot, {
      api,
      selection,
      organisation: state.organisation,
      setErrors: (errors, opts) => setErrors("options", errors, opts),
      onSubmitted: (submitted) => navigate("/verzoeken", { submitted }),
    });
    loadExamTypes();
  }

  let examTypesController = null;
  async function loadExamTypes() {
    examTypesController?.abort();
    examTypesController = new AbortController();
    try {
      const answer = await api.examTypes(state.organisation, { signal: examTypesController.signal });
      examTypeSelect.replaceChildren(
        el("option", { value: "" }, "Alle examentypes"),
        ...answer.items.map((t) => el("option", { value: t.code }, t.name)),
      );
      fields.examType.setError("");
      if (state.examType && !answer.items.some((t) => t.code === state.examType)) {
        // Another organisation's exam type (or an old bookmark's): search without it.
        state.examType = "";
        examTypeSelect.value = "";
        search();
      } else {
        examTypeSelect.value = state.examType;
      }
    } catch (error) {
      if (error?.name === "AbortError") return;
      fields.examType.setError(`De examentypes konden niet worden geladen. ${error.message}`);
    }
  }

  const heading = el("h1", { tabIndex: -1 }, "Download certificaten");
  const view = el(
    "div",
    { className: "view view--search" },
    heading,
    summary.node,
    form,
    results,
    el("div", { className: "request-panels" }, selectionSlot, optionsSlot),
    live.node,
  );
  container.append(view);

  // The examType option from the URL exists once the menu is loaded.
  examTypeSelect.append(...(state.examType ? [el("option", { value: state.examType }, state.examType)] : []));
  fillFilterForm(fields, state);
  showFoldedFilters(more, state, { unfold: true });
  table.setSort(state.sort, state.order);
  switchOrganisation();
  search();

  return {
    heading,
    /** Back/forward within this screen: take the URL's state and search again. */
    update() {
      const next = stateFromUrl();
      next.organisation = organisationOf(organisations, next.organisation);
      const organisationChanged = next.organisation !== state.organisation;
      Object.assign(state, next);
      fillFilterForm(fields, state);
      showFoldedFilters(more, state, { unfold: true });
      table.setSort(state.sort, state.order);
      if (organisationChanged) switchOrganisation();
      search();
    },
    destroy() {
      controller?.abort();
      searchSoon.cancel();
      examTypesController?.abort();
      panel?.destroy();
      options?.destroy();
      unsubscribe?.();
      view.remove();
    },
  };
}
