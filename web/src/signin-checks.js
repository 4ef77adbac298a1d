// The checks of the sign-in forms: the pool's password rules, the e-mail address, a new password
// twice, a code; and which field an error of Cognito belongs to.
import { AuthError } from "./auth.js";

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

export function emailErrors(emailField) {
  const value = emailField.input.value.trim();
  if (!value) return [{ field: emailField, message: "Vul je e-mailadres in" }];
  if (!validEmail(value)) {
    return [{ field: emailField, message: "Vul een e-mailadres in zoals naam@voorbeeld.nl" }];
  }
  return [];
}

export function newPasswordErrors(passwordField, repeatField, rules) {
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

export function codeErrors(codeField, { digits }) {
  const value = codeField.input.value.replace(/\s/g, "");
  if (!value) return [{ field: codeField, message: "Vul de code in" }];
  if (digits && !/^[0-9]{6}$/.test(value)) {
    return [{ field: codeField, message: "Vul de 6 cijfers van de code in" }];
  }
  return [];
}

/** The field an AuthError belongs to on a screen; null puts it in the summary only. */
export function errorFor(error, fields) {
  if (!(error instanceof AuthError)) throw error;
  const target = {
    credentials: fields.password,
    codeMismatch: fields.code,
    codeExpired: fields.code,
    passwordPolicy: fields.newPassword,
  }[error.kind];
  return [{ field: target || null, message: error.message }];
}
