// The sign-in screens: sign in, a first new password, linking an authenticator app (the first
// sign-in: the pool requires two-step verification; the screen is mfa.js's), the code of the
// authenticator app, and a forgotten password. The form helpers are in forms.js, the checks of
// what is typed in signin-checks.js (the MFA setup shares both).
import {
  AuthError,
  answerTotp,
  completeNewPassword,
  confirmPasswordReset,
  requestPasswordReset,
  signIn,
} from "./auth.js";
import { announce, button, el, field, heading, linkButton, onSubmit, showErrors, showScreen, totpField } from "./forms.js";
import { mountTotpSetup } from "./mfa.js";
import { codeErrors, emailErrors, errorFor, newPasswordErrors, passwordRules } from "./signin-checks.js";
import "./signin.css";

function emailAddressField(value) {
  return field({ id: "email", label: "E-mailadres", type: "email", autocomplete: "username", value });
}

/** The new password and the same again, with the pool's rules as the hint. */
function newPasswordFields(rules) {
  return [
    field({ id: "new-password", label: "Nieuw wachtwoord", type: "password", autocomplete: "new-password", hint: rules.hint }),
    field({ id: "repeat-password", label: "Herhaal nieuw wachtwoord", type: "password", autocomplete: "new-password" }),
  ];
}

function notice(text) {
  return text ? el("div", { class: "notice", role: "status" }, el("p", { text })) : null;
}

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
    if (result.step === "newPassword") return newPasswordScreen(result, typedEmail);
    if (result.step === "totpSetup") return totpSetupScreen(result, typedEmail);
    if (result.step === "totp") return totpScreen(result, typedEmail);
    return done();
  }

  function totpSetupScreen(pending, typedEmail) {
    mountTotpSetup(main, {
      pending,
      onDone: done,
      onBack: () => signInScreen({ email: typedEmail }),
      backText: "Terug naar inloggen",
      onExpired: (text) => signInScreen({ message: text, email: typedEmail }),
    });
  }

  function signInScreen({ message: text, email: prefilled } = {}) {
    const emailField = emailAddressField(prefilled);
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

  function newPasswordScreen(pending, typedEmail) {
    const [passwordField, repeatField] = newPasswordFields(rules);
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
        next(await completeNewPassword(pending, passwordField.input.value), typedEmail);
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
      el("p", {
        class: "hint",
        text: "Telefoon kwijt, of een nieuwe telefoon zonder de app? Vraag Het Oranje Kruis je tweestapsverificatie opnieuw in te stellen. Daarna koppel je bij het inloggen een nieuwe app.",
      }),
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
    const emailField = emailAddressField(prefilled);
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
    const [passwordField, repeatField] = newPasswordFields(rules);
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
