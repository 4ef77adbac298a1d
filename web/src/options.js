// The options before "Dien verzoek in": which qualifications, which expiry dates, a personal
// reference; the server's preview says how many passes that makes and how to split above 250.
import { isoToDutch } from "./dates.js";
import { debounce, el, field, plural, uid } from "./dom.js";

const PREVIEW_WAIT_MS = 250;
const PENDING_PREFIX = "pasjes:indienen:";
export const MAX_PASSES = 250;
// What POST /requests/preview takes at once: a whole organisation.
const MAX_PREVIEW_HOLDERS = 10_000;

/**
 * Mounts the options for `selection` of `organisation`. `setErrors([{text, target}], {focus})`
 * feeds the screen's error summary; `onSubmitted({requests, passCount})` follows a submission.
 */
export function mountOptions(container, { api, selection, organisation, setErrors, onSubmitted }) {
  const heading = el("h2", { id: "options-heading" }, "Verzoek indienen");
  const intro = el("p", { className: "hint" }, "Kies welke pasjes je wilt. Eén verzoek bevat hoogstens 250 pasjes en blijft 7 dagen beschikbaar.");

  // Kwalificaties: all, or only the ticked ones.
  const allCodes = el("input", { type: "radio", name: uid("codes"), value: "all", checked: true, id: uid("codes-all") });
  const someCodes = el("input", { type: "radio", name: allCodes.name, value: "some", id: uid("codes-some") });
  const codeList = el("div", { className: "checkboxes", id: uid("codes-list") });
  const codesError = el("p", { className: "field-error", id: uid("codes-error"), hidden: true });
  const codeBox = el("div", { className: "conditional", hidden: true }, codesError, codeList);
  const codesFieldset = el(
    "fieldset",
    { className: "fieldset" },
    el("legend", { className: "label" }, "Kwalificaties"),
    el("p", { className: "hint" }, "Bijvoorbeeld alleen het pasje van het Diploma Eerste Hulp, zonder de modules als eigen pasjes."),
    el("div", { className: "radios" },
      el("div", { className: "radio" }, allCodes, el("label", { for: allCodes.id }, "Alle kwalificaties")),
      el("div", { className: "radio" }, someCodes, el("label", { for: someCodes.id }, "Alleen de gekozen kwalificaties")),
    ),
    codeBox,
  );

  // Vervaldata: none ticked means all.
  const dateList = el("div", { className: "checkboxes checkboxes--scroll", id: uid("dates-list") });
  const datesFieldset = el(
    "fieldset",
    { className: "fieldset" },
    el("legend", { className: "label" }, "Vervaldata"),
    el("p", { className: "hint" }, "Laat alles leeg om alle vervaldata mee te nemen."),
    dateList,
  );

  const referenceInput = el("input", { type: "text", maxLength: 100, autocomplete: "off", className: "input" });
  const reference = field("Persoonlijk kenmerk (optioneel)", referenceInput, { hint: "Hoogstens 100 tekens. Je ziet het terug bij je ingestuurde verzoeken." });

  const count = el("p", { className: "options__count", role: "status", "aria-live": "polite", "aria-atomic": "true" });
  const split = el("p", { className: "options__split", hidden: true });
  const submitButton = el("button", { type: "button", className: "button button--primary" }, "Dien verzoek in");
  const submitError = el("div", { className: "message message--error", role: "alert", hidden: true, tabIndex: -1, id: uid("submit-error") });
  const form = el("div", { className: "options__form" }, intro, codesFieldset, datesFieldset, reference.wrapper, count, split, submitError, el("div", { className: "options__actions" }, submitButton));
  const empty = el("p", { className: "hint" }, "Voeg eerst kwalificatiehouders toe aan de selectie; daarna kies je hier welke pasjes je wilt.");
  const section = el("section", { className: "panel options", "aria-labelledby": heading.id }, heading, empty, form);
  container.append(section);

  const chosenCodes = new Set();
  const chosenDates = new Set();
  let preview = null; // the latest answer, for the body it answered
  let previewBody = null;
  let controller = null;
  let sequence = 0;
  let submitting = false;

  function body() {
    const text = referenceInput.value.trim();
    return {
      organisation,
      qualificationNumbers: selection.numbers(),
      qualificationCodes: someCodes.checked ? [...chosenCodes].sort() : [],
      expiryDates: [...chosenDates].sort(),
      reference: text || null,
    };
  }

  function optionProblems() {
    const problems = [];
    if (someCodes.checked && chosenCodes.size === 0) {
      const first = codeList.querySelector("input");
      problems.push({ text: "Kies ten minste één kwalificatie, of kies 'Alle kwalificaties'.", target: first ?? someCodes, at: "codes" });
    }
    return problems;
  }

  function showProblems(problems, options = {}) {
    const codes = problems.find((p) => p.at === "codes");
    codesError.hidden = !codes;
    codesError.textContent = codes ? codes.text : "";
    codesFieldset.classList.toggle("fieldset--error", Boolean(codes));
    setErrors(problems.map(({ text, target }) => ({ text, target })), options);
  }

  /** Keeps checkboxes in place (and focus on them) while counts change. */
  function syncCheckboxes(list, items, chosen, { key, label, name }) {
    const existing = new Map([...list.children].map((node) => [node.dataset.key, node]));
    const wanted = new Set(items.map(key));
    for (const [k, node] of existing) if (!wanted.has(k)) node.remove();
    for (const k of [...chosen]) if (!wanted.has(k)) chosen.delete(k);
    let previous = null;
    for (const item of items) {
      const k = key(item);
      let node = existing.get(k);
      if (!node) {
        const input = el("input", { type: "checkbox", name, value: k, id: uid("option"), checked: chosen.has(k) });
        node = el("div", { className: "checkbox", dataset: { key: k } }, input, el("label", { for: input.id }));
        input.addEventListener("change", () => {
          if (input.checked) chosen.add(k);
          else chosen.delete(k);
          if (list === codeList) showProblems(optionProblems());
          schedulePreview();
        });
      }
      node.querySelector("label").textContent = label(item);
      if (previous) previous.after(node);
      else list.prepend(node);
      previous = node;
    }
  }

  function showPreview(answer) {
    preview = answer;
    syncCheckboxes(codeList, answer.qualificationCodes, chosenCodes, {
      key: (c) => c.code,
      label: (c) => `${c.name} (${c.type.toLowerCase()}): ${plural(c.count, "pasje", "pasjes")}`,
      name: "kwalificatie",
    });
    syncCheckboxes(dateList, answer.expiryDates, chosenDates, {
      key: (d) => d.date,
      label: (d) => `${isoToDutch(d.date)}: ${plural(d.count, "pasje", "pasjes")}`,
      name: "vervaldatum",
    });
    const skipped = answer.skipped?.length ?? 0;
    // skippedReasons: "withdrawn" (what matches the choice is ingetrokken) or "no_match".
    const withdrawn = Object.values(answer.skippedReasons ?? {}).filter((reason) => reason === "withdrawn").length;
    const their = withdrawn === 1 ? "zijn of haar" : "hun";
    const because = withdrawn
      ? withdrawn === skipped
        ? ` omdat ${their} kwalificaties zijn ingetrokken`
        : ` (${withdrawn} daarvan omdat ${their} kwalificaties zijn ingetrokken)`
      : "";
    count.textContent = `${plural(answer.holderCount, "kwalificatiehouder", "kwalificatiehouders")}, ${plural(answer.passCount, "pasje", "pasjes")}`
      + (skipped ? `. ${plural(skipped, "kwalificatiehouder levert", "kwalificatiehouders leveren")} met deze keuzes geen pasje op${because}.` : "");
    const parts = answer.parts?.length ?? 0;
    if (answer.passCount > MAX_PASSES && parts > 1) {
      split.hidden = false;
      split.textContent = `Dat zijn meer dan ${MAX_PASSES} pasjes, het meeste dat in één verzoek past. Je kunt de selectie in één keer indienen als ${parts} verzoeken; ze krijgen hetzelfde persoonlijk kenmerk met (1/${parts}), (2/${parts})… erachter.`;
      submitButton.textContent = `Verdeel over ${parts} verzoeken`;
    } else {
      split.hidden = true;
      submitButton.textContent = "Dien verzoek in";
    }
  }

  async function runPreview() {
    const problems = optionProblems();
    if (selection.size === 0 || problems.length) return null;
    if (selection.size > MAX_PREVIEW_HOLDERS) {
      count.textContent = "";
      showSubmitError({
        message: `De selectie telt ${plural(selection.size, "kwalificatiehouder", "kwalificatiehouders")}; er passen er hoogstens ${MAX_PREVIEW_HOLDERS.toLocaleString("nl-NL")} in één keer. Verwijder er een deel uit de selectie.`,
      });
      return null;
    }
    controller?.abort();
    controller = new AbortController();
    const mine = ++sequence;
    const wanted = body();
    count.setAttribute("aria-busy", "true");
    try {
      const answer = await api.preview(wanted, { signal: controller.signal });
      if (mine !== sequence) return null;
      previewBody = JSON.stringify(wanted);
      submitError.hidden = true;
      showPreview(answer);
      return answer;
    } catch (error) {
      if (error?.name === "AbortError" || mine !== sequence) return null;
      count.textContent = "";
      showSubmitError(error);
      return null;
    } finally {
      if (mine === sequence) count.removeAttribute("aria-busy");
    }
  }
  const schedulePreview = debounce(runPreview, PREVIEW_WAIT_MS);

  function showSubmitError(error, { focus = false } = {}) {
    const problems = error.field === "reference" ? [{ text: error.message, target: referenceInput }] : [];
    reference.setError(problems.length ? error.message : "");
    submitError.replaceChildren(el("p", {}, error.message));
    const unknown = error.code === "holders_not_found" ? error.details?.qualificationNumbers ?? [] : [];
    if (unknown.length) {
      // The server names them: one click takes them out, the rest of the selection stays.
      const remove = el("button", { type: "button", className: "button button--secondary" }, `Verwijder ${unknown.length === 1 ? "deze kwalificatiehouder" : "deze kwalificatiehouders"} uit de selectie`);
      remove.addEventListener("click", () => {
        selection.remove(unknown);
        submitError.hidden = true;
        setErrors([]);
        submitButton.focus();
      });
      submitError.append(remove);
    }
    submitError.hidden = false;
    setErrors([{ text: error.message, target: problems.length ? referenceInput : submitError }], { focus });
  }

  function render() {
    const any = selection.size > 0;
    empty.hidden = any;
    form.hidden = !any;
    if (any) schedulePreview();
    else {
      controller?.abort();
      preview = null;
      setErrors([]);
    }
  }

  for (const radio of [allCodes, someCodes]) {
    radio.addEventListener("change", () => {
      codeBox.hidden = !someCodes.checked;
      showProblems(optionProblems());
      schedulePreview();
    });
  }
  referenceInput.addEventListener("input", () => reference.setError(""));

  // --- Submitting -------------------------------------------------------------------------------

  function pendingKey() {
    return PENDING_PREFIX + organisation;
  }

  /** The same bodies as last time (a retry, a double click) reuse their Idempotency-Keys. */
  function plan(bodies) {
    const signature = JSON.stringify(bodies);
    try {
      const stored = JSON.parse(sessionStorage.getItem(pendingKey()) ?? "null");
      if (stored?.signature === signature) return stored;
    } catch {
      // An unreadable plan is replaced by a new one.
    }
    return { signature, keys: bodies.map(() => crypto.randomUUID()), done: bodies.map(() => null) };
  }

  function savePlan(current) {
    try {
      sessionStorage.setItem(pendingKey(), JSON.stringify(current));
    } catch {
      // Without storage a retry after a reload gets new keys; within this page the plan holds.
    }
  }

  async function submit() {
    if (submitting) return;
    const problems = optionProblems();
    if (problems.length) {
      showProblems(problems, { focus: true });
      return;
    }
    if (referenceInput.value.length > 100) {
      showSubmitError({ message: "Persoonlijk kenmerk mag hoogstens 100 tekens lang zijn.", field: "reference" }, { focus: true });
      return;
    }
    submitting = true;
    submitButton.setAttribute("aria-disabled", "true");
    const label = submitButton.textContent;
    submitButton.textContent = "Bezig met indienen…";
    try {
      schedulePreview.cancel();
      const wanted = body();
      // Always the parts of exactly these options: the server decides them, a fresh preview is cheap.
      const answer = previewBody === JSON.stringify(wanted) && preview ? preview : await runPreview();
      if (!answer) return;
      if (answer.passCount === 0) {
        showSubmitError({ message: "Met deze keuzes is er geen enkel pasje te maken. Kies andere kwalificaties of vervaldata." }, { focus: true });
        return;
      }
      const parts = answer.parts;
      const bodies = parts.map((numbers, index) => ({
        ...wanted,
        qualificationNumbers: numbers,
        reference: parts.length > 1 ? `${wanted.reference ?? ""} (${index + 1}/${parts.length})`.trim() : wanted.reference,
      }));
      const current = plan(bodies);
      savePlan(current);
      for (const [index, partBody] of bodies.entries()) {
        if (current.done[index]) continue;
        try {
          const made = await api.submit(partBody, current.keys[index]);
          current.done[index] = made.id;
          savePlan(current);
        } catch (error) {
          const doneCount = current.done.filter(Boolean).length;
          const prefix = parts.length > 1
            ? `${doneCount} van de ${parts.length} verzoeken ${doneCount === 1 ? "is" : "zijn"} ingediend; verzoek ${index + 1} niet. `
            : "";
          const again = error.code === "idempotency_key_reused" || error.code === "unauthenticated" ? "" : " Klik opnieuw op de knop om het nog eens te proberen; wat al is ingediend, wordt niet dubbel ingediend.";
          if (error.code === "idempotency_key_reused") {
            current.keys[index] = crypto.randomUUID();
            savePlan(current);
          }
          showSubmitError({ ...error, message: prefix + error.message + (parts.length > 1 ? again : "") }, { focus: true });
          return;
        }
      }
      sessionStorage.removeItem(pendingKey());
      const submittedNumbers = parts.flat();
      selection.remove(submittedNumbers);
      setErrors([]);
      onSubmitted({ requests: current.done, passCount: answer.passCount, holderCount: submittedNumbers.length });
    } finally {
      submitting = false;
      submitButton.removeAttribute("aria-disabled");
      if (submitButton.textContent === "Bezig met indienen…") submitButton.textContent = label;
    }
  }
  submitButton.addEventListener("click", submit);

  render();
  const unsubscribe = selection.subscribe(render);
  return {
    destroy() {
      unsubscribe();
      schedulePreview.cancel();
      controller?.abort();
      section.remove();
    },
  };
}
