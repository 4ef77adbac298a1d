// Two-step verification (required by the pool): link an authenticator app (QR code, on a phone a
// link that opens the app, and the secret as text) and confirm it with a code. At the first
// sign-in this is a step of signing in (MFA_SETUP); signed in, "Tweestapsverificatie" shows that
// it is on and lets a person link a new app (a new phone).
import { encode } from "uqr";
import { AuthError, confirmTotpSetup, currentEmail, startTotpSetup, totpIsOn } from "./auth.js";
import { announce, button, el, heading, linkButton, onSubmit, showErrors, showScreen, totpField } from "./forms.js";
import { codeErrors } from "./signin-checks.js";
import "./mfa.css";

const ISSUER = "Pasjesportaal";
const SVG = "http://www.w3.org/2000/svg";
const SETUP_TITLE = "Tweestapsverificatie instellen";

export function otpauthUri(email, secret) {
  const label = encodeURIComponent(`${ISSUER}:${email}`);
  return `otpauth://totp/${label}?secret=${encodeURIComponent(secret)}&issuer=${encodeURIComponent(ISSUER)}`;
}

/** The QR code as SVG elements: no markup strings, no style attributes (CSP). */
function qrCode(text) {
  const { data, size } = encode(text, { ecc: "M", border: 2 });
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `0 0 ${size} ${size}`);
  svg.setAttribute("class", "qr-code");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", "QR-code om te scannen met je authenticator-app");
  svg.setAttribute("shape-rendering", "crispEdges");
  const background = document.createElementNS(SVG, "rect");
  background.setAttribute("width", String(size));
  background.setAttribute("height", String(size));
  background.setAttribute("fill", "#fff");
  let d = "";
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      if (data[row][col]) d += `M${col},${row}h1v1h-1z`;
    }
  }
  const modules = document.createElementNS(SVG, "path");
  modules.setAttribute("d", d);
  modules.setAttribute("fill", "#000");
  svg.append(background, modules);
  return svg;
}

/** The secret in groups of four, as authenticator apps show and accept it. */
function grouped(secret) {
  return secret.replace(/(.{4})/g, "$1 ").trim();
}

/**
 * The screen that links an authenticator app, in `main`.
 * options: { pending } while signing in (the MFA_SETUP step), else signed in;
 * onDone() once the app is linked (signed in by then); onBack() for the screen's way back,
 * named `backText`; onExpired(message) when the sign-in's session ran out.
 */
export async function mountTotpSetup(main, { pending = null, onDone, onBack, backText, onExpired }) {
  const loading = showScreen(main, SETUP_TITLE, heading(SETUP_TITLE), el("p", { class: "hint", text: "Bezig met laden…" }));
  let secret;
  try {
    // Base32 in capitals, as authenticator apps expect it typed (some refuse small letters).
    secret = String(await startTotpSetup(pending)).toUpperCase();
  } catch (error) {
    if (error.name === "SessionExpired") return; // main.js shows sign-in
    if (!(error instanceof AuthError)) throw error;
    if (error.kind === "challengeExpired" && pending) return onExpired(error.message);
    loading.replaceChildren(heading(SETUP_TITLE), el("p", { text: error.message }), button(backText, { type: "button", onclick: onBack }));
    return;
  }
  const email = pending ? pending.user.getUsername() : currentEmail() || "";
  const uri = otpauthUri(email, secret);
  const codeField = totpField();
  const form = el("form", { novalidate: true }, codeField.wrapper, button(pending ? "Bevestigen en inloggen" : "Bevestigen"));
  const intro = pending
    ? "Het portaal vraagt bij het inloggen naast je wachtwoord een code uit een authenticator-app op je telefoon (zoals Google Authenticator, Microsoft Authenticator of FreeOTP). Stel die nu eenmalig in om verder te gaan."
    : "Koppel een nieuwe authenticator-app, bijvoorbeeld op een nieuwe telefoon. Daarna werkt alleen de code uit de nieuwe app.";
  const screen = showScreen(
    main,
    SETUP_TITLE,
    heading(SETUP_TITLE),
    el("p", { text: intro }),
    el(
      "ol",
      { class: "steps" },
      el("li", { text: "Open je authenticator-app en kies ‘Account toevoegen’." }),
      el(
        "li",
        {},
        "Scan deze QR-code met de app.",
        el("span", { class: "otpauth-hint", text: " Staat de app op deze telefoon? Tik dan op de knop ernaast." }),
        el(
          "div",
          { class: "qr-row" },
          el("div", { class: "qr-frame" }, qrCode(uri)),
          el("a", { class: "button button--secondary otpauth-link", href: uri, text: "Open in je authenticator-app" }),
        ),
        "Lukt dat niet? Voer dan deze sleutel in:",
        el("p", { class: "secret", id: "totp-secret" }, el("code", { text: grouped(secret) })),
      ),
      el("li", { text: "Vul hieronder de code in die de app nu laat zien." }),
    ),
    form,
    el("p", {}, linkButton(backText, onBack)),
  );
  onSubmit(form, async () => {
    const errors = codeErrors(codeField, { digits: true });
    if (errors.length) return showErrors(screen, errors);
    const value = codeField.input.value.replace(/\s/g, "");
    try {
      await confirmTotpSetup(value, pending);
    } catch (error) {
      if (error.name === "SessionExpired") return;
      if (!(error instanceof AuthError)) throw error;
      codeField.input.value = "";
      if (error.kind === "challengeExpired" && pending) return onExpired(error.message);
      const target = error.kind === "codeMismatch" ? codeField : null;
      return showErrors(screen, [{ field: target, message: error.message }]);
    }
    if (pending) {
      announce("Tweestapsverificatie staat aan.");
      return onDone();
    }
    const done = showScreen(
      main,
      "Tweestapsverificatie staat aan",
      heading("Tweestapsverificatie staat aan"),
      el("p", { text: "Voortaan vraagt het portaal bij het inloggen een code uit de nieuwe authenticator-app." }),
      button("Verder naar het portaal", { type: "button", onclick: onDone }),
    );
    announce("Tweestapsverificatie staat aan.");
    done.querySelector("h1")?.focus();
  });
}

/** "Tweestapsverificatie" in the header: whether it is on, and linking a new app. */
export async function mountMfa(main, { onDone }) {
  const title = "Tweestapsverificatie";
  const loading = showScreen(main, title, heading(title), el("p", { class: "hint", text: "Bezig met laden…" }));
  let on;
  try {
    on = await totpIsOn();
  } catch (error) {
    if (error.name === "SessionExpired") return;
    if (!(error instanceof AuthError)) throw error;
    loading.replaceChildren(heading(title), el("p", { text: error.message }), button("Terug naar het portaal", { type: "button", onclick: onDone }));
    return;
  }
  const setup = () => mountTotpSetup(main, { onDone, onBack: () => mountMfa(main, { onDone }), backText: "Annuleren" });
  showScreen(
    main,
    title,
    heading(title),
    el(
      "p",
      { class: on ? "mfa-status mfa-status--on" : "mfa-status mfa-status--off", id: "mfa-status" },
      on ? "Tweestapsverificatie staat aan." : "Tweestapsverificatie staat uit.",
    ),
    el("p", {
      text: on
        ? "Bij het inloggen vraagt het portaal naast je wachtwoord een code uit je authenticator-app. Heb je een nieuwe telefoon of app? Koppel die dan hieronder; de oude app werkt daarna niet meer."
        : "Stel tweestapsverificatie in: daarna vraagt het portaal bij het inloggen ook een code uit een authenticator-app op je telefoon.",
    }),
    el("p", {}, button(on ? "Nieuwe authenticator-app koppelen" : SETUP_TITLE, { type: "button", onclick: setup })),
    el("p", {}, linkButton("Terug naar het portaal", onDone)),
  );
}
