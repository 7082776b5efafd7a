"""The front end of the accessibility add-on (a11y.py): one anywidget ES module, no build step, no CDN.

It finds the explorer it belongs to (the element with class `target`, an output beside its own) and names what
ipywidgets leaves unnamed (ipywidgets #2650), in ipywidgets 7 (jQuery UI sliders) and 8 (noUiSlider) alike:
  sliders            role=slider, aria-label = the visible label, aria-valuetext = the value the readout shows
                     (a SelectionSlider's option label, 0.5, not its index);
  toggle buttons     role=group named by the label, aria-pressed on each button;
  dropdowns, boxes   aria-label = the visible label;
  the picture        alt = a description of the current picture (the model's `alt`), aria-describedby = readout;
  the readout        aria-live=polite: every change is announced;
  the explorer       role=group named by its title.
A MutationObserver re-applies this whenever the widgets redraw (a slider moved, a picture replaced).
"""

ESM = r"""
const SLIDER = ".widget-slider, .widget-hslider, .widget-vslider";
const HANDLE = ".noUi-handle, .ui-slider-handle";
let counter = 0;

function text(node) {
  return node ? (node.value !== undefined && node.tagName === "INPUT" ? node.value : node.textContent).trim() : "";
}

function set(node, name, value) {
  if (node && value !== undefined && value !== null && node.getAttribute(name) !== String(value)) {
    node.setAttribute(name, String(value));
  }
}

function labelOf(control) {
  const label = control.querySelector(":scope > .widget-label, :scope > label");
  return text(label);
}

function enhance(root, model) {
  set(root, "role", "group");
  set(root, "aria-label", model.get("name"));
  for (const slider of root.querySelectorAll(SLIDER)) {
    const handle = slider.querySelector(HANDLE);
    if (!handle) continue;
    const shown = text(slider.querySelector(".widget-readout"));
    set(handle, "role", "slider");
    set(handle, "tabindex", "0");
    set(handle, "aria-label", labelOf(slider));
    set(handle, "aria-valuetext", shown);
    const number = Number(shown.replace("\u2212", "-"));
    if (handle.classList.contains("ui-slider-handle") && Number.isFinite(number)) {
      set(handle, "aria-valuenow", number);  // ipywidgets 7's jQuery UI handle has no ARIA of its own
    }
  }
  for (const group of root.querySelectorAll(".widget-toggle-buttons")) {
    set(group, "role", "group");
    set(group, "aria-label", labelOf(group));
    for (const button of group.querySelectorAll("button")) {
      set(button, "aria-pressed", button.classList.contains("mod-active") ? "true" : "false");
    }
  }
  for (const box of root.querySelectorAll(".widget-dropdown, .widget-select")) {
    set(box.querySelector("select"), "aria-label", labelOf(box));
  }
  for (const box of root.querySelectorAll(".widget-checkbox")) {
    set(box.querySelector("input"), "aria-label", text(box.querySelector(".widget-label-basic span")) || labelOf(box));
  }
  const readout = root.querySelector(".alibi-readout");
  if (readout) {
    if (!readout.id) readout.id = `alibi-readout-${++counter}`;
    set(readout, "aria-live", "polite");
  }
  for (const picture of root.querySelectorAll(".alibi-picture")) {
    set(picture, "alt", model.get("alt"));
    if (readout) set(picture, "aria-describedby", readout.id);
  }
}

function render({ model, el }) {
  el.classList.add("alibi-a11y");
  const selector = "." + model.get("target");
  const observers = [];
  const seen = new WeakSet();
  const apply = () => {
    for (const root of document.querySelectorAll(selector)) {
      enhance(root, model);
      if (!seen.has(root)) {
        seen.add(root);
        const observer = new MutationObserver(() => enhance(root, model));
        observer.observe(root, { subtree: true, childList: true, characterData: true, attributes: true,
                                 attributeFilter: ["class", "aria-valuetext", "aria-valuenow", "src"] });
        observers.push(observer);
      }
    }
  };
  apply();
  // the explorer's views may render after this one: look again for a while
  let tries = 0;
  const timer = setInterval(() => { apply(); if (++tries > 40) clearInterval(timer); }, 250);
  model.on("change:alt", apply);
  model.on("change:name", apply);
  return () => {
    clearInterval(timer);
    observers.forEach((o) => o.disconnect());
    model.off("change:alt", apply);
    model.off("change:name", apply);
  };
}

export default { render };
"""

# JupyterLab tells a link in running text apart by colour alone (WCAG 1.4.1, axe link-in-text-block): underline them.
CSS = """
.alibi-a11y { display: none; }
.jp-RenderedMarkdown a:not(.jp-InternalAnchorLink), .rendered_html a:not(.anchor-link) { text-decoration: underline; }
"""
