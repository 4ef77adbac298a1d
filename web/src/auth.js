// Sign-in, around amazon-cognito-identity-js: the only module that talks to Cognito.
//
// Tokens live in sessionStorage (the library's Storage option): they survive a reload of the tab,
// not the tab itself, and never go into a URL, a cookie or a log. The flow is SRP
// (USER_SRP_AUTH, the password never leaves the browser) unless /config.json says otherwise: the
// local stack's moto does not check SRP proofs, so there it says USER_PASSWORD_AUTH, which moto
// does check, through this same code.
import {
  AuthenticationDetails,
  CognitoIdToken,
  CognitoUser,
  CognitoUserPool,
} from "amazon-cognito-identity-js";

export const SESSION_ENDED = "pasjes:session-ended";
// An ID token that expires within this many seconds is refreshed before use.
const REFRESH_MARGIN_SECONDS = 5 * 60;

let pool = null;
let authFlow = "USER_SRP_AUTH";
let refreshing = null;

export function initAuth(config) {
  pool = new CognitoUserPool({
    UserPoolId: config.userPoolId,
    ClientId: config.userPoolClientId,
    endpoint: config.cognitoEndpoint || undefined,
    Storage: window.sessionStorage,
  });
  authFlow = config.authFlow || "USER_SRP_AUTH";
}

// --- errors ----------------------------------------------------------------------------------

// What a person can do about each failure, in plain Dutch; `kind` tells a screen which field it
// belongs to. Wrong password and unknown user read the same, so the form reveals nobody's account.
const MESSAGES = {
  credentials: "E-mailadres of wachtwoord klopt niet",
  codeMismatch: "De code klopt niet. Controleer de code en probeer het opnieuw.",
  codeExpired: "De code is verlopen. Vraag een nieuwe code aan.",
  passwordPolicy: "Het nieuwe wachtwoord voldoet niet aan de eisen hieronder.",
  tooManyAttempts: "Te veel pogingen. Wacht een kwartier en probeer het dan opnieuw.",
  challengeExpired: "Je inlogpoging is verlopen. Log opnieuw in.",
  resetRequired: "Je moet een nieuw wachtwoord instellen. Kies ‘Wachtwoord vergeten’.",
  network: "De inlogdienst is niet bereikbaar. Controleer je internetverbinding en probeer het opnieuw.",
  unavailable: "Inloggen lukt nu niet door een storing. Probeer het over een paar minuten opnieuw.",
};

export class AuthError extends Error {
  constructor(kind) {
    super(MESSAGES[kind]);
    this.name = "AuthError";
    this.kind = kind;
  }
}

function sessionExpired() {
  const error = new Error("Je sessie is verlopen; log opnieuw in");
  error.name = "SessionExpired";
  return error;
}

// Cognito's error codes, by the step they come from: NotAuthorizedException means a wrong
// password when signing in, but an expired session when answering a challenge.
function authError(error, step) {
  const code = (error && (error.code || error.name)) || "";
  switch (code) {
    case "NotAuthorizedException":
      return new AuthError(step === "signIn" ? "credentials" : "challengeExpired");
    case "UserNotFoundException":
      return new AuthError(step === "signIn" ? "credentials" : "codeMismatch");
    case "CodeMismatchException":
    case "EnableSoftwareTokenMFAException":
      return new AuthError("codeMismatch");
    case "ExpiredCodeException":
      return new AuthError("codeExpired");
    case "InvalidPasswordException":
      return new AuthError("passwordPolicy");
    case "LimitExceededException":
    case "TooManyRequestsException":
    case "TooManyFailedAttemptsException":
      return new AuthError("tooManyAttempts");
    case "PasswordResetRequiredException":
      return new AuthError("resetRequired");
    default:
      // The library turns a failed fetch into Error("Network error").
      if (error instanceof TypeError || (error && error.message === "Network error")) {
        return new AuthError("network");
      }
      return new AuthError("unavailable");
  }
}

// --- signing in ------------------------------------------------------------------------------

function normalEmail(email) {
  return email.trim().toLowerCase();
}

function newUser(email) {
  const user = new CognitoUser({
    Username: normalEmail(email),
    Pool: pool,
    Storage: window.sessionStorage,
  });
  user.setAuthenticationFlowType(authFlow);
  return user;
}

// Every step answers one of: {step: "done"}, {step: "newPassword", user},
// {step: "totpSetup", user} (the first sign-in links an authenticator app: the pool requires
// TOTP), {step: "totp", user}; a failure rejects with an AuthError.
function callbacks(user, resolve, reject, step) {
  return {
    onSuccess: () => resolve({ step: "done" }),
    onFailure: (error) => reject(authError(error, step)),
    newPasswordRequired: () => resolve({ step: "newPassword", user }),
    totpRequired: () => resolve({ step: "totp", user }),
    mfaSetup: () => resolve({ step: "totpSetup", user }),
    // SMS codes: the pool offers none, so this means a misconfigured pool.
    mfaRequired: () => reject(new AuthError("unavailable")),
    selectMFAType: () => user.sendMFASelectionAnswer("SOFTWARE_TOKEN_MFA", callbacks(user, resolve, reject, step)),
    customChallenge: () => reject(new AuthError("unavailable")),
  };
}

export function signIn(email, password) {
  const user = newUser(email);
  const details = new AuthenticationDetails({ Username: normalEmail(email), Password: password });
  return new Promise((resolve, reject) => {
    user.authenticateUser(details, callbacks(user, resolve, reject, "signIn"));
  });
}

export function completeNewPassword(pending, newPassword) {
  return new Promise((resolve, reject) => {
    // No attributes: the e-mail address is the administrator's to set, not the client's.
    pending.user.completeNewPasswordChallenge(
      newPassword,
      {},
      callbacks(pending.user, resolve, reject, "newPassword"),
    );
  });
}

export function answerTotp(pending, code) {
  return new Promise((resolve, reject) => {
    pending.user.sendMFACode(
      code.replace(/\s/g, ""),
      callbacks(pending.user, resolve, reject, "totp"),
      "SOFTWARE_TOKEN_MFA",
    );
  });
}

// --- forgotten password ----------------------------------------------------------------------

export function requestPasswordReset(email) {
  const user = newUser(email);
  return new Promise((resolve, reject) => {
    user.forgotPassword({
      onSuccess: () => resolve(),
      inputVerificationCode: () => resolve(),
      onFailure: (error) => {
        // An unknown address gets the same answer as a known one (as the pool's
        // PreventUserExistenceErrors does): nobody learns who has an account.
        if (error && (error.code === "UserNotFoundException" || error.name === "UserNotFoundException")) {
          resolve();
        } else {
          reject(authError(error, "reset"));
        }
      },
    });
  });
}

export function confirmPasswordReset(email, code, newPassword) {
  const user = newUser(email);
  return new Promise((resolve, reject) => {
    user.confirmPassword(code.trim(), newPassword, {
      onSuccess: () => resolve(),
      onFailure: (error) => reject(authError(error, "reset")),
    });
  });
}

// --- the session -----------------------------------------------------------------------------

function loadSession(user) {
  return new Promise((resolve, reject) => {
    user.getSession((error, session) => (error ? reject(error) : resolve(session)));
  });
}

function refresh(user, session) {
  return new Promise((resolve, reject) => {
    user.refreshSession(session.getRefreshToken(), (error, fresh) =>
      error ? reject(error) : resolve(fresh),
    );
  });
}

function endSession() {
  clearTokens();
  window.dispatchEvent(new CustomEvent(SESSION_ENDED));
  return sessionExpired();
}

function clearTokens() {
  const prefix = `CognitoIdentityServiceProvider.${pool ? pool.getClientId() : ""}`;
  for (const key of Object.keys(window.sessionStorage)) {
    if (key.startsWith(prefix)) window.sessionStorage.removeItem(key);
  }
}

function secondsLeft(session) {
  return session.getIdToken().getExpiration() - Math.floor(Date.now() / 1000);
}

async function freshSession() {
  const user = pool && pool.getCurrentUser();
  if (!user) throw endSession();
  let session;
  try {
    session = await loadSession(user);
  } catch (error) {
    // The library already tried the refresh token; none left, or Cognito refused it.
    throw authError(error, "refresh").kind === "network" ? new AuthError("network") : endSession();
  }
  if (secondsLeft(session) > REFRESH_MARGIN_SECONDS) return session;
  try {
    return await refresh(user, session);
  } catch (error) {
    if (authError(error, "refresh").kind === "network" && secondsLeft(session) > 0) {
      return session; // still valid for a while; the next call tries again
    }
    throw authError(error, "refresh").kind === "network" ? new AuthError("network") : endSession();
  }
}

/** A fresh ID token for the API; rejects with name "SessionExpired" when nobody is signed in. */
export async function idToken() {
  // Concurrent callers share one refresh: a refresh token answers one call at a time.
  if (!refreshing) {
    refreshing = freshSession().finally(() => {
      refreshing = null;
    });
  }
  const session = await refreshing;
  return session.getIdToken().getJwtToken();
}

/** True when this tab holds tokens (not whether they still refresh). */
export function isSignedIn() {
  return currentEmail() !== null;
}

export function currentEmail() {
  const user = pool && pool.getCurrentUser();
  if (!user) return null;
  const key = `CognitoIdentityServiceProvider.${pool.getClientId()}.${user.getUsername()}.idToken`;
  const token = window.sessionStorage.getItem(key);
  if (!token) return null;
  try {
    return new CognitoIdToken({ IdToken: token }).decodePayload().email || null;
  } catch {
    return null;
  }
}

/** Revokes the refresh token (Cognito's RevokeToken) and forgets the session in this tab. */
export async function signOut() {
  const user = pool && pool.getCurrentUser();
  if (user) {
    await new Promise((resolve) => {
      // The library's signOut with a callback revokes first; a failure still signs out here.
      user.signOut(() => resolve());
    });
  }
  clearTokens();
}

// --- two-step verification (TOTP) ------------------------------------------------------------

async function signedInUser() {
  const user = pool && pool.getCurrentUser();
  if (!user) throw endSession();
  await freshSession();
  // getSession above loaded the tokens into this same cached user object.
  await loadSession(user);
  return user;
}

/**
 * The secret for a new authenticator app, not yet active: while signing in (`pending`, the
 * MFA_SETUP step, with the sign-in's session) or, signed in, to replace the app.
 */
export async function startTotpSetup(pending = null) {
  const user = pending ? pending.user : await signedInUser();
  return new Promise((resolve, reject) => {
    user.associateSoftwareToken({
      associateSecretCode: (secret) => resolve(secret),
      onFailure: (error) => reject(authError(error, pending ? "totpSetup" : "mfa")),
    });
  });
}

/**
 * Checks a code of the new app and makes TOTP the sign-in's second step. While signing in
 * (`pending`), this also completes the sign-in (the library answers MFA_SETUP and keeps the
 * tokens).
 */
export async function confirmTotpSetup(code, pending = null) {
  const user = pending ? pending.user : await signedInUser();
  const step = pending ? "totpSetup" : "mfa";
  await new Promise((resolve, reject) => {
    user.verifySoftwareToken(code.replace(/\s/g, ""), "Authenticator-app", {
      onSuccess: () => resolve(),
      onFailure: (error) => reject(authError(error, step)),
    });
  });
  await new Promise((resolve, reject) => {
    user.setUserMfaPreference(null, { Enabled: true, PreferredMfa: true }, (error) =>
      error ? reject(authError(error, step)) : resolve(),
    );
  });
}

/** Whether sign-in asks this person for a code of an authenticator app (Cognito's GetUser). */
export async function totpIsOn() {
  const user = await signedInUser();
  const data = await new Promise((resolve, reject) => {
    user.getUserData((error, result) => (error ? reject(authError(error, "mfa")) : resolve(result)), {
      bypassCache: true,
    });
  });
  return (data.UserMFASettingList || []).includes("SOFTWARE_TOKEN_MFA");
}
