"""The quiz's own front end (an anywidget ES module and its CSS), kept as text so the package ships it as code.

The DOM: a group (role="group") whose accessible name is the question, one native <button> per option letter
(Tab, Space and Enter work as for any button; arrow keys move between the letters), and a live region
(role="status", aria-live="polite") that the feedback is written into, so a screen reader announces it.
Key presses inside the group stop there: JupyterLab would otherwise move its cell selection on the arrow keys.
A click sends {"pick": letter} to the kernel; the kernel checks it and sets `feedback` and `picked`.

Once this module renders, its CSS hides the plain-ipywidgets row beside it (.alibi-quiz-fallback): where the
module does not load, that row is what the student answers with.
"""

ESM = r"""
function render({ model, el }) {
  const root = document.createElement("div");
  root.className = "alibi-quiz-live";

  const group = document.createElement("div");
  group.setAttribute("role", "group");
  group.setAttribute("aria-label", model.get("question"));
  group.className = "alibi-quiz-options";

  const buttons = model.get("letters").map((letter) => {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = letter;
    b.setAttribute("aria-label", `Option ${letter}`);
    b.setAttribute("aria-pressed", "false");
    b.dataset.letter = letter;
    b.addEventListener("click", () => model.send({ pick: letter }));
    group.appendChild(b);
    return b;
  });

  // Keys stay inside the quiz (JupyterLab moves its cell selection on arrows); arrows move between letters.
  group.addEventListener("keydown", (event) => {
    event.stopPropagation();
    const at = buttons.indexOf(document.activeElement);
    if (at < 0) return;
    const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key];
    if (step) {
      event.preventDefault();
      buttons[(at + step + buttons.length) % buttons.length].focus();
    }
  });

  const live = document.createElement("div");
  live.setAttribute("role", "status");
  live.setAttribute("aria-live", "polite");
  live.className = "alibi-quiz-feedback";

  const show = () => {
    const picked = model.get("picked");
    for (const b of buttons) b.setAttribute("aria-pressed", String(b.dataset.letter === picked));
    live.textContent = model.get("feedback");
    live.dataset.kind = model.get("kind");
  };
  model.on("change:feedback", show);
  model.on("change:picked", show);
  model.on("change:kind", show);
  show();

  root.append(group, live);
  el.appendChild(root);
  return () => {
    model.off("change:feedback", show);
    model.off("change:picked", show);
    model.off("change:kind", show);
  };
}
export default { render };
"""

# The buttons set both their colours (≥ 4.5:1 in any theme); the feedback's text keeps the theme's colour, and its
# state is in the words (✓ Correct / ✗ Not yet), the border colour only repeats it.
CSS = r"""
.alibi-quiz:has(.alibi-quiz-live) > .alibi-quiz-fallback { display: none !important; }
.alibi-quiz-options { display: flex; flex-wrap: wrap; gap: 6px; margin: 4px 0; }
.alibi-quiz-options button {
  min-width: 2.75em; min-height: 2.2em; padding: 2px 10px; font: inherit; font-weight: 600;
  color: #1a1a1a; background: #fff; border: 2px solid #595959; border-radius: 4px; cursor: pointer;
}
.alibi-quiz-options button[aria-pressed="true"] { background: #1a1a1a; color: #fff; border-color: #1a1a1a; }
.alibi-quiz-options button:focus-visible { outline: 3px solid #0b57d0; outline-offset: 2px; }
.alibi-quiz-feedback:not(:empty) { border-left: 4px solid #595959; padding: 4px 10px; margin: 4px 0; }
.alibi-quiz-feedback[data-kind="right"] { border-left-color: #1a7f37; }
.alibi-quiz-feedback[data-kind="wrong"] { border-left-color: #b35900; }
"""
