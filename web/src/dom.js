// Small DOM helpers shared by the screens: building elements, Dutch counts, the error summary.
import "./forms.css";

/**
 * An element with properties and children. `dataset` and attributes with a dash (aria-*, for)
 * are set as attributes; children may be strings, nodes, or null (left out).
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "dataset") Object.assign(node.dataset, value);
    else if (name.includes("-") || name === "for" || name === "role" || name === "scope") node.setAttribute(name, value === true ? "" : String(value));
    else node[name] = value;
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}

/** "1 pasje", "1.250 pasjes". */
export function plural(count, one, many) {
  return `${count.toLocaleString("nl-NL")} ${count === 1 ? one : many}`;
}

let ids = 0;
/** A document-unique id with a readable prefix. */
export function uid(prefix) {
  ids += 1;
  return `${prefix}-${ids}`;
}

/**
 * A form field: label, optional hint, error message slot and the control, wired with for/id and
 * aria-describedby. `setError(text)` shows or clears the message next to the field.
 */
export function field(label, control, { hint = null, className = "" } = {}) {
  control.id ||= uid("field");
  const hintNode = hint ? el("p", { className: "hint", id: `${control.id}-hint` }, hint) : null;
  const errorNode = el("p", { className: "field-error", id: `${control.id}-error`, hidden: true });
  const wrapper = el(
    "div",
    { className: `form-group ${className}`.trim() },
    el("label", { for: control.id, className: "label" }, label),
    hintNode,
    errorNode,
    control,
  );
  const describedBy = () =>
    [hintNode?.id, errorNode.hidden ? null : errorNode.id].filter(Boolean).join(" ");
  const update = () => {
    const ids = describedBy();
    if (ids) control.setAttribute("aria-describedby", ids);
    else control.removeAttribute("aria-describedby");
  };
  update();
  return {
    wrapper,
    control,
    label,
    setError(text) {
      errorNode.hidden = !text;
      errorNode.replaceChildren(...(text ? [el("span", { className: "visually-hidden" }, "Fout: "), text] : []));
      wrapper.classList.toggle("form-group--error", Boolean(text));
      if (text) control.setAttribute("aria-invalid", "true");
      else control.removeAttribute("aria-invalid");
      update();
    },
  };
}

/**
 * The error summary at the top of a screen: a heading and a link to each field with a problem.
 * `show(errors, {focus})` with [{text, target}] (target: an element to move to) or [] to hide.
 */
export function errorSummary() {
  const heading = el("h2", { className: "error-summary__title", id: uid("error-summary") }, "Er is een probleem");
  const list = el("ul", { className: "error-summary__list" });
  const node = el(
    "div",
    { className: "error-summary", hidden: true, tabIndex: -1, "aria-labelledby": heading.id },
    heading,
    list,
  );
  return {
    node,
    show(errors, { focus = false } = {}) {
      node.hidden = errors.length === 0;
      // role="alert" only while there is something, so screen readers hear a new problem.
      if (errors.length) node.setAttribute("role", "alert");
      else node.removeAttribute("role");
      list.replaceChildren(
        ...errors.map(({ text, target }) => {
          if (!target) return el("li", {}, text);
          const link = el("a", { href: `#${target.id}` }, text);
          link.addEventListener("click", (event) => {
            event.preventDefault();
            target.focus();
            target.scrollIntoView?.({ block: "center" });
          });
          return el("li", {}, link);
        }),
      );
      if (focus && errors.length) node.focus();
    },
  };
}

/** A polite live region of its own, for what changed after an action. */
export function liveRegion(className = "visually-hidden") {
  const node = el("div", { className, role: "status", "aria-live": "polite", "aria-atomic": "true" });
  let timer = null;
  return {
    node,
    say(text) {
      // Emptied first, so the same sentence twice is announced twice.
      node.textContent = "";
      clearTimeout(timer);
      timer = setTimeout(() => {
        node.textContent = text;
      }, 50);
    },
  };
}

/** Calls `fn` at the first call after a quiet spell, then at most once per `wait` ms with the
 * latest arguments: a single keystroke answers at once, fast typing makes few requests. */
export function throttle(fn, wait) {
  let last = 0;
  let timer = null;
  let pending = null;
  const run = () => {
    timer = null;
    last = performance.now();
    const args = pending;
    pending = null;
    fn(...args);
  };
  const throttled = (...args) => {
    pending = args;
    const since = performance.now() - last;
    if (timer) return;
    if (since >= wait) run();
    else timer = setTimeout(run, wait - since);
  };
  throttled.cancel = () => {
    clearTimeout(timer);
    timer = null;
    pending = null;
  };
  return throttled;
}

/** Calls `fn` once `wait` ms have passed without another call. */
export function debounce(fn, wait) {
  let timer = null;
  const debounced = (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), wait);
  };
  debounced.cancel = () => clearTimeout(timer);
  return debounced;
}
