// "Ingestuurde verzoeken": the contact person's requests of the last 7 days, with a live status,
// and "Download pdf's", which asks for a fresh download link at the moment of the click.
import "./tables.css";
import "./results.css";
import { dateTimeToDutch, dateTimeToDutchWithTime } from "./dates.js";
import { el, liveRegion, plural } from "./dom.js";

const POLL_MS = 1000;

// Why a request failed, by its stable errorCode, in Dutch; an unknown code gets a plain Dutch lead.
const FAILURE_REASONS = {
  expired_before_rendered: "het verzoek verliep voordat de pasjes gemaakt waren. Dien een nieuw verzoek in.",
  queue_unavailable: "het verzoek kon niet in behandeling worden genomen. Dien het opnieuw in.",
  render_failed:
    "de pasjes konden niet worden gemaakt. Dien het verzoek opnieuw in; mislukt het weer, neem dan contact met ons op.",
};

/** "2× (laatst 30-11-2026 14:02)", or "-" for a request nobody downloaded yet. */
export function downloadedText(request) {
  const count = request.downloadCount ?? 0;
  if (!count || !request.lastDownloadedAt) return "-";
  return `${count}× (laatst ${dateTimeToDutchWithTime(request.lastDownloadedAt)})`;
}

export function statusText(request) {
  switch (request.status) {
    case "pending":
      return "In behandeling";
    case "rendering":
      return `Bezig met ${request.renderedCount ?? 0} van ${request.passCount}`;
    case "ready":
      return "Klaar";
    case "failed":
      return `Mislukt: ${FAILURE_REASONS[request.errorCode] ?? "de pasjes konden niet worden gemaakt. Dien het verzoek opnieuw in."}`;
    default:
      return request.status;
  }
}

/** "30-11-2026 14:02" (local time), the day and the time each kept whole when the cell wraps. */
function dutchDayAndTime(dateTime) {
  const [day, time] = dateTimeToDutchWithTime(dateTime).split(" ");
  return day ? [el("span", { className: "nowrap" }, day), " ", el("span", { className: "nowrap" }, time)] : [];
}

function referenceOf(request) {
  return request.reference || "Zonder kenmerk";
}

export function mountRequests(container, { api, me, submitted = null }) {
  const several = me.organisations.length > 1;
  const heading = el("h1", { tabIndex: -1 }, "Ingestuurde verzoeken");
  const intro = el("p", {}, "Je verzoeken van de afgelopen 7 dagen, het nieuwste eerst. Alleen jij ziet ze. Een verzoek blijft 7 dagen beschikbaar; daarna kun je altijd een nieuw verzoek indienen.");
  const flash = el("div", { className: "message message--success", role: "status", hidden: !submitted });
  if (submitted) {
    const count = submitted.requests.length;
    flash.textContent = count > 1
      ? `${count} verzoeken ingediend met samen ${plural(submitted.passCount, "pasje", "pasjes")}. Zodra een verzoek klaar is, download je de pasjes met "Download pdf's".`
      : `Je verzoek is ingediend (${plural(submitted.passCount, "pasje", "pasjes")}). Zodra het klaar is, download je de pasjes met "Download pdf's".`;
  }
  const live = liveRegion();
  const loadError = el("p", { className: "message message--error", role: "alert", hidden: true });
  const emptyText = el("p", { hidden: true }, "Je hebt de afgelopen 7 dagen geen verzoeken ingediend.");
  const tbody = el("tbody", {});
  // The organisation goes under the reference rather than in a column of its own: with every
  // column, the table would not fit 1024 px and "Download pdf's" would slide out of sight.
  const headers = [
    ["Persoonlijk kenmerk", several ? el("span", { className: "table__subhead" }, " en organisatie") : null],
    // A soft hyphen: broken, the compound shows its hyphen ("Kwalificatie-" over "houders").
    ["Kwalificatie\u00ADhouders"],
    ["Pasjes"],
    ["Ingediend"],
    ["Beschikbaar tot"],
    ["Status"],
    ["Gedownload"],
  ].map((label) => el("th", { scope: "col" }, ...label));
  const table = el(
    "table",
    { className: "table table--requests table--cards" },
    el("caption", { className: "visually-hidden" }, "Ingestuurde verzoeken"),
    el("thead", {}, el("tr", {}, ...headers, el("th", { scope: "col" }, el("span", { className: "visually-hidden" }, "Download")))),
    tbody,
  );
  // No scrolling box: the table fits at every width (a card per request on a phone).
  const tableBox = el("div", { className: "table-wrapper", hidden: true }, table);
  const view = el("div", { className: "view view--requests" }, heading, flash, intro, loadError, emptyText, tableBox, live.node);
  container.append(view);

  const rows = new Map(); // id → { row, statusCell, downloadedCell, actionCell, status }
  let timer = null;
  let controller = null;
  let destroyed = false;

  function actionFor(request) {
    if (request.status !== "ready") return [];
    const button = el(
      "button",
      { type: "button", className: "button button--small", dataset: { id: request.id } },
      "Download pdf's",
      el("span", { className: "visually-hidden" }, ` van ${referenceOf(request)}`),
    );
    const message = el("p", { className: "field-error", role: "alert", hidden: true });
    return [button, message];
  }

  function rowFor(request) {
    // data-label names each value where a phone shows the row as a card (tables.css).
    const statusCell = el("td", { "data-label": "Status" }, el("span", { className: `status status--${request.status}` }, statusText(request)));
    const downloadedCell = el("td", { "data-label": "Gedownload" }, downloadedText(request));
    const actionCell = el("td", { className: "col--actions" }, ...actionFor(request));
    const cells = [
      el(
        "td",
        { className: "col--reference" },
        el("span", { className: "request__reference" }, referenceOf(request)),
        several ? el("span", { className: "request__organisation" }, request.organisation?.name ?? "") : null,
      ),
      el("td", { "data-label": "Kwalificatie\u00ADhouders" }, request.holderCount.toLocaleString("nl-NL")),
      el("td", { "data-label": "Pasjes" }, request.passCount.toLocaleString("nl-NL")),
      el("td", { "data-label": "Ingediend" }, el("time", { dateTime: request.createdAt }, dutchDayAndTime(request.createdAt))),
      el("td", { "data-label": "Beschikbaar tot" }, el("time", { dateTime: request.expiresAt }, dateTimeToDutch(request.expiresAt))),
      statusCell,
      downloadedCell,
      actionCell,
    ];
    return { row: el("tr", { dataset: { id: request.id } }, ...cells), statusCell, downloadedCell, actionCell, status: request.status };
  }

  function render(items) {
    emptyText.hidden = items.length > 0;
    tableBox.hidden = items.length === 0;
    const seen = new Set();
    let previous = null;
    for (const request of items) {
      seen.add(request.id);
      let entry = rows.get(request.id);
      if (!entry) {
        entry = rowFor(request);
        rows.set(request.id, entry);
      } else {
        // Update in place, so that focus on a button in the table stays where it is.
        entry.statusCell.firstChild.className = `status status--${request.status}`;
        entry.statusCell.firstChild.textContent = statusText(request);
        entry.downloadedCell.textContent = downloadedText(request);
        if (entry.status !== request.status) {
          if (request.status === "ready") live.say(`Verzoek ${referenceOf(request)} is klaar: je kunt de pasjes downloaden.`);
          if (request.status === "failed") live.say(`Verzoek ${referenceOf(request)} is mislukt.`);
          entry.actionCell.replaceChildren(...actionFor(request));
          entry.status = request.status;
        }
      }
      if (previous) previous.after(entry.row);
      else tbody.prepend(entry.row);
      previous = entry.row;
    }
    for (const [id, entry] of rows) {
      if (!seen.has(id)) {
        entry.row.remove();
        rows.delete(id);
      }
    }
  }

  async function load() {
    controller = new AbortController();
    try {
      const answer = await api.requests({ signal: controller.signal });
      if (destroyed) return;
      loadError.hidden = true;
      render(answer.items);
      if (answer.items.some((r) => r.status === "pending" || r.status === "rendering")) {
        timer = setTimeout(load, POLL_MS);
      }
    } catch (error) {
      if (error?.name === "AbortError" || destroyed) return;
      loadError.textContent = `De verzoeken konden niet worden geladen. ${error.message}`;
      loadError.hidden = false;
      // A lost connection heals by itself; a session that ended waits for the new sign-in.
      if (error.code !== "unauthenticated") timer = setTimeout(load, POLL_MS * 5);
    }
  }

  tbody.addEventListener("click", async (event) => {
    const button = event.target.closest("button[data-id]");
    if (!button || button.getAttribute("aria-busy") === "true") return;
    const message = button.nextElementSibling;
    message.hidden = true;
    button.setAttribute("aria-busy", "true");
    try {
      const download = await api.download(button.dataset.id);
      // The ZIP comes as an attachment: following the link downloads it and leaves the page be.
      const link = el("a", { href: download.url, download: download.fileName, className: "visually-hidden" }, "download");
      document.body.append(link);
      link.click();
      link.remove();
      live.say(`De download van ${download.fileName} is gestart.`);
      // The link was counted: show the new count and time in "Gedownload".
      clearTimeout(timer);
      load();
    } catch (error) {
      message.textContent = error.message;
      message.hidden = false;
    } finally {
      button.removeAttribute("aria-busy");
    }
  });

  load();

  return {
    heading,
    update() {},
    destroy() {
      destroyed = true;
      clearTimeout(timer);
      controller?.abort();
      view.remove();
    },
  };
}
