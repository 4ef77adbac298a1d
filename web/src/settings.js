// "Instellingen" (/instellingen, from the header): the contact person's own settings, kept on
// the server. For now one: "Maandelijks overzicht per e-mail", which every overview mail links to.
import "./recertification.css";
import { el, uid } from "./dom.js";

export function mountSettings(container, { api }) {
  const heading = el("h1", { tabIndex: -1 }, "Instellingen");
  const checkbox = el("input", { type: "checkbox", id: uid("monthly-overview"), name: "maandelijks-overzicht", disabled: true });
  const hintId = uid("monthly-overview-hint");
  checkbox.setAttribute("aria-describedby", hintId);
  const save = el("button", { type: "submit", className: "button" }, "Opslaan");
  const status = el("p", { className: "hint settings__status", role: "status", "aria-live": "polite" }, "Bezig met laden…");
  const form = el(
    "form",
    { className: "settings", noValidate: true },
    el(
      "div",
      { className: "checkbox" },
      checkbox,
      el("label", { for: checkbox.id }, "Maandelijks overzicht per e-mail"),
    ),
    el(
      "p",
      { className: "hint", id: hintId },
      "Op de eerste werkdag van de maand: per organisatie hoeveel kwalificatiehouders een kwalificatie hebben die binnen 3 maanden verloopt, en hoeveel er vorige maand verlopen zijn. Alleen aantallen, geen namen; geen e-mail als er niets te melden is.",
    ),
    save,
    status,
  );
  const view = el("div", { className: "view view--settings" }, heading, form);
  container.append(view);

  let saving = false;
  const controller = new AbortController();

  async function load() {
    try {
      const answer = await api.settings({ signal: controller.signal });
      checkbox.checked = answer.monthlyOverview;
      checkbox.disabled = false;
      status.textContent = "";
    } catch (error) {
      if (error?.name === "AbortError") return;
      status.textContent = `De instellingen konden niet worden geladen. ${error.message}`;
    }
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (saving || checkbox.disabled) return;
    saving = true;
    save.setAttribute("aria-disabled", "true");
    status.textContent = "Bezig met opslaan…";
    try {
      const answer = await api.saveSettings({ monthlyOverview: checkbox.checked });
      checkbox.checked = answer.monthlyOverview;
      status.textContent = answer.monthlyOverview
        ? "Opgeslagen: je ontvangt het maandelijkse overzicht per e-mail."
        : "Opgeslagen: je ontvangt geen maandelijks overzicht meer.";
    } catch (error) {
      status.textContent = `Niet opgeslagen: ${error.message}`;
    } finally {
      saving = false;
      save.removeAttribute("aria-disabled");
    }
  });
  load();

  return {
    heading,
    update() {},
    destroy() {
      controller.abort();
      view.remove();
    },
  };
}
