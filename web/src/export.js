// "Exporteer" on "Download certificaten": the whole filtered and sorted list (every page) as a
// file, CSV (for Dutch Excel: UTF-8 with BOM, ";") or Excel (xlsx), one line per qualification.
import "./recertification.css";
import { el } from "./dom.js";

/** `params()`: the list's current API parameters (filters and sort, without paging). */
export function createExport({ api, params }) {
  const label = el("span", { className: "export__label", id: "export-label" }, "Exporteer");
  const csvButton = el("button", { type: "button", className: "button button--small button--secondary" }, "CSV");
  const xlsxButton = el("button", { type: "button", className: "button button--small button--secondary" }, "Excel (xlsx)");
  const status = el("p", { className: "hint export__status", role: "status", "aria-live": "polite" });
  const node = el(
    "div",
    { className: "export" },
    el("div", { className: "export__controls", role: "group", "aria-labelledby": "export-label" }, label, csvButton, xlsxButton),
    status,
  );
  let busy = false;

  async function download(format, button) {
    if (busy) return;
    busy = true;
    button.setAttribute("aria-disabled", "true");
    status.textContent = "Bezig met exporteren…";
    try {
      const { blob, fileName } = await api.exportHolders(params(), format);
      const url = URL.createObjectURL(blob);
      const link = el("a", { href: url, download: fileName, hidden: true });
      document.body.append(link);
      link.click();
      link.remove();
      // The browser has the file once the click is handled; the URL may go a moment later.
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      status.textContent = `Geëxporteerd: ${fileName}`;
    } catch (error) {
      status.textContent = `Niet geëxporteerd: ${error.message}`;
    } finally {
      busy = false;
      button.removeAttribute("aria-disabled");
    }
  }
  csvButton.addEventListener("click", () => download("csv", csvButton));
  xlsxButton.addEventListener("click", () => download("xlsx", xlsxButton));

  return {
    node,
    /** Shown only when there is something to export. */
    setAvailable(available) {
      node.hidden = !available;
    },
  };
}
