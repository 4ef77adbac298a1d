// The public check of a pass, /v/{code}: what the QR code on a pass opens. No sign-in and no
// token: anyone shown a pass may check it. The verdict comes from the registry as it is now
// (GET /verify/{code}); the page shows only what the answer holds: the verdict, the name, the
// qualification and its dates, and when it was checked.
import "./verify.css";
import { dateTimeToDutchWithTime, isoToDutch } from "./dates.js";
import { el } from "./dom.js";

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

/** What a person may have typed: capitals, spaces or dashes between groups. */
export function normaliseCode(code) {
  return String(code ?? "")
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, "");
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

/**
 * Shows the check of `code` in `main`. `config.apiBaseUrl` is the API's base URL.
 * Returns a clean-up that cancels a check still under way.
 */
export function mountVerify(main, { config, code }) {
  noIndex();
  document.title = "Controle digitaal pasje – Pasjesportaal";
  const controller = new AbortController();
  const normalised = normaliseCode(code);
  const heading = el("h1", { tabIndex: -1 }, "Controle van een digitaal pasje");
  const result = el("div", { className: "verify-result", "aria-live": "polite", "aria-busy": "true" });
  const codeLine = el("p", { className: "verify-code" }, "Code: ", el("code", {}, normalised || "(geen)"));
  const page = el("section", { className: "verify" }, heading, result, codeLine);
  main.replaceChildren(page);
  heading.focus();

  function show(...children) {
    result.setAttribute("aria-busy", "false");
    result.replaceChildren(...children);
  }

  function showProblem(text) {
    const retry = el("button", { type: "button", className: "button" }, "Probeer opnieuw");
    retry.addEventListener("click", check);
    show(el("div", { className: "verify-problem", role: "alert" }, el("p", {}, text)), retry);
  }

  async function check() {
    result.setAttribute("aria-busy", "true");
    result.replaceChildren(el("p", { className: "loading" }, "Het pasje wordt gecontroleerd…"));
    if (!normalised) {
      show(verdictBlock(VERDICTS.onbekend));
      return;
    }
    const base = String(config.apiBaseUrl).replace(/\/+$/, "");
    let response;
    try {
      // Deliberately without Authorization: the check is public.
      response = await fetch(`${base}/verify/${encodeURIComponent(normalised)}`, {
        signal: controller.signal,
        cache: "no-store",
        headers: { Accept: "application/json" },
      });
    } catch (error) {
      if (error?.name === "AbortError") return;
      showProblem("Geen verbinding met de server. Controleer je internetverbinding en probeer het opnieuw.");
      return;
    }
    const answer = await response.json().catch(() => null);
    if (response.ok && answer && VERDICTS[answer.status]) {
      show(verdictBlock(VERDICTS[answer.status]), facts(answer), note());
    } else if (response.status === 404) {
      show(verdictBlock(VERDICTS.onbekend));
    } else if (response.status === 429) {
      showProblem("Er worden nu te veel pasjes tegelijk gecontroleerd. Wacht een minuut en probeer het opnieuw.");
    } else {
      showProblem("Het pasje kan nu niet worden gecontroleerd. Probeer het over een paar minuten opnieuw.");
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

  check();
  return () => controller.abort();
}
