// Two-step verification: link an authenticator app (QR code plus the secret as text), confirm
// it with a code, and from then on sign-in asks for a code too.
import { encode } from "uqr";
import { AuthError, confirmTotpSetup, currentEmail, startTotpSetup } from "./auth.js";
import { announce, button, el, heading, linkButton, onSubmit, showErrors, showScreen, totpField } from "./forms.js";
import { codeErrors } from "./signin-checks.js";
import "./mfa.css";

const ISSUER = "Pasjesportaal";
const SVG = "http://www.w3.org/2000/svg";

function otpauthUri(email, secret) {
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

/** The setup screen in `main`; `onDone()` returns to the portal (also on "Annuleren"). */
export async function mountMfaSetup(main, { onDone }) {
  const loading = showScreen(main, "Tweestapsverificatie instellen", heading("Tweestapsverificatie instellen"));
  let secret;
  try {
    secret = await startTotpSetup();
  } catch (error) {
    if (error.name === "SessionExpired") return; // main.js shows sign-in
    if (!(error instanceof AuthError)) throw error;
    loading.append(el("p", { text: error.message }), button("Terug naar het portaal", { type: "button", onclick: onDone }));
    return;
  }
  const email = currentEmail() || "";
  const codeField = totpField();
  const form = el("form", { novalidate: true }, codeField.wrapper, button("Bevestigen"));
  const screen = showScreen(
    main,
    "Tweestapsverificatie instellen",
    heading("Tweestapsverificatie instellen"),
    el(
      "p",
      {},
      "Met tweestapsverificatie vraagt het portaal bij het inloggen naast je wachtwoord ook een code uit een authenticator-app op je telefoon.",
    ),
    el(
      "ol",
      { class: "steps" },
      el("li", { text: "Open je authenticator-app en kies ‘Account toevoegen’." }),
      el(
        "li",
        {},
        "Scan deze QR-code:",
        el("div", { class: "qr-frame" }, qrCode(otpauthUri(email, secret))),
        "Scannen lukt niet? Voer dan deze sleutel in:",
        el("p", { class: "secret", id: "totp-secret" }, el("code", { text: grouped(secret) })),
      ),
      el("li", { text: "Vul hieronder de code in die de app nu laat zien." }),
    ),
    form,
    el("p", {}, linkButton("Annuleren", onDone)),
  );
  onSubmit(form, async () => {
    const errors = codeErrors(codeField, { digits: true });
    if (errors.length) return showErrors(screen, errors);
    const value = codeField.input.value.replace(/\s/g, "");
    try {
      await confirmTotpSetup(value);
    } catch (error) {
      if (error.name === "SessionExpired") return;
      if (!(error instanceof AuthError)) throw error;
      codeField.input.value = "";
      const target = error.kind === "codeMismatch" ? codeField : null;
      return showErrors(screen, [{ field: target, message: error.message }]);
    }
    const done = showScreen(
      main,
      "Tweestapsverificatie staat aan",
      heading("Tweestapsverificatie staat aan"),
      el("p", { text: "Voortaan vraagt het portaal bij het inloggen ook een code uit je authenticator-app." }),
      button("Verder naar het portaal", { type: "button", onclick: onDone }),
    );
    announce("Tweestapsverificatie staat aan.");
    done.querySelector("h1")?.focus();
  });
}
