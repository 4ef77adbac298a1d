// The results table of "Download certificaten": sortable headers, rows with "Bekijk details" and
// "Voeg toe"/"Verwijder", the details row under a holder, and the pager.
import "./tables.css";
import "./results.css";
import { isoToDutch } from "./dates.js";
import { qualificationsTable, statusBadge } from "./details.js";
import { el, uid } from "./dom.js";

// The sortable columns, in order: `cell(holder)` is what a row shows; `label` heads the column
// and, on a phone where rows become cards, names the value in the card, except for the card's
// `top` (name and number, which need no label). A compound header may break where its label has a
// soft hyphen (SHY), and then shows the hyphen ("Geboorte-" over "datum", one word, not two), so
// that every column fits at 1024 px. Chromium keeps it in the accessible name, where speech skips
// it (a default-ignorable character); Playwright's name matching drops it.
const SHY = "\u00AD";
export const COLUMNS = [
  { key: "qualificationNumber", label: `Kwalificatie${SHY}nr.`, cell: (h) => h.qualificationNumber, top: true },
  { key: "name", label: "Naam", cell: (h) => h.name, top: true },
  { key: "birthDate", label: `Geboorte${SHY}datum`, cell: (h) => isoToDutch(h.birthDate) },
  { key: "expiryDate", label: `Verval${SHY}datum`, cell: expiryCell },
  { key: "status", label: "Status", cell: (h) => statusBadge(h.status) },
  { key: "externalNumber", label: "Extern nummer", cell: (h) => h.externalNumber || "-" },
];

/** Under "Verloopt binnen" (h.expiring), the qualifications that expire in the window and when. */
function expiryCell(h) {
  if (!Array.isArray(h.expiring)) return isoToDutch(h.expiryDate) || "-";
  return el("ul", { className: "expiring" }, ...h.expiring.map((q) => el("li", {}, `${q.name}: `, el("span", { className: "expiring__date" }, isoToDutch(q.expiryDate)))));
}

/** A column's label without its break, for the cards' labels, which have room for it whole. */
export function plainLabel(column) {
  return column.label.replaceAll(SHY, "");
}

/**
 * `onSort(key)`, `onPage(delta)`, `loadDetails(number, signal)` → holder, and the selection.
 * Returns { node, render(answer, {page, pageSize}), clear(reason), setSort(sort, order), refreshSelection() }.
 */
export function createHoldersTable({ selection, onSort, onPage, loadDetails, announce }) {
  let currentSelection = selection;
  const headerCells = new Map();
  const headRow = el("tr", {});
  for (const column of COLUMNS) {
    const arrow = el("span", { className: "sort__arrow", "aria-hidden": "true" });
    const button = el("button", { type: "button", className: "sort__button" }, column.label, arrow);
    button.addEventListener("click", () => onSort(column.key));
    const th = el("th", { scope: "col", className: `col col--${column.key}` }, button);
    headerCells.set(column.key, { th, arrow });
    headRow.append(th);
  }
  headRow.append(el("th", { scope: "col", className: "col col--actions" }, el("span", { className: "visually-hidden" }, "Acties")));
  const tbody = el("tbody", {});
  const caption = el("caption", { className: "visually-hidden" }, "Kwalificatiehouders");
  const table = el("table", { className: "table table--holders table--cards" }, caption, el("thead", {}, headRow), tbody);
  // No scrolling box: the table fits its column at every width (a card per row on a phone), so
  // that a row's buttons are never out of sight.
  const tableBox = el("div", { className: "table-wrapper" }, table);

  const previous = el("button", { type: "button", className: "button button--secondary" }, "Vorige pagina");
  const next = el("button", { type: "button", className: "button button--secondary" }, "Volgende pagina");
  const pageText = el("span", { className: "pager__text" });
  // aria-disabled rather than disabled: the button keeps focus after the last page is reached.
  previous.addEventListener("click", () => previous.getAttribute("aria-disabled") !== "true" && onPage(-1));
  next.addEventListener("click", () => next.getAttribute("aria-disabled") !== "true" && onPage(1));
  const pager = el("nav", { className: "pager", "aria-label": "Paginering" }, previous, pageText, next);

  const NONE_FOUND = "Geen kwalificatiehouders gevonden met deze filters. Pas de filters aan of maak het zoekveld leeg.";
  const empty = el("p", { className: "results__empty", hidden: true }, NONE_FOUND);
  const node = el("div", { className: "results__table" }, tableBox, empty, pager);

  // Details stay open (and loaded) while their holder is on screen.
  const openDetails = new Map(); // number → { row, controller }

  function setSort(sort, order) {
    for (const [key, { th, arrow }] of headerCells) {
      if (key === sort) {
        th.setAttribute("aria-sort", order === "desc" ? "descending" : "ascending");
        arrow.textContent = order === "desc" ? " ▼" : " ▲";
      } else {
        th.removeAttribute("aria-sort");
        arrow.textContent = "";
      }
    }
  }

  function selectButton(holder) {
    const selected = currentSelection.has(holder.qualificationNumber);
    const button = el(
      "button",
      {
        type: "button",
        className: selected ? "button button--small button--secondary" : "button button--small",
        dataset: { action: "select", number: holder.qualificationNumber },
      },
      selected ? "Verwijder" : "Voeg toe",
      el("span", { className: "visually-hidden" }, selected ? ` ${holder.name} uit de selectie` : ` ${holder.name}`),
    );
    return button;
  }

  function rowOf(holder) {
    const detailsButton = el(
      "button",
      {
        type: "button",
        className: "button button--small button--secondary",
        "aria-expanded": "false",
        dataset: { action: "details", number: holder.qualificationNumber },
      },
      "Bekijk details",
      el("span", { className: "visually-hidden" }, ` van ${holder.name}`),
    );
    const row = el(
      "tr",
      { dataset: { number: holder.qualificationNumber } },
      ...COLUMNS.map((column) =>
        el("td", { className: `col--${column.key}`, "data-label": column.top ? null : plainLabel(column) }, column.cell(holder)),
      ),
      el("td", { className: "col--actions" }, el("div", { className: "actions" }, detailsButton, selectButton(holder))),
    );
    row.holder = holder;
    return row;
  }

  async function openRowDetails(row, button) {
    const holder = row.holder;
    const id = uid("details");
    const cell = el("td", { colSpan: COLUMNS.length + 1 }, el("p", { className: "hint" }, "Bezig met laden…"));
    const detailsRow = el("tr", { className: "details-row", id }, cell);
    row.after(detailsRow);
    button.setAttribute("aria-expanded", "true");
    button.setAttribute("aria-controls", id);
    const controller = new AbortController();
    openDetails.set(holder.qualificationNumber, { row: detailsRow, controller });
    try {
      const details = await loadDetails(holder.qualificationNumber, controller.signal);
      if (controller.signal.aborted) return;
      cell.replaceChildren(el("div", { className: "details" }, qualificationsTable(details)));
    } catch (error) {
      if (error?.name === "AbortError" || controller.signal.aborted) return;
      cell.replaceChildren(el("p", { className: "message message--error", role: "alert" }, error.message));
    }
  }

  function closeRowDetails(number, button) {
    const open = openDetails.get(number);
    if (!open) return;
    open.controller.abort();
    open.row.remove();
    openDetails.delete(number);
    button?.setAttribute("aria-expanded", "false");
    button?.removeAttribute("aria-controls");
  }

  tbody.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-action]");
    if (!button) return;
    const row = button.closest("tr");
    const { number } = button.dataset;
    if (button.dataset.action === "details") {
      if (openDetails.has(number)) closeRowDetails(number, button);
      else openRowDetails(row, button);
      return;
    }
    const holder = row.holder;
    if (currentSelection.has(number)) {
      currentSelection.remove([number]);
      announce(`${holder.name} is uit de selectie verwijderd (${currentSelection.size} geselecteerd).`);
    } else {
      currentSelection.add([holder]);
      announce(`${holder.name} is toegevoegd aan de selectie (${currentSelection.size} geselecteerd).`);
    }
    // The selection listener rebuilt this button; focus goes to its successor.
    row.querySelector('button[data-action="select"]')?.focus();
  });

  function render(answer, { page, pageSize }) {
    for (const [number] of openDetails) closeRowDetails(number, null);
    tbody.replaceChildren(...answer.items.map(rowOf));
    empty.textContent = NONE_FOUND;
    empty.hidden = answer.items.length > 0;
    tableBox.hidden = answer.items.length === 0;
    const pages = Math.max(1, Math.ceil(answer.total / pageSize));
    pageText.textContent = `Pagina ${page} van ${pages}`;
    previous.setAttribute("aria-disabled", String(page <= 1));
    next.setAttribute("aria-disabled", String(!answer.nextCursor));
    pager.hidden = pages <= 1 && page <= 1;
  }

  /** No rows, and why: results of a search the portal could not read would mislead. */
  function clear(reason) {
    for (const [number] of openDetails) closeRowDetails(number, null);
    tbody.replaceChildren();
    tableBox.hidden = true;
    pager.hidden = true;
    empty.textContent = reason;
    empty.hidden = false;
  }

  function refreshSelection() {
    for (const row of tbody.querySelectorAll("tr[data-number]")) {
      const old = row.querySelector('button[data-action="select"]');
      const selected = currentSelection.has(row.holder.qualificationNumber);
      if (old && (old.textContent.startsWith("Verwijder") !== selected)) {
        const hadFocus = document.activeElement === old;
        const replacement = selectButton(row.holder);
        old.replaceWith(replacement);
        if (hadFocus) replacement.focus();
      }
    }
  }

  return {
    node,
    render,
    clear,
    setSort,
    refreshSelection,
    useSelection(next) {
      currentSelection = next;
      refreshSelection();
    },
    setBusy(busy) {
      table.setAttribute("aria-busy", String(busy));
    },
  };
}
