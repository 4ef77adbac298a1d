// The sign-in screens: sign in, a first new password, the code of the authenticator app, and a
// forgotten password. Also the small form helpers (fields, error summary) the MFA setup shares.
import {
  AuthError,
  answerTotp,
  completeNewPassword,
  confirmPasswordReset,
  requestPasswordReset,
  signIn,
} from "./auth.js";
import "./signin.css";

// --- DOM and form helpers --------------------------------------------------------------------

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

/** The password rules of the pool (config.passwordPolicy), as a hint and as a check. */
export function passwordRules(given = {}) {
  // camelCase as the local stack writes it; Cognito's own PascalCase is read too.
  const policy = {};
  for (const [key, value] of Object.entries(given || {})) {
    policy[key.charAt(0).toLowerCase() + key.slice(1)] = value;
  }
  const minimum = policy.minimumLength || 8;
  const parts = [`minstens ${minimum} tekens`];
  if (policy.requireUppercase) parts.push("een hoofdletter");
  if (policy.requireLowercase) parts.push("een kleine letter");
  if (policy.requireNumbers) parts.push("een cijfer");
  if (policy.requireSymbols) parts.push("een leesteken (zoals ! of ?)");
  const last = parts.pop();
  const hint = `Je wachtwoord moet bestaan uit ${parts.length ? `${parts.join(", ")} en ${last}` : last}.`;
  const check = (password) =>
    password.length >= minimum &&
    (!policy.requireUppercase || /\p{Lu}/u.test(password)) &&
    (!policy.requireLowercase || /\p{Ll}/u.test(password)) &&
    (!policy.requireNumbers || /[0-9]/.test(password)) &&
    (!policy.requireSymbols || /[^\p{L}\p{N}\s]/u.test(password));
  return { hint, check };
}

function validEmail(value) {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value.trim());
}

function emailErrors(emailField) {
  const value = emailField.input.value.trim();
  if (!value) return [{ field: emailField, message: "Vul je e-mailadres in" }];
  if (!validEmail(value)) {
    return [{ field: emailField, message: "Vul een e-mailadres in zoals naam@voorbeeld.nl" }];
  }
  return [];
}

function newPasswordErrors(passwordField, repeatField, rules) {
  const password = passwordField.input.value;
  if (!password) return [{ field: passwordField, message: "Vul een nieuw wachtwoord in" }];
  if (!rules.check(password)) {
    return [{ field: passwordField, message: `Het wachtwoord voldoet niet aan de eisen. ${rules.hint}` }];
  }
  if (repeatField.input.value !== password) {
    return [{ field: repeatField, message: "De twee wachtwoorden zijn niet hetzelfde" }];
  }
  return [];
}

function codeErrors(codeField, { digits }) {
  const value = codeField.input.value.replace(/\s/g, "");
  if (!value) return [{ field: codeField, message: "Vul de code in" }];
  if (digits && !/^[0-9]{6}$/.test(value)) {
    return [{ field: codeField, message: "Vul de 6 cijfers van de code in" }];
  }
  return [];
}

/** The field an AuthError belongs to on a screen; null puts it in the summary only. */
function errorFor(error, fields) {
  if (!(error instanceof AuthError)) throw error;
  const target = {
    credentials: fields.password,
    codeMismatch: fields.code,
    codeExpired: fields.code,
    passwordPolicy: fields.newPassword,
  }[error.kind];
  return [{ field: target || null, message: error.message }];
}

function notice(text) {
  return text ? el("div", { class: "notice", role: "status" }, el("p", { text })) : null;
}

// --- the screens -----------------------------------------------------------------------------

/**
 * The sign-in screens in `main`; `onSignedIn()` runs once a session exists.
 * options: { config, message, email }.
 */
export function mountSignIn(main, { config, onSignedIn, message, email }) {
  const rules = passwordRules(config.passwordPolicy);
  const done = () => {
    announce("Je bent ingelogd.");
    onSignedIn();
  };

  function next(result, typedEmail) {
    if (result.step === "newPassword") return newPasswordScreen(result);
    if (result.step === "totp") return totpScreen(result, typedEmail);
    return done();
  }

  function signInScreen({ message: text, email: prefilled } = {}) {
    const emailField = field({
      id: "email",
      label: "E-mailadres",
      type: "email",
      autocomplete: "username",
      value: prefilled,
    });
    const passwordField = field({
      id: "password",
      label: "Wachtwoord",
      type: "password",
      autocomplete: "current-password",
    });
    const form = el("form", { novalidate: true }, emailField.wrapper, passwordField.wrapper, button("Inloggen"));
    const screen = showScreen(
      main,
      "Inloggen",
      heading("Inloggen"),
      notice(text),
      el("p", { text: "Log in met het e-mailadres en wachtwoord van je account als contactpersoon." }),
      form,
      el("p", {}, linkButton("Wachtwoord vergeten", () => forgotScreen(emailField.input.value))),
    );
    onSubmit(
      form,
      async () => {
        const errors = emailErrors(emailField);
        if (!passwordField.input.value) errors.push({ field: passwordField, message: "Vul je wachtwoord in" });
        if (errors.length) return showErrors(screen, errors);
        try {
          next(await signIn(emailField.input.value, passwordField.input.value), emailField.input.value);
        } catch (error) {
          passwordField.input.value = "";
          showErrors(screen, errorFor(error, { password: passwordField }));
        }
      },
      "Bezig met inloggen…",
    );
  }

  function newPasswordScreen(pending) {
    const passwordField = field({
      id: "new-password",
      label: "Nieuw wachtwoord",
      type: "password",
      autocomplete: "new-password",
      hint: rules.hint,
    });
    const repeatField = field({
      id: "repeat-password",
      label: "Herhaal nieuw wachtwoord",
      type: "password",
      autocomplete: "new-password",
    });
    const form = el("form", { novalidate: true }, passwordField.wrapper, repeatField.wrapper, button("Wachtwoord opslaan"));
    const screen = showScreen(
      main,
      "Nieuw wachtwoord instellen",
      heading("Nieuw wachtwoord instellen"),
      el("p", { text: "Je logt voor het eerst in. Kies een eigen wachtwoord om verder te gaan." }),
      form,
    );
    onSubmit(form, async () => {
      const errors = newPasswordErrors(passwordField, repeatField, rules);
      if (errors.length) return showErrors(screen, errors);
      try {
        next(await completeNewPassword(pending, passwordField.input.value));
      } catch (error) {
        if (error instanceof AuthError && error.kind === "challengeExpired") {
          return signInScreen({ message: error.message });
        }
        showErrors(screen, errorFor(error, { newPassword: passwordField }));
      }
    });
  }

  function totpScreen(pending, typedEmail) {
    const codeField = totpField();
    const form = el("form", { novalidate: true }, codeField.wrapper, button("Inloggen"));
    const screen = showScreen(
      main,
      "Tweestapsverificatie",
      heading("Tweestapsverificatie"),
      el("p", { text: "Open je authenticator-app en vul de code in die de app nu laat zien." }),
      form,
      el("p", {}, linkButton("Terug naar inloggen", () => signInScreen({ email: typedEmail }))),
    );
    onSubmit(form, async () => {
      const errors = codeErrors(codeField, { digits: true });
      if (errors.length) return showErrors(screen, errors);
      try {
        next(await answerTotp(pending, codeField.input.value));
      } catch (error) {
        codeField.input.value = "";
        if (error instanceof AuthError && error.kind === "challengeExpired") {
          return signInScreen({ message: error.message, email: typedEmail });
        }
        showErrors(screen, errorFor(error, { code: codeField }));
      }
    });
  }

  function forgotScreen(prefilled) {
    const emailField = field({
      id: "email",
      label: "E-mailadres",
      type: "email",
      autocomplete: "username",
      value: prefilled,
    });
    const form = el("form", { novalidate: true }, emailField.wrapper, button("Code versturen"));
    const screen = showScreen(
      main,
      "Wachtwoord vergeten",
      heading("Wachtwoord vergeten"),
      el("p", {
        text: "Vul het e-mailadres van je account in. Je krijgt dan een e-mail met een code om een nieuw wachtwoord in te stellen.",
      }),
      form,
      el("p", {}, linkButton("Terug naar inloggen", () => signInScreen({ email: emailField.input.value }))),
    );
    onSubmit(form, async () => {
      const errors = emailErrors(emailField);
      if (errors.length) return showErrors(screen, errors);
      try {
        await requestPasswordReset(emailField.input.value);
        resetScreen(emailField.input.value.trim());
      } catch (error) {
        showErrors(screen, errorFor(error, { email: emailField }));
      }
    });
  }

  function resetScreen(resetEmail) {
    const codeField = field({
      id: "code",
      label: "Code",
      autocomplete: "one-time-code",
      hint: "De code staat in de e-mail die we je net hebben gestuurd.",
      width: "code",
    });
    const passwordField = field({
      id: "new-password",
      label: "Nieuw wachtwoord",
      type: "password",
      autocomplete: "new-password",
      hint: rules.hint,
    });
    const repeatField = field({
      id: "repeat-password",
      label: "Herhaal nieuw wachtwoord",
      type: "password",
      autocomplete: "new-password",
    });
    const form = el(
      "form",
      { novalidate: true },
      codeField.wrapper,
      passwordField.wrapper,
      repeatField.wrapper,
      button("Wachtwoord opslaan"),
    );
    const screen = showScreen(
      main,
      "Nieuw wachtwoord instellen",
      heading("Nieuw wachtwoord instellen"),
      el("p", {
        text: `Als ${resetEmail} bij een account hoort, hebben we een e-mail met een code gestuurd. Zie je niets? Kijk ook in je map met ongewenste e-mail.`,
      }),
      form,
      el("p", {}, linkButton("Nieuwe code aanvragen", () => forgotScreen(resetEmail))),
    );
    onSubmit(form, async () => {
      const errors = [
        ...codeErrors(codeField, { digits: false }),
        ...newPasswordErrors(passwordField, repeatField, rules),
      ];
      if (errors.length) return showErrors(screen, errors);
      try {
        await confirmPasswordReset(resetEmail, codeField.input.value, passwordField.input.value);
        signInScreen({
          message: "Je wachtwoord is gewijzigd. Log in met je nieuwe wachtwoord.",
          email: resetEmail,
        });
      } catch (error) {
        showErrors(screen, errorFor(error, { code: codeField, newPassword: passwordField }));
      }
    });
  }

  signInScreen({ message, email });
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
