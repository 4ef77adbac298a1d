// The selection ("Selectie"): who is chosen for the next request, per organisation, kept in
// sessionStorage so that paging, new searches, a reload or a new sign-in lose nothing.
import { el, plural } from "./dom.js";

const STORAGE_PREFIX = "pasjes:selectie:";
// Beyond this many, the panel lists the first ones and says how many more there are: a list of
// thousands of buttons helps nobody and slows every change.
const LISTED = 200;

/** The selection of one organisation: an ordered map qualification number → name. */
export function createSelection(organisation) {
  const key = STORAGE_PREFIX + organisation;
  const holders = new Map(load(key));
  const listeners = new Set();

  function save() {
    try {
      sessionStorage.setItem(key, JSON.stringify([...holders]));
    } catch {
      // A full or blocked storage only costs surviving a reload; the selection itself stays.
    }
    for (const listener of listeners) listener();
  }

  return {
    organisation,
    get size() {
      return holders.size;
    },
    has: (number) => holders.has(number),
    numbers: () => [...holders.keys()],
    entries: () => [...holders].map(([qualificationNumber, name]) => ({ qualificationNumber, name })),
    nameOf: (number) => holders.get(number),
    /** Adds holders ({qualificationNumber, name}); returns how many were new. */
    add(list) {
      let added = 0;
      for (const { qualificationNumber, name } of list) {
        if (!holders.has(qualificationNumber)) added += 1;
        holders.set(qualificationNumber, name);
      }
      if (added) save();
      return added;
    },
    remove(numbers) {
      let removed = 0;
      for (const number of numbers) removed += holders.delete(number) ? 1 : 0;
      if (removed) save();
      return removed;
    },
    clear() {
      holders.clear();
      save();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

function load(key) {
  try {
    const stored = JSON.parse(sessionStorage.getItem(key) ?? "[]");
    return Array.isArray(stored) ? stored.filter((e) => Array.isArray(e) && typeof e[0] === "string") : [];
  } catch {
    return [];
  }
}

/** The panel "Selectie": count, who, removal per holder and "Selectie leegmaken". */
export function mountSelectionPanel(container, { selection, announce }) {
  const count = el("p", { className: "selection__count" });
  const list = el("ul", { className: "selection__list" });
  const more = el("p", { className: "selection__more hint" });
  const clearButton = el("button", { type: "button", className: "button button--secondary" }, "Selectie leegmaken");
  const empty = el(
    "p",
    { className: "hint" },
    "Nog niemand geselecteerd. Voeg kwalificatiehouders toe met 'Voeg toe' of 'Voeg alle toe'.",
  );
  const heading = el("h2", { id: "selection-heading", tabIndex: -1 }, "Selectie");
  const body = el("div", { className: "selection__body" }, count, list, more, clearButton);
  const section = el(
    "section",
    { className: "panel selection", "aria-labelledby": "selection-heading" },
    heading,
    empty,
    body,
  );
  container.append(section);

  clearButton.addEventListener("click", () => {
    const n = selection.size;
    selection.clear();
    announce(`Selectie leeggemaakt: ${plural(n, "kwalificatiehouder", "kwalificatiehouders")} verwijderd.`);
    heading.focus();
  });

  list.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-number]");
    if (!button) return;
    const number = button.dataset.number;
    const name = selection.nameOf(number);
    // Focus goes to the next holder's button, or the previous one, or the heading.
    const item = button.closest("li");
    const neighbour = item.nextElementSibling ?? item.previousElementSibling;
    const neighbourNumber = neighbour?.querySelector("button")?.dataset.number;
    selection.remove([number]);
    announce(`${name} is uit de selectie verwijderd.`);
    const target = neighbourNumber && list.querySelector(`button[data-number="${neighbourNumber}"]`);
    (target || heading).focus();
  });

  function render() {
    const entries = selection.entries();
    empty.hidden = entries.length > 0;
    body.hidden = entries.length === 0;
    count.textContent = `${plural(entries.length, "kwalificatiehouder", "kwalificatiehouders")} geselecteerd`;
    list.replaceChildren(
      ...entries.slice(0, LISTED).map(({ qualificationNumber, name }) =>
        el(
          "li",
          { className: "selection__item" },
          el("span", { className: "selection__name" }, `${name} `, el("span", { className: "hint" }, qualificationNumber)),
          el(
            "button",
            { type: "button", className: "link-button", dataset: { number: qualificationNumber } },
            "Verwijder",
            el("span", { className: "visually-hidden" }, ` ${name} uit de selectie`),
          ),
        ),
      ),
    );
    more.hidden = entries.length <= LISTED;
    more.textContent = `En nog ${plural(entries.length - LISTED, "kwalificatiehouder", "kwalificatiehouders")}.`;
  }

  render();
  const unsubscribe = selection.subscribe(render);
  return {
    heading,
    destroy() {
      unsubscribe();
      section.remove();
    },
  };
}
