// The signed-in portal: the manual's two tabs, "Download certificaten" (/) and
// "Ingestuurde verzoeken" (/verzoeken), as links in a nav with aria-current, routed in the page.
import "./tables.css";
import "./portal.css";
import { createApi } from "./api.js";
import { el } from "./dom.js";
import { mountRequests } from "./requests.js";
import { mountSearch } from "./search.js";
import { mountSettings } from "./settings.js";

const REQUESTS_PATH = "/verzoeken";
// Reached from the header's "Instellingen" (and from every monthly overview mail).
const SETTINGS_PATH = "/instellingen";
const TITLES = { "/": "Download certificaten", [REQUESTS_PATH]: "Ingestuurde verzoeken", [SETTINGS_PATH]: "Instellingen" };

function routeOf(pathname) {
  const path = pathname.replace(/\/+$/, "");
  return path === REQUESTS_PATH || path === SETTINGS_PATH ? path : "/";
}

export function mountPortal(main, { config }) {
  const api = createApi(config);
  // Going back to the first tab returns to the search as it was left.
  let searchUrl = routeOf(location.pathname) === "/" ? location.pathname + location.search : "/";

  const searchLink = el("a", { href: searchUrl, className: "tabs__link" }, "Download certificaten");
  const requestsLink = el("a", { href: REQUESTS_PATH, className: "tabs__link" }, "Ingestuurde verzoeken");
  const nav = el(
    "nav",
    { "aria-label": "Onderdelen van het portaal" },
    el("ul", { className: "tabs" }, el("li", {}, searchLink), el("li", {}, requestsLink)),
  );
  const content = el("div", { className: "portal__content" });
  const loading = el("p", { className: "hint" }, "Bezig met laden…");
  main.replaceChildren(el("div", { className: "portal" }, nav, content));
  content.append(loading);

  let me = null;
  let current = null; // { route, view }

  function markTabs(route) {
    for (const [link, path] of [[searchLink, "/"], [requestsLink, REQUESTS_PATH]]) {
      if (path === route) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    }
  }

  function show(route, { focus = false, submitted = null } = {}) {
    markTabs(route);
    if (current && current.route === route && !submitted) {
      current.view.update();
      return;
    }
    current?.view.destroy();
    const context = {
      api,
      me,
      navigate,
      rememberSearchUrl(url) {
        searchUrl = url;
        searchLink.href = url;
      },
    };
    const view = route === REQUESTS_PATH
      ? mountRequests(content, { ...context, submitted })
      : route === SETTINGS_PATH
        ? mountSettings(content, context)
        : mountSearch(content, context);
    current = { route, view };
    document.title = `${TITLES[route]} - Pasjesportaal`;
    if (focus) view.heading.focus();
  }

  function navigate(path, { submitted = null } = {}) {
    const route = routeOf(path.split("?")[0]);
    history.pushState(null, "", path);
    show(route, { focus: true, submitted });
  }

  function onTabClick(event) {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    const link = event.currentTarget;
    const target = link === searchLink ? searchUrl : REQUESTS_PATH;
    if (location.pathname + location.search !== target) history.pushState(null, "", target);
    show(routeOf(target.split("?")[0]), { focus: true });
  }
  searchLink.addEventListener("click", onTabClick);
  requestsLink.addEventListener("click", onTabClick);

  const onPopState = () => {
    if (me) show(routeOf(location.pathname));
  };
  window.addEventListener("popstate", onPopState);

  async function start() {
    try {
      me = await api.me();
    } catch (error) {
      const retry = el("button", { type: "button", className: "button" }, "Probeer opnieuw");
      retry.addEventListener("click", () => {
        content.replaceChildren(loading);
        start();
      });
      content.replaceChildren(
        el("div", { className: "message message--error", role: "alert" }, el("p", {}, `Je gegevens konden niet worden geladen. ${error.message}`), retry),
      );
      return;
    }
    content.replaceChildren();
    if (!me.organisations.length) {
      content.append(
        el("h1", {}, "Geen organisatie"),
        el("p", {}, "Je bent (nog) geen contactpersoon van een organisatie, dus er zijn geen kwalificatiehouders te zien. Vraag Het Oranje Kruis om je als contactpersoon in te schrijven."),
      );
      return;
    }
    show(routeOf(location.pathname));
  }
  start();

  // The shell calls this when it leaves the portal (sign-out, an ended session).
  return function unmount() {
    window.removeEventListener("popstate", onPopState);
    current?.view.destroy();
    current = null;
  };
}
