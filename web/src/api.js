// The only code that calls our API: adds the ID token, turns {message, code} into Dutch text,
// and tells the app (window event "pasjes:session-ended") when the session is over.
import { idToken, SESSION_ENDED } from "./auth.js";

const FIELD_LABELS = {
  organisation: "Organisatie",
  examType: "Examentype",
  examNumber: "Examennummer",
  expiryFrom: "Vervaldatum vanaf",
  expiryTo: "Vervaldatum tot en met",
  q: "Zoeken",
  reference: "Persoonlijk kenmerk",
  qualificationCodes: "Kwalificaties",
  expiryDates: "Vervaldata",
};

const PARAMETER_PROBLEMS = {
  examType: "Kies een examentype uit de lijst.",
  examNumber: "Een examennummer bestaat uit letters, cijfers, - of _ (hoogstens 20 tekens), bijvoorbeeld EX45465.",
  expiryFrom: "Vervaldatum vanaf is geen bestaande datum. Typ de datum als dd-mm-jjjj, bijvoorbeeld 01-04-2026.",
  expiryTo: "Vervaldatum tot en met is geen bestaande datum. Typ de datum als dd-mm-jjjj, bijvoorbeeld 01-04-2026.",
  q: "Zoeken: dit is geen bestaande datum. Typ een geboortedatum als dd-mm-jjjj, of zoek op kwalificatienummer of naam.",
  organisation: "Kies een organisatie uit de lijst.",
};

/** An API failure, its message in plain Dutch; `field` names the form field it belongs to. */
export class ApiError extends Error {
  constructor(message, { status = 0, code = "network", field = null, details = {} } = {}) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.field = field;
    this.details = details;
  }
}

function plural(count, one, many) {
  return `${count.toLocaleString("nl-NL")} ${count === 1 ? one : many}`;
}

/** The Dutch text for an error body of the API (or of API Gateway in front of it). */
export function dutchMessage(status, body) {
  const code = body?.code ?? "";
  switch (code) {
    case "unauthenticated":
      return "Je sessie is verlopen. Log opnieuw in; je selectie en filters blijven bewaard.";
    case "access_denied":
      return "Je mag dit niet opvragen met deze inlog. Log opnieuw in en probeer het nog eens.";
    case "invalid_parameter": {
      const parameter = body.parameter ?? "";
      return PARAMETER_PROBLEMS[parameter]
        ?? `${FIELD_LABELS[parameter] ?? "Een zoekveld"} heeft een waarde die niet kan. Pas het aan en probeer het opnieuw.`;
    }
    case "unknown_parameter":
    case "bad_request":
    case "unsupported_media_type":
      return "De server begreep deze vraag van de app niet. Laad de pagina opnieuw en probeer het nog eens.";
    case "invalid_body": {
      if (body.field === "reference") return "Persoonlijk kenmerk mag hoogstens 100 tekens lang zijn.";
      if ((body.field ?? "").startsWith("qualificationNumbers")) {
        return "De selectie bevat een kwalificatienummer dat niet klopt. Maak de selectie leeg en voeg de kwalificatiehouders opnieuw toe.";
      }
      return "De server begreep dit verzoek niet. Laad de pagina opnieuw en probeer het nog eens.";
    }
    case "request_too_large":
      return "De selectie is te groot om in één keer te versturen. Maak de selectie kleiner.";
    case "invalid_cursor":
      return "Deze pagina hoort bij een eerdere zoekopdracht. De resultaten beginnen weer bij de eerste pagina.";
    case "organisation_required":
      return "Kies eerst een organisatie.";
    case "organisation_not_found":
      return "Deze organisatie hoort niet (meer) bij je account. Kies een andere organisatie of log opnieuw in.";
    case "holder_not_found":
      return "Deze kwalificatiehouder staat niet (meer) ingeschreven bij deze organisatie.";
    case "holders_not_found": {
      const numbers = body.qualificationNumbers ?? [];
      return `${plural(numbers.length, "kwalificatiehouder", "kwalificatiehouders")} uit je selectie ${numbers.length === 1 ? "staat" : "staan"} niet (meer) ingeschreven bij deze organisatie (${numbers.join(", ")}). Verwijder ${numbers.length === 1 ? "deze" : "ze"} uit de selectie en probeer het opnieuw.`;
    }
    case "too_many_passes":
      return `Dit verzoek levert ${plural(body.passCount ?? 0, "pasje", "pasjes")} op; in één verzoek passen er hoogstens ${body.limit ?? 250}. Verdeel de selectie over meerdere verzoeken.`;
    case "no_passes":
      return "Met deze keuzes is er geen enkel pasje te maken: geen van de gekozen kwalificatiehouders heeft een kwalificatie met de gekozen kwalificaties en vervaldata. Kies andere kwalificaties of vervaldata.";
    case "export_too_large":
      if (body.maxSize) {
        return `Dit bestand zou ${(body.size / 1e6).toLocaleString("nl-NL", { maximumFractionDigits: 1 })} MB worden; een export mag hoogstens ${(body.maxSize / 1e6).toLocaleString("nl-NL", { maximumFractionDigits: 1 })} MB zijn. Verfijn de filters (examentype, examennummer, Verloopt binnen) en exporteer de delen.`;
      }
      return `Deze zoekopdracht vindt ${plural(body.count ?? 0, "kwalificatiehouder", "kwalificatiehouders")}; een export bevat er hoogstens ${(body.limit ?? 10000).toLocaleString("nl-NL")}. Verfijn de filters (examentype, examennummer, Verloopt binnen) en exporteer de delen.`;
    case "idempotency_key_reused":
      return "Dit verzoek leek op een eerder verzoek met andere gegevens. Klik nog een keer op de knop om het opnieuw in te dienen.";
    case "request_in_progress":
      return "Dit verzoek wordt nog verwerkt. Wacht een paar seconden en probeer het opnieuw; er komt geen dubbel verzoek.";
    case "request_not_found":
      return "Dit verzoek bestaat niet (meer). Vernieuw de lijst met ingestuurde verzoeken.";
    case "request_not_ready":
      return "De pasjes van dit verzoek zijn nog niet klaar. Wacht tot de status 'Klaar' is en probeer het dan opnieuw.";
    case "request_expired":
      return "De 7 dagen van dit verzoek zijn voorbij en de pasjes zijn verwijderd. Dien een nieuw verzoek in.";
    case "queue_unavailable":
      return "Het verzoek kon niet in behandeling worden genomen en staat als mislukt in de lijst. Probeer het over een paar minuten opnieuw.";
    case "throttled":
      return "Er komen te veel vragen tegelijk binnen. Wacht even en probeer het dan opnieuw.";
    case "too_many_pending":
      return "Je hebt al 10 verzoeken in behandeling. Wacht tot er een klaar is (zie 'Ingestuurde verzoeken') en dien dit verzoek daarna in; je selectie blijft bewaard.";
    case "daily_limit_reached":
      return "Je hebt vandaag het maximum van 100 verzoeken bereikt. Morgen kun je weer verzoeken indienen; je selectie blijft bewaard.";
    case "busy":
      return "Het is op dit moment erg druk. Probeer het over een paar seconden opnieuw; er is niets verloren gegaan.";
    case "request_blocked":
      return "Dit verzoek is tegengehouden door de beveiliging van de portal. Laad de pagina opnieuw en probeer het nog eens; lukt het dan nog niet, neem contact op met de beheerder.";
    case "route_not_found":
      return "Deze functie is niet beschikbaar op de server. Laad de pagina opnieuw; lukt het dan nog niet, neem contact op met de beheerder.";
    default:
      if (status === 429) return "Er komen te veel vragen tegelijk binnen. Wacht even en probeer het dan opnieuw.";
      return "De server kon dit nu niet afhandelen. Probeer het over een minuut opnieuw; lukt het dan nog niet, neem contact op met de beheerder.";
  }
}

function fieldOf(body) {
  if (body?.code === "invalid_parameter" || body?.code === "organisation_required") return body.parameter ?? null;
  if (body?.code === "invalid_body") return body.field ?? null;
  return null;
}

function sessionEnded() {
  window.dispatchEvent(new CustomEvent(SESSION_ENDED));
  return new ApiError(dutchMessage(401, { code: "unauthenticated" }), { status: 401, code: "unauthenticated" });
}

const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

/** The API of the portal at `config.apiBaseUrl`; every method returns the decoded JSON. */
export function createApi(config) {
  const base = String(config.apiBaseUrl).replace(/\/+$/, "");

  /** `file`: the answer is a file (the export), returned as { blob, fileName }. */
  async function call(method, path, { body, signal, headers = {}, file = false } = {}) {
    let token;
    try {
      token = await idToken();
    } catch (error) {
      if (error?.name === "SessionExpired") throw sessionEnded();
      throw error;
    }
    const init = { method, signal, headers: { Authorization: token, ...headers }, cache: "no-store" };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(`${base}${path}`, init);
    } catch (error) {
      if (error?.name === "AbortError") throw error;
      throw new ApiError(
        "Geen verbinding met de server. Controleer je internetverbinding en probeer het opnieuw.",
        { code: "network" },
      );
    }
    if (file && response.ok) {
      const disposition = response.headers.get("Content-Disposition") ?? "";
      const fileName = /filename="([^"]+)"/.exec(disposition)?.[1] ?? "export";
      return { blob: await response.blob(), fileName };
    }
    const data = await response.json().catch(() => null);
    if (response.ok) return data;
    if (response.status === 401) throw sessionEnded();
    throw new ApiError(dutchMessage(response.status, data), {
      status: response.status,
      code: data?.code ?? "http_error",
      field: fieldOf(data),
      details: data ?? {},
    });
  }

  return {
    me: (options) => call("GET", "/me", options),
    examTypes: (organisation, options) => call("GET", `/exam-types${query({ organisation })}`, options),
    holders: (params, options) => call("GET", `/holders${query(params)}`, options),
    /** The list as a file: format "csv" or "xlsx" (asked for by its type, so API Gateway sends bytes). */
    exportHolders: (params, format, options = {}) =>
      call("GET", `/holders/export${query({ ...params, format })}`, {
        ...options,
        file: true,
        headers: { Accept: format === "xlsx" ? XLSX_TYPE : "text/csv" },
      }),
    holder: (organisation, number, options) =>
      call("GET", `/holders/${encodeURIComponent(number)}${query({ organisation })}`, options),
    preview: (body, options) => call("POST", "/requests/preview", { ...options, body }),
    /** `idempotencyKey`: the same key for a retry of the same request, so it is made once. */
    submit: (body, idempotencyKey = crypto.randomUUID(), options = {}) =>
      call("POST", "/requests", { ...options, body, headers: { "Idempotency-Key": idempotencyKey } }),
    requests: (options) => call("GET", "/requests", options),
    settings: (options) => call("GET", "/settings", options),
    saveSettings: (body, options = {}) => call("PUT", "/settings", { ...options, body }),
    request: (id, options) => call("GET", `/requests/${encodeURIComponent(id)}`, options),
    download: (id, options) => call("GET", `/requests/${encodeURIComponent(id)}/download`, options),
  };
}
