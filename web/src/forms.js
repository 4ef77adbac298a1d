// The form helpers of the sign-in and two-step-verification screens: building elements, labelled
// fields, the error summary (GOV.UK pattern), a form's submit, and showing one screen at a time.
import "./forms.css";

export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  node.append(...children.filter((child) => child !== null && child !== undefined && child !== false));
  return node;
}

export function announce(text) {
  const status = document.getElementById("status");
  if (!status) return;
  // Emptied first, so the same text twice is announced twice.
  status.textContent = "";
  window.setTimeout(() => {
    status.textContent = text;
  }, 50);
}

/** A labelled input with room for a hint and an error; `field.input` is the control. */
export function field({ id, label, type = "text", autocomplete, hint, inputmode, value, width }) {
  const input = el("input", {
    id,
    name: id,
    type,
    class: width ? `input input--${width}` : "input",
    autocomplete,
    inputmode,
    spellcheck: type === "text" ? "false" : null,
    autocapitalize: type === "email" || type === "password" ? "none" : null,
  });
  if (value) input.value = value;
  const describedBy = [];
  const wrapper = el("div", { class: "form-group" }, el("label", { for: id, class: "label", text: label }));
  if (hint) {
    const hintNode = el("div", { id: `${id}-hint`, class: "hint" });
    if (typeof hint === "string") hintNode.textContent = hint;
    else hintNode.append(hint);
    wrapper.append(hintNode);
    describedBy.push(hintNode.id);
  }
  if (describedBy.length) input.setAttribute("aria-describedby", describedBy.join(" "));
  wrapper.append(input);
  return { wrapper, input, id };
}

export function heading(text) {
  return el("h1", { class: "heading-l", tabindex: "-1", text });
}

export function button(text, { secondary = false, type = "submit", onclick } = {}) {
  return el("button", {
    type,
    class: secondary ? "button button--secondary" : "button",
    text,
    onclick,
  });
}

export function linkButton(text, onclick) {
  return el("button", { type: "button", class: "link-button", text, onclick });
}

function clearErrors(container) {
  container.querySelector(".error-summary")?.remove();
  for (const message of container.querySelectorAll(".field-error")) message.remove();
  for (const group of container.querySelectorAll(".form-group--error")) {
    group.classList.remove("form-group--error");
  }
  for (const input of container.querySelectorAll("[aria-invalid]")) {
    input.removeAttribute("aria-invalid");
    const ids = (input.getAttribute("aria-describedby") || "")
      .split(" ")
      .filter((id) => id && !id.endsWith("-error"));
    if (ids.length) input.setAttribute("aria-describedby", ids.join(" "));
    else input.removeAttribute("aria-describedby");
  }
}

/**
 * Shows errors as GOV.UK does: a summary at the top of `container` that links to each field,
 * the message again above the field, and focus on the summary.
 * `errors`: [{ field: {input, wrapper} | null, message }].
 */
export function showErrors(container, errors) {
  clearErrors(container);
  if (!errors.length) return;
  const list = el("ul", { class: "error-summary__list" });
  for (const { field: target, message } of errors) {
    if (target) {
      const link = el("a", { href: `#${target.input.id}`, text: message });
      link.addEventListener("click", (event) => {
        // Focus the field without a #fragment in the URL, which the portal keeps for filters.
        event.preventDefault();
        target.input.focus();
      });
      list.append(el("li", {}, link));
      const errorId = `${target.input.id}-error`;
      const fieldError = el(
        "p",
        { id: errorId, class: "field-error" },
        el("span", { class: "visually-hidden", text: "Fout: " }),
        message,
      );
      target.wrapper.classList.add("form-group--error");
      target.input.before(fieldError);
      target.input.setAttribute("aria-invalid", "true");
      const describedBy = (target.input.getAttribute("aria-describedby") || "").split(" ");
      target.input.setAttribute("aria-describedby", [...describedBy, errorId].join(" ").trim());
    } else {
      list.append(el("li", { text: message }));
    }
  }
  const summary = el(
    "div",
    { class: "error-summary", tabindex: "-1", "aria-labelledby": "error-summary-title" },
    el("h2", { class: "error-summary__title", id: "error-summary-title", text: "Er is een probleem" }),
    list,
  );
  const headingNode = container.querySelector("h1");
  if (headingNode) headingNode.after(summary);
  else container.prepend(summary);
  summary.focus();
}

/** Runs `action` once at a time for a form, with the button marked busy meanwhile. */
export function onSubmit(form, action, busyText) {
  let busy = false;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (busy) return;
    busy = true;
    const submit = form.querySelector("button[type=submit]");
    submit?.setAttribute("aria-disabled", "true");
    if (busyText) announce(busyText);
    try {
      await action();
    } finally {
      busy = false;
      submit?.removeAttribute("aria-disabled");
    }
  });
}

/**
 * Replaces what `main` shows. Focus moves to the new heading, so a screen reader starts there,
 * except on the page's first screen, where the reader starts at the top (skip link, header).
 */
export function showScreen(main, title, ...children) {
  document.title = `${title} – Pasjesportaal`;
  const screen = el("div", { class: "narrow" }, ...children.filter(Boolean));
  const firstScreen = main.querySelector(".loading") !== null;
  main.replaceChildren(screen);
  if (!firstScreen) screen.querySelector("h1")?.focus();
  return screen;
}

/** The field for a code of an authenticator app (six digits). */
export function totpField() {
  return field({
    id: "totp-code",
    label: "Code uit je authenticator-app",
    autocomplete: "one-time-code",
    inputmode: "numeric",
    hint: "6 cijfers, bijvoorbeeld 123456",
    width: "code",
  });
}
