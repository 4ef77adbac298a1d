// The public check of a pass, /v/{code}: what the QR code on a pass opens. No sign-in and no
// token: anyone shown a pass may check it. The verdict comes from the registry as it is now
// (GET /verify/{code}); the page shows only what the answer holds: the verdict, the name, the
// qualification and its dates, and when it was checked.
import "./verify.css";
import { dateTimeToDutchWithTime, isoToDutch } from "./dates.js";
import { el } from "./dom.js";
import { button, field, onSubmit, showErrors } from "./forms.js";

const VERDICTS = {
  geldig: {
    label: "Geldig",
    tone: "valid",
    symbol: "✓",
    text: "Dit pasje staat in het register en de kwalificatie is geldig.",
  },
  verlopen: {
    label: "Verlopen",
    tone: "expired",
    symbol: "!",
    text: "Dit pasje staat in het register, maar de kwalificatie is verlopen. Het pasje is niet meer geldig.",
  },
  ingetrokken: {
    label: "Ingetrokken",
    tone: "withdrawn",
    symbol: "✕",
    text: "Dit pasje staat in het register, maar de kwalificatie is ingetrokken. Het pasje is niet geldig.",
  },
  onbekend: {
    label: "Onbekend",
    tone: "unknown",
    symbol: "?",
    text:
      "Deze code hoort bij geen pasje in het register. Het pasje is niet echt, of de code is niet goed " +
      "overgenomen: controleer de code onder de QR-code op het pasje.",
  },
};

const TYPES = { Diploma: "Diploma", Certificaat: "Certificaat" };

// A code is 23 characters of Crockford's base32 (pasjes.logic.verification): case does not
// matter, and i, l and o read as 1, 1 and 0, as the server reads them too.
const CODE_LENGTH = 23;
const SEPARATORS = /[\s\-\u2010-\u2015\u2212.]+/gu;

/** What a person may have typed: capitals, spaces or dashes between groups, look-alikes. */
export function normaliseCode(code) {
  return String(code ?? "")
    .normalize("NFKC")
    .toLowerCase()
    .replace(SEPARATORS, "")
    .replace(/[il]/g, "1")
    .replace(/o/g, "0");
}

function noIndex() {
  // The page of one person's pass must not end up in a search engine.
  if (document.querySelector('meta[name="robots"]')) return;
  document.head.append(el("meta", { name: "robots", content: "noindex, nofollow" }));
}

function verdictBlock(verdict) {
  return el(
    "div",
    { className: `verdict verdict--${verdict.tone}` },
    el("p", { className: "verdict__label" }, el("span", { className: "verdict__symbol", "aria-hidden": "true" }, verdict.symbol), verdict.label),
    el("p", { className: "verdict__text" }, verdict.text),
  );
}

function row(term, value) {
  return el("div", { className: "verify-facts__row" }, el("dt", {}, term), el("dd", {}, value));
}

function facts(answer) {
  const type = TYPES[answer.qualification?.type] ?? answer.qualification?.type ?? "";
  return el(
    "dl",
    { className: "verify-facts" },
    row("Naam", answer.holderName),
    row("Kwalificatie", answer.qualification?.name ?? ""),
    row("Soort", type),
    row("Examendatum", isoToDutch(answer.examDate)),
    row("Vervaldatum", isoToDutch(answer.expiryDate) || "-"),
    row("Gecontroleerd op", dateTimeToDutchWithTime(answer.checkedAt)),
  );
}

/** The field "Code" and the button "Controleer": for a checker who cannot scan the QR code. */
function codeForm(onCode, { again = false, value = "" } = {}) {
  const codeField = field({
    id: "verify-code",
    label: "Code",
    autocomplete: "off",
    hint: "De code staat onder de QR-code op het pasje. Hoofdletters, spaties en streepjes maken niet uit.",
    width: "verify-code",
  });
  codeField.input.setAttribute("autocapitalize", "none");
  codeField.input.setAttribute("spellcheck", "false");
  // Under "Onbekend": the code that was tried, to correct the one character mistyped.
  codeField.input.value = value;
  const form = el(
    "form",
    { className: "verify-form", noValidate: true, "aria-labelledby": "verify-form-title" },
    el("h2", { id: "verify-form-title", className: again ? "" : "visually-hidden" }, again ? "Code opnieuw invullen" : "Code invullen"),
    codeField.wrapper,
    button("Controleer"),
  );
  onSubmit(form, () => {
    const code = normaliseCode(codeField.input.value);
    let message = null;
    if (!code) message = "Vul de code in";
    else if (code.length !== CODE_LENGTH) {
      message = `Een code heeft ${CODE_LENGTH} tekens (zonder spaties en streepjes); je hebt er ${code.length} ingevuld`;
    }
    if (message) return showErrors(form, [{ field: codeField, message }]);
    onCode(code);
  });
  return form;
}

/**
 * Shows the check of `code` in `main`, or with no code a page to type one in.
 * `config.apiBaseUrl` is the API's base URL. Returns a clean-up that cancels a check still
 * under way.
 */
export function mountVerify(main, { config, code }) {
  noIndex();
  let controller = null;

  function checkTyped(typed) {
    // A page of its own, so "back" returns to the form and the URL can be shared.
    history.pushState(null, "", `/v/${encodeURIComponent(typed)}`);
    render(typed);
  }

  function render(given) {
    controller?.abort();
    controller = new AbortController();
    const normalised = normaliseCode(given);
    const heading = el("h1", { tabIndex: -1 }, "Controle van een digitaal pasje");
    if (!normalised) {
      document.title = "Code controleren – Pasjesportaal";
      const page = el(
        "section",
        { className: "verify" },
        heading,
        el("p", {}, "Kun je de QR-code op het pasje niet scannen? Vul dan de code in die eronder staat."),
        codeForm(checkTyped),
      );
      main.replaceChildren(page);
      heading.focus();
      return;
    }
    document.title = "Controle digitaal pasje – Pasjesportaal";
    const result = el("div", { className: "verify-result", "aria-live": "polite", "aria-busy": "true" });
    const codeLine = el("p", { className: "verify-code" }, "Code: ", el("code", {}, normalised));
    const page = el("section", { className: "verify" }, heading, result, codeLine);
    main.replaceChildren(page);
    heading.focus();
    check(normalised, result, controller.signal, page);
  }

  function show(result, ...children) {
    result.setAttribute("aria-busy", "false");
    result.replaceChildren(...children);
  }

  function showProblem(result, text, retry) {
    const again = el("button", { type: "button", className: "button" }, "Probeer opnieuw");
    again.addEventListener("click", retry);
    show(result, el("div", { className: "verify-problem", role: "alert" }, el("p", {}, text)), again);
  }

  async function check(normalised, result, signal, page) {
    const retry = () => check(normalised, result, signal, page);
    result.setAttribute("aria-busy", "true");
    result.replaceChildren(el("p", { className: "loading" }, "Het pasje wordt gecontroleerd…"));
    const base = String(config.apiBaseUrl).replace(/\/+$/, "");
    let response;
    try {
      // Deliberately without Authorization: the check is public.
      response = await fetch(`${base}/verify/${encodeURIComponent(normalised)}`, {
        signal,
        cache: "no-store",
        headers: { Accept: "application/json" },
      });
    } catch (error) {
      if (error?.name === "AbortError") return;
      showProblem(result, "Geen verbinding met de server. Controleer je internetverbinding en probeer het opnieuw.", retry);
      return;
    }
    const answer = await response.json().catch(() => null);
    if (response.ok && answer && VERDICTS[answer.status]) {
      show(result, verdictBlock(VERDICTS[answer.status]), facts(answer), note());
    } else if (response.status === 404) {
      show(result, verdictBlock(VERDICTS.onbekend));
      // Mistyped? The same field as /v, to try the code again.
      page.append(codeForm(checkTyped, { again: true, value: normalised }));
    } else if (response.status === 429) {
      showProblem(result, "Er worden nu te veel pasjes tegelijk gecontroleerd. Wacht een minuut en probeer het opnieuw.", retry);
    } else {
      showProblem(result, "Het pasje kan nu niet worden gecontroleerd. Probeer het over een paar minuten opnieuw.", retry);
    }
  }

  function note() {
    return el(
      "p",
      { className: "verify-note" },
      "Dit is de stand van het register op het moment van controleren. Vergelijk de naam met een " +
        "identiteitsbewijs van de houder.",
    );
  }

  const onPopState = () => {
    const match = /^\/v(?:\/([^/]*))?$/.exec(location.pathname);
    if (!match) return;
    let code = match[1] || "";
    try {
      code = decodeURIComponent(code);
    } catch {
      // checked as typed
    }
    render(code);
  };
  window.addEventListener("popstate", onPopState);
  render(code);
  return () => {
    controller?.abort();
    window.removeEventListener("popstate", onPopState);
  };
}
