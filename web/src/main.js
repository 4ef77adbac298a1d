// The app's shell: reads /config.json, shows sign-in or the portal, and the header's account
// controls. `/` and `/verzoeken` belong to the portal; signing in never changes the URL, so a
// bookmark with filters still opens on those filters after signing in. `/v/{code}` is the public
// check of a pass (what its QR code opens), `/v` the same check with a field to type the code
// printed under the QR code: no sign-in, no account controls, no session.

// The shared stylesheets first (tables and forms style different elements, so their order is
// free), then each screen's own from its module: the cascade lets a screen refine the shared ones.
import "./base.css";
import "./tables.css";
import "./forms.css";
import { currentEmail, initAuth, isSignedIn, SESSION_ENDED, signOut } from "./auth.js";
import { mountPortal } from "./portal.js";
import { mountSignIn } from "./signin.js";
import { mountMfa } from "./mfa.js";
import { announce } from "./forms.js";

// `/v`, `/v/` and `/v/{code}`.
const VERIFY_PATH = /^\/v(?:\/([^/]*))?$/;

const main = document.getElementById("main");
const account = document.getElementById("account");
const accountEmail = document.getElementById("account-email");
const mfaButton = document.getElementById("mfa-button");
const signOutButton = document.getElementById("sign-out-button");
const settingsLink = document.getElementById("settings-link");

let config = null;
let view = "loading"; // "signIn" | "portal" | "mfa" | "verify"
let unmount = null;

function leaveView() {
  // A screen may return a clean-up (timers, listeners) from its mount function.
  if (typeof unmount === "function") unmount();
  unmount = null;
}

function showAccount(signedIn) {
  account.hidden = !signedIn;
  accountEmail.textContent = signedIn ? currentEmail() || "" : "";
}

function showPortal() {
  leaveView();
  view = "portal";
  showAccount(true);
  unmount = mountPortal(main, { config });
}

/** Focus on the page's heading once the portal shows it, so a screen reader starts there. */
function focusHeadingWhenShown() {
  const focus = () => {
    const title = main.querySelector("h1");
    if (!title) return false;
    if (!title.hasAttribute("tabindex")) title.setAttribute("tabindex", "-1");
    title.focus();
    return true;
  };
  if (focus()) return;
  // The portal's heading comes after its first API answer.
  const observer = new MutationObserver(() => {
    if (focus() || view !== "portal") observer.disconnect();
  });
  observer.observe(main, { childList: true, subtree: true });
}

function showPortalAfterSignIn() {
  showPortal();
  focusHeadingWhenShown();
}

function showSignIn(options = {}) {
  leaveView();
  view = "signIn";
  showAccount(false);
  mountSignIn(main, { config, onSignedIn: showPortalAfterSignIn, ...options });
}

function showMfa() {
  leaveView();
  view = "mfa";
  mountMfa(main, { onDone: showPortal });
}

async function showVerify(encodedCode) {
  view = "verify";
  // Whoever checks a pass is not signed in here, and the page says nothing of anyone who is.
  account.hidden = true;
  let code = encodedCode || "";
  try {
    code = decodeURIComponent(code);
  } catch {
    // Not valid percent-encoding: checked as typed, and the server answers "Onbekend".
  }
  // Loaded only here: the portal's own bundle does not carry the check page.
  const { mountVerify } = await import("./verify.js");
  unmount = mountVerify(main, { config, code });
}

// "Instellingen" in the header: within the portal a step in its history (the portal follows
// popstate), elsewhere (two-step verification) an ordinary link.
settingsLink.addEventListener("click", (event) => {
  if (view !== "portal" || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  if (location.pathname !== "/instellingen") history.pushState(null, "", "/instellingen");
  window.dispatchEvent(new PopStateEvent("popstate"));
  main.querySelector("h1")?.focus();
});

async function loadConfig() {
  const response = await fetch("/config.json", { cache: "no-store" });
  if (!response.ok) throw new Error(`config.json: ${response.status}`);
  return response.json();
}

async function start() {
  try {
    config = await loadConfig();
  } catch {
    const title = document.createElement("h1");
    title.textContent = "Het Pasjesportaal kan niet starten";
    const text = document.createElement("p");
    text.textContent = "De instellingen van het portaal zijn niet te laden. Laad de pagina over een paar minuten opnieuw.";
    main.replaceChildren(title, text);
    return;
  }
  const verifyPath = VERIFY_PATH.exec(window.location.pathname);
  if (verifyPath) {
    showVerify(verifyPath[1]);
    return;
  }
  initAuth(config);

  window.addEventListener(SESSION_ENDED, () => {
    // Several calls can fail at once on an expired session; one sign-in screen is enough.
    if (view === "signIn") return;
    showSignIn({ message: "Je sessie is verlopen; log opnieuw in", email: accountEmail.textContent });
    announce("Je sessie is verlopen; log opnieuw in");
  });
  mfaButton.addEventListener("click", showMfa);
  signOutButton.addEventListener("click", async () => {
    await signOut();
    // Nothing of this person stays in the tab: selection, filters, tokens.
    window.sessionStorage.clear();
    window.history.replaceState(null, "", "/");
    showSignIn({ message: "Je bent uitgelogd." });
    announce("Je bent uitgelogd.");
  });

  if (isSignedIn()) showPortal();
  else showSignIn();
}

start();
