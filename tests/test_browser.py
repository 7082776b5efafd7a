"""Every notebook in a real front end + headless Chromium: Run All, no errors, every control moves its picture.

nbval runs notebooks in a bare kernel; only a browser shows that a student's key press on a slider changes the picture
and its readout. Every control of every explorer is used as a student would: sliders by arrow keys (length L and
heads H included, and the cell controls query i / key j / head k, whose cell the readout must state), toggle
buttons and checkboxes by a click, drop-downs by choosing the next option; then a click on a heatmap cell must put
that cell's values in the readout where ipyevents has a front end (JupyterLab, Notebook 7), and must change nothing
and raise nothing where it has none (the classic Notebook). Each action's latency (input event -> the frame showing
the new picture) is summarised per control at the end.
Front ends: JupyterLab 4 (default); ALIBI_FRONT_END=classic runs every notebook in the classic Notebook 6.5 instead
(`make test-compat`, with ipywidgets 7.7); test_explorer_in_notebook7 runs notebook 01 in Notebook 7's interface.
The server serves a temporary copy of notebooks/ with ALIBI_EDU_QUICK=1 in the kernels' environment, which shrinks
the training in notebooks 04-05 to a UI-sized run (the full-size runs are validated by nbval); with FIGURES_DIR set
(`make figures`) each explorer's screenshot is saved there as it first shows (explorer_NN_name.png) and after its
controls and a cell click were used (explorer_NN_name_used.png).
Needs the system Chromium (`apt-get install chromium`); skipped without it, except in CI where that is a failure.
"""
import io
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

NOTEBOOKS = Path(os.environ.get("ALIBI_NOTEBOOKS") or Path(__file__).resolve().parents[1] / "notebooks")  # or a trial
FIGURES_DIR = os.environ.get("FIGURES_DIR")
FRONT_END = os.environ.get("ALIBI_FRONT_END", "lab")  # lab | classic
CELL_CONTROLS = ("query", "key", "head")  # sliders that select the cell the readout reads
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
RUN_ALL_TIMEOUT_S = 900 if FIGURES_DIR else 150
LATENCY_GOAL_MS = 100
MOVES = ("forward", "back")  # two key presses per slider

# User settings for the throwaway JupyterLab: no news or update checks, every cell attached to the DOM.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        '{"fetchNews": "false", "checkForUpdates": false}',
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": '{"windowingMode": "none"}',
}


# --- JupyterLab on a free loopback port ---------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


SERVERS = {  # front end -> the server command's module and options (after the port, token and root)
    "lab": ("jupyterlab", ["--ServerApp.port_retries=0", "--IdentityProvider.token={token}",
                           "--ServerApp.root_dir={root}", "--LabApp.expose_app_in_browser=True"]),
    "notebook7": ("notebook", ["--ServerApp.port_retries=0", "--IdentityProvider.token={token}",
                               "--ServerApp.root_dir={root}", "--JupyterNotebookApp.expose_app_in_browser=True"]),
    "classic": ("notebook", ["--NotebookApp.port_retries=0", "--NotebookApp.token={token}",
                             "--NotebookApp.notebook_dir={root}"]),
}


@contextmanager
def jupyter_lab(notebooks: Path, quick: bool = True, front_end: str = "lab"):
    """Serve a temporary copy of `notebooks` from an isolated JupyterLab (or another front end's server);
    yields (base_url, token)."""
    with tempfile.TemporaryDirectory(prefix="alibi-lab-") as tmp:
        tmp = Path(tmp)
        root = tmp / "notebooks"
        shutil.copytree(notebooks, root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        for name, text in LAB_SETTINGS.items():
            (tmp / "settings" / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp / "settings" / name).write_text(text)
        env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp / "runtime"), "JUPYTER_CONFIG_DIR": str(tmp / "config"),
               "JUPYTER_DATA_DIR": str(tmp / "data"), "JUPYTERLAB_SETTINGS_DIR": str(tmp / "settings"),
               "JUPYTERLAB_WORKSPACES_DIR": str(tmp / "workspaces"), "IPYTHONDIR": str(tmp / "ipython"),
               "ALIBI_EDU_QUICK": os.environ.get("ALIBI_EDU_QUICK", "1" if quick else "0")}
        port, token = free_port(), secrets.token_hex(16)
        module, options = SERVERS[front_end]
        cmd = [sys.executable, "-m", module, "--no-browser", "--ip=127.0.0.1", f"--port={port}",
               *(o.format(token=token, root=root) for o in options)]
        if os.geteuid() == 0:
            cmd.append("--allow-root")
        log = open(tmp / "lab.log", "w+")
        proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(f"{base}/api/status?token={token}", proc, log)
            yield base, token
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
            log.close()


def wait_until_up(url: str, proc: subprocess.Popen, log, timeout_s: float = 90) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"the Jupyter server exited with {proc.returncode}:\n{log.read()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"the Jupyter server did not answer {url} within {timeout_s} s")


# --- Chromium ------------------------------------------------------------------------------------------------------

def chromium_or_skip() -> str:
    """Path of the system Chromium; skip without it (a failure in CI, where the test must run)."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    try:
        import playwright  # noqa: F401 (only: is it installed?)
    except ImportError:
        path, why = None, "the playwright package is missing: run `make setup`"
    else:
        why = "Chromium not found: install it with `sudo apt-get install -y chromium` to run the browser test"
    if path is None:
        if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
            pytest.fail(f"{why} (CI must run the browser test, not skip it)")
        pytest.skip(why)
    return path


# --- In-page helpers (JupyterLab's app object is exposed as window.jupyterapp) ----------------------------------

OPEN_AND_RUN_ALL = """async (path) => {
  const app = window.jupyterapp;
  const nb = await app.commands.execute('docmanager:open', {path, factory: 'Notebook'});
  await nb.context.ready;
  await nb.sessionContext.ready;
  window.__nb = nb;
  window.__root = nb.node;
  window.__runAll = undefined;
  app.shell.activateById(nb.id);
  app.commands.execute('notebook:run-all-cells').then(ok => window.__runAll = String(ok),
                                                      err => window.__runAll = 'error: ' + err);
  return nb.id;
}"""

CLOSE = """async () => { const nb = window.__nb;
  await nb.sessionContext.shutdown(); nb.context.model.dirty = false; nb.close(); }"""

# Notebook 7: one notebook per page; its app is JupyterLab's, so the helpers above apply once window.__nb is set.
NOTEBOOK7_OPEN_AND_RUN_ALL = """async () => {
  const app = window.jupyterapp, sleep = ms => new Promise(r => setTimeout(r, ms));
  await app.restored;
  let nb;
  while (!(nb = app.shell.currentWidget) || !nb.sessionContext) await sleep(100);
  await nb.context.ready;
  await nb.sessionContext.ready;
  window.__nb = nb;
  window.__root = nb.node;
  window.__runAll = undefined;
  app.commands.execute('notebook:run-all-cells').then(ok => window.__runAll = String(ok),
                                                      err => window.__runAll = 'error: ' + err);
  return nb.id;
}"""

# The classic Notebook 6.5 (window.Jupyter), as Colab's widget manager mirrors it.
CLASSIC_OPEN_AND_RUN_ALL = """async () => {
  const sleep = ms => new Promise(r => setTimeout(r, ms));
  while (!(window.Jupyter && Jupyter.notebook && Jupyter.notebook._fully_loaded && Jupyter.notebook.kernel
           && Jupyter.notebook.kernel.is_connected())) await sleep(100);
  await sleep(500);  // the widget manager registers its comm target once the kernel is ready
  window.__nb = undefined;
  window.__root = document.getElementById('notebook-container');
  Jupyter.notebook.execute_all_cells();
  return 'notebook-container';
}"""

CLASSIC_SETTLED = """() => {
  const cells = Jupyter.notebook.get_cells().filter(c => c.cell_type === 'code');
  const queued = cells.some(c => c.element[0].querySelector('.input_prompt').textContent.includes('*'));
  const idle = document.querySelector('#kernel_indicator_icon').classList.contains('kernel_idle_icon');
  if (idle && !queued) window.__runAll = String(cells.every(c => typeof c.input_prompt_number === 'number'));
  return idle && !queued;
}"""

# Errors of the classic front end: error outputs, and what a widget callback raised (ipywidgets 7 puts it in the
# cell's output area there, not in a log console).
CLASSIC_ERRORS = """() => {
  const found = [];
  Jupyter.notebook.get_cells().forEach((c, i) => {
    for (const o of (c.output_area ? c.output_area.outputs : []))
      if (o.output_type === 'error') found.push(`cell ${i}: ${o.ename}: ${o.evalue}`);
  });
  for (const el of document.querySelectorAll('#notebook-container .output_subarea')) {
    const text = el.textContent;
    if (el.classList.contains('output_error') || text.includes('Traceback (most recent call last)')
        || text.includes('Error displaying widget')) found.push(text.slice(0, 300));
  }
  return found;
}"""

CLASSIC_CLOSE = """async () => { Jupyter.notebook.set_dirty(false); window.onbeforeunload = null;
  await fetch(`${Jupyter.notebook.base_url}api/sessions/${Jupyter.notebook.session.id}`,
              {method: 'DELETE', headers: {'X-XSRFToken': document.cookie.match(/_xsrf=([^;]*)/)?.[1] || ''}}); }"""

SETTLED = """() => {
  const nb = window.__nb, kernel = nb.sessionContext.session && nb.sessionContext.session.kernel;
  const queued = [...nb.node.querySelectorAll('.jp-InputArea-prompt')].some(p => p.textContent.includes('*'));
  return window.__runAll !== undefined && kernel && kernel.status === 'idle' && !queued;
}"""

ERRORS = """() => {
  const cells = window.__nb.content.model.cells, found = [];
  for (let i = 0; i < cells.length; i++) {
    const outs = cells.get(i).outputs ? cells.get(i).outputs.toJSON() : [];
    for (const o of outs) if (o.output_type === 'error') found.push(`cell ${i}: ${o.ename}: ${o.evalue}`);
  }
  for (const el of window.__nb.node.querySelectorAll('.jp-OutputArea-output')) {
    const text = el.textContent;
    if ((el.dataset.mimeType || '').includes('error') || text.includes('Traceback (most recent call last)')
        || text.includes('Error displaying widget')) found.push(text.slice(0, 300));
  }
  return found;
}"""

# Errors raised in widget callbacks (e.g. on a slider move) go to JupyterLab's log console, not to a cell.
LOGGED_ERRORS = """async () => {
  const nb = window.__nb, app = window.jupyterapp, toggle = 'logconsole:open';  // opens, or closes if open
  if (!app.commands.hasCommand(toggle)) return [];  // Notebook 7 has no log console: errors show in the cells
  if (app.commands.isToggled(toggle)) await app.commands.execute(toggle);
  await app.commands.execute(toggle, {source: nb.context.path, insertMode: 'split-bottom'});
  await new Promise(r => setTimeout(r, 300));
  const found = [...document.querySelectorAll('.jp-LogConsolePanel .jp-OutputArea-child')]
    .filter(c => c.querySelector('[data-log-level="error"], [data-log-level="critical"]'))
    .map(c => c.textContent.slice(0, 400));
  await app.commands.execute(toggle);
  app.shell.activateById(nb.id);
  return found;
}"""

PICTURES_READY = """() => [...window.__root.querySelectorAll('.alibi-explorer')].every(ex => {
  const pic = ex.querySelector('.alibi-picture');
  const imgs = pic ? [...pic.querySelectorAll('img'), ...(pic.tagName === 'IMG' ? [pic] : [])] : [];
  return pic && pic.offsetHeight > 0 && imgs.every(i => i.complete && i.naturalWidth > 0);
})"""

# Timestamps on performance.now(): the input event (key, pointer or select change), and the animation frame that first
# shows each change of the picture (after any new <img> has decoded). The last such frame is when the student sees
# the new picture.
ARM_PROBE = """(k) => {
  const pic = window.__root.querySelectorAll('.alibi-explorer')[k].querySelector('.alibi-picture');
  const probe = window.__probe = {key: null, painted: [], last: null};
  const mark = e => { if (probe.key === null) probe.key = e.timeStamp; };
  for (const type of ['keydown', 'pointerdown', 'mousedown', 'change'])
    document.addEventListener(type, mark, {capture: true, once: true});
  const observer = new MutationObserver(async () => {
    probe.last = performance.now();
    const imgs = [...pic.querySelectorAll('img'), ...(pic.tagName === 'IMG' ? [pic] : [])];
    await Promise.all(imgs.map(i => i.decode().catch(() => null)));
    requestAnimationFrame(t => probe.painted.push(t));
  });
  observer.observe(pic, {subtree: true, childList: true, attributes: true, characterData: true});
  probe.stop = () => observer.disconnect();
}"""

PROBE_RESULT = """() => { const p = window.__probe; p.stop();
  return {key: p.key, painted: p.painted}; }"""

# Where to try clicking for a heatmap cell: fractions of the picture's width and height, likeliest first.
CLICK_SPOTS = [(x / 8, y / 8) for y in (6, 3, 5, 2, 7, 4) for x in (1, 5, 2, 6, 3, 7)]


# --- One notebook, one student --------------------------------------------------------------------------------

def open_lab(context, base: str, token: str):
    """A new tab with JupyterLab loaded and its layout restored; "leave the page?" dialogs are accepted."""
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{base}/lab?reset&token={token}")
    page.wait_for_function("() => window.jupyterapp", timeout=60_000)
    page.evaluate("() => window.jupyterapp.restored.then(() => true)")
    return page


class Student:
    """One Chromium tab with the front end open, reused across notebooks; a fresh tab after any failure.

    JupyterLab opens every notebook in one page; Notebook 7 and the classic Notebook open one page per notebook."""

    def __init__(self, context, base: str, token: str, front_end: str = "lab"):
        self.context, self.base, self.token, self.front_end, self.page = context, base, token, front_end, None

    def tab(self):
        if self.page is None and self.front_end == "lab":
            self.page = open_lab(self.context, self.base, self.token)
        elif self.page is None:
            self.page = self.context.new_page()
            self.page.on("dialog", lambda dialog: dialog.accept())  # "leave the page?" between notebooks
        return self.page

    def open_and_run_all(self, name: str) -> str:
        """Open notebook `name`, start Run All; the id of the element holding its cells."""
        page = self.tab()
        if self.front_end == "lab":
            return page.evaluate(OPEN_AND_RUN_ALL, name)
        page.goto(f"{self.base}/notebooks/{name}?token={self.token}")
        if self.front_end == "notebook7":
            page.wait_for_function("() => window.jupyterapp", timeout=60_000)
            return page.evaluate(NOTEBOOK7_OPEN_AND_RUN_ALL)
        return page.evaluate(CLASSIC_OPEN_AND_RUN_ALL)

    def js(self, name: str) -> str:
        """This front end's version of an in-page helper (SETTLED, ERRORS, LOGGED_ERRORS, CLOSE)."""
        if self.front_end != "classic":
            return globals()[name]
        return {"SETTLED": CLASSIC_SETTLED, "ERRORS": CLASSIC_ERRORS, "LOGGED_ERRORS": CLASSIC_ERRORS,
                "CLOSE": CLASSIC_CLOSE}[name]

    def forget_tab(self):
        if self.page is not None:
            self.page.close()
        self.page = None


def run_notebook(student: Student, name: str, shots: list[Path], timeout_s: float) -> list[tuple[str, float]]:
    """Open `name`, Run All, check for errors, use every control of each explorer; returns the actions' latencies."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    notebook_id = student.open_and_run_all(name)
    page = student.page
    try:
        page.wait_for_function(student.js("SETTLED"), timeout=timeout_s * 1000, polling=250)
    except PlaywrightTimeout:
        pytest.fail(f"{name}: Run All did not finish within {timeout_s} s")
    errors = page.evaluate(student.js("ERRORS"))
    assert not errors, f"{name}: cells show errors after Run All:\n" + "\n".join(errors)
    assert page.evaluate("() => window.__runAll") == "true", f"{name}: Run All stopped early"

    latencies = []
    explorers = page.locator(f"[id='{notebook_id}'] .alibi-explorer")
    if explorers.count():
        page.wait_for_function(PICTURES_READY, timeout=30_000)
    for k in range(explorers.count()):
        explorer = explorers.nth(k)
        for folder in shots:
            save_shot(explorer, folder / f"explorer_{Path(name).stem}{'_' + str(k + 1) if k else ''}.png")
        where = f"{name} explorer {k + 1}"
        controls = explorer.locator("[class*='alibi-control-']")
        assert controls.count(), f"{where}: no control with an alibi-control-* class"
        for c in range(controls.count()):
            control = controls.nth(c)
            if control.locator(SLIDER_HANDLE).count():
                drag = student.front_end == "notebook7"
                latencies += [move_slider(page, explorer, k, control, move, where, drag) for move in MOVES]
            else:
                latencies.append(use_control(page, explorer, k, control, where))
        if explorer.locator(".alibi-control-key").count():  # explorers with heatmaps: click a cell
            if student.front_end == "notebook7":
                type_key(page, explorer, where)
            if student.front_end == "classic":
                click_does_nothing(page, explorer, student.js("ERRORS"), where)
            else:
                latencies.append(click_cell(page, explorer, k, where))
        for folder in shots:  # after use: the last click's cell in the readout
            save_shot(explorer, folder / f"explorer_{Path(name).stem}{'_' + str(k + 1) if k else ''}_used.png")
    logged = page.evaluate(student.js("LOGGED_ERRORS"))
    assert not logged, f"{name}: errors after using the explorers (raised in widget callbacks?):\n" + "\n".join(logged)
    page.evaluate(student.js("CLOSE"))
    return latencies


def control_name(control) -> str:
    return re.search(r"alibi-control-(\S+)", control.get_attribute("class")).group(1)


def watch(page, k: int, act, where: str) -> float:
    """Arm the probe, act(), wait for the picture to settle; milliseconds from the input event to the last new frame."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    page.evaluate(ARM_PROBE, k)
    act()
    try:
        page.wait_for_function("() => window.__probe.painted.length > 0", timeout=10_000, polling="raf")
        page.wait_for_function("() => performance.now() - window.__probe.last > 300", timeout=10_000)  # settled
    except PlaywrightTimeout:
        pytest.fail(f"{where}: the picture did not change within 10 s")
    probe = page.evaluate(PROBE_RESULT)
    assert probe["key"] is not None, f"{where}: no input event was seen"
    return max(probe["painted"]) - probe["key"]


SLIDER_HANDLE = ".noUi-handle, .ui-slider-handle"  # ipywidgets 8 (noUiSlider), ipywidgets 7 (jQuery UI)

# 'max' or 'min' when the slider's handle is at that end, else null: aria values (ipywidgets 8) or its position (7).
SLIDER_END = """h => {
  const now = h.getAttribute('aria-valuenow');
  if (now !== null) return now === h.getAttribute('aria-valuemax') ? 'max'
                         : now === h.getAttribute('aria-valuemin') ? 'min' : null;
  const left = parseFloat(h.style.left);
  return left >= 100 ? 'max' : left <= 0 ? 'min' : null;
}"""


def move_slider(page, explorer, k: int, control, move: str, where: str, drag: bool = False) -> tuple[str, float]:
    """Press an arrow key on a slider (drag: move its handle with the mouse instead); assert the picture's pixels and
    the readout follow (a cell control: the readout's cell line states the new i, j or h).
    Notebook 7 binds ArrowLeft/ArrowRight to its own heading navigation, which takes them from a focused slider:
    there the test drags, and a keyboard user types a value into the slider's readout.

    Returns (the control's name, milliseconds from the key press to the frame showing the new picture)."""
    handle, slider_readout = control.locator(SLIDER_HANDLE).first, control.locator(".widget-readout").first
    picture, readout = explorer.locator(".alibi-picture").first, explorer.locator(".alibi-readout").first
    assert picture.count() and readout.count(), f"{where}: no .alibi-picture or no .alibi-readout"
    name = control_name(control)
    where = f"{where} {name}"
    at_end = handle.evaluate(SLIDER_END) == ("max" if move == "forward" else "min")
    key = "ArrowLeft" if (move == "forward") == at_end else "ArrowRight"
    value_before, pixels_before = slider_readout.text_content(), pixels(picture)

    def press():
        if drag:
            box = handle.bounding_box()
            x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
            page.mouse.move(x, y)
            page.mouse.down()
            page.mouse.move(x + (12 if key == "ArrowRight" else -12), y, steps=3)
            page.mouse.up()
        else:
            handle.press(key)
        deadline = time.monotonic() + 2
        while slider_readout.text_content() == value_before and time.monotonic() < deadline:
            time.sleep(0.02)
    ms = watch(page, k, press, f"{where} ({key})")
    value = slider_readout.text_content()
    assert value != value_before, f"{where}: {key} did not move the slider (still {value})"
    assert pixels(picture) != pixels_before, f"{where}: the picture's pixels did not change when the slider moved"
    deadline = time.monotonic() + 3
    while not states(readout.text_content(), value) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert states(readout.text_content(), value), \
        f"{where}: readout {readout.text_content()!r} does not state the slider value {value!r}"
    if name in CELL_CONTROLS:
        cell = readout.text_content().partition("cell ")[2]
        want = {"query": f"i = {value.strip()},", "key": f"j = {value.strip()}", "head": f"head {value.strip()} "}[name]
        assert want in cell and "weight = " in cell, f"{where}: the readout's cell line {cell!r} lacks {want!r}"
    return f"explorer {k + 1} {name}", ms


def use_control(page, explorer, k: int, control, where: str) -> tuple[str, float]:
    """Click the next toggle button / the checkbox, or choose the next drop-down option; pixels and readout change."""
    picture, readout = explorer.locator(".alibi-picture").first, explorer.locator(".alibi-readout").first
    where = f"{where} {control_name(control)}"
    pixels_before, text_before = pixels(picture), readout.text_content()
    buttons, select = control.locator("button"), control.locator("select")
    if select.count():
        options = select.locator("option").all_text_contents()
        chosen = select.evaluate("s => s.selectedIndex")
        act = lambda: select.select_option(index=(chosen + 1) % len(options))
    elif buttons.count():
        target = control.locator("button:not(.mod-active)").first
        act = lambda: target.click()
    else:
        box = control.locator("input[type=checkbox]").first
        act = lambda: box.click()
    ms = watch(page, k, act, where)
    assert pixels(picture) != pixels_before, f"{where}: the picture's pixels did not change"
    deadline = time.monotonic() + 3
    while readout.text_content() == text_before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert readout.text_content() != text_before, f"{where}: the readout did not change ({text_before!r})"
    return f"explorer {k + 1} {control_name(control)}", ms


def click_cell(page, explorer, k: int, where: str) -> tuple[str, float]:
    """Click the picture until a heatmap cell is hit: the readout must show that cell's values (ipyevents)."""
    picture, readout = explorer.locator(".alibi-picture").first, explorer.locator(".alibi-readout").first
    box = picture.bounding_box()
    for fx, fy in CLICK_SPOTS:
        text_before, pixels_before = readout.text_content(), pixels(picture)
        deadline = time.monotonic() + 1.5
        page.evaluate(ARM_PROBE, k)
        picture.click(position={"x": fx * box["width"], "y": fy * box["height"]})
        while readout.text_content() == text_before and time.monotonic() < deadline:
            time.sleep(0.03)
        text = readout.text_content()
        if "cell " in text and text != text_before:
            assert re.search(r"(i = \d+, j = \d+|head \d+ .*key j = \d+).*weight = ", text), text
            ms = None
            if explorer.locator(".alibi-control-query").count():  # the highlighted query row moved there
                page.wait_for_function("() => performance.now() - (window.__probe.last || 0) > 300",
                                       timeout=10_000)
                probe = page.evaluate(PROBE_RESULT)
                assert pixels(picture) != pixels_before, f"{where}: a click moved the query but not the picture"
                ms = max(probe["painted"]) - probe["key"] if probe["painted"] else None
            else:
                page.evaluate(PROBE_RESULT)
            return f"explorer {k + 1} click", ms if ms is not None else float("nan")
        page.evaluate(PROBE_RESULT)
    pytest.fail(f"{where}: no click on the picture put a cell's values in the readout (is ipyevents loaded?)")


def type_key(page, explorer, where: str) -> None:
    """Notebook 7's keyboard way to a cell: type a value into the key j slider's number, press Enter."""
    number = explorer.locator(".alibi-control-key .widget-readout").first
    readout = explorer.locator(".alibi-readout").first
    target = "1" if number.text_content().strip() != "1" else "2"
    number.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(target)
    page.keyboard.press("Enter")
    deadline = time.monotonic() + 5
    while f"j = {target}" not in readout.text_content().partition("cell ")[2] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert f"j = {target}" in readout.text_content().partition("cell ")[2], \
        f"{where}: typing {target} into key j left the readout at {readout.text_content()!r}"


def click_does_nothing(page, explorer, errors_js: str, where: str) -> None:
    """Where ipyevents has no front end (classic Notebook): clicks on the picture change nothing and raise nothing;
    the cell controls (moved above) are the way to read a cell there."""
    picture, readout = explorer.locator(".alibi-picture").first, explorer.locator(".alibi-readout").first
    box, text_before = picture.bounding_box(), readout.text_content()
    for fx, fy in CLICK_SPOTS[:4]:
        picture.click(position={"x": fx * box["width"], "y": fy * box["height"]})
    time.sleep(1.0)
    assert readout.text_content() == text_before, f"{where}: a click changed the readout without ipyevents?"
    errors = page.evaluate(errors_js)
    assert not errors, f"{where}: errors after clicking the picture:\n" + "\n".join(errors)


def save_shot(explorer, path: Path) -> None:
    """A screenshot of the explorer, and its text alternative into alt.json beside it (file name -> text): the
    picture's alt (set by the a11y add-on) after the explorer's title and readout."""
    explorer.screenshot(path=path, animations="disabled")
    texts = explorer.evaluate("""ex => [ex.querySelector('b') && ex.querySelector('b').textContent,
        ex.querySelector('.alibi-readout') && ex.querySelector('.alibi-readout').innerText.replace(/\\n/g, ' · '),
        ex.querySelector('.alibi-picture') && ex.querySelector('.alibi-picture').getAttribute('alt')]""")
    title, readout, alt = texts
    if alt:
        import json
        index = path.parent / "alt.json"
        known = json.loads(index.read_text()) if index.exists() else {}
        known[path.name] = f"The explorer '{title}' with its controls, readout ({readout}) and picture. {alt}"
        index.write_text(json.dumps(known, ensure_ascii=False, indent=1) + "\n")


def pixels(locator) -> bytes:
    from PIL import Image
    return Image.open(io.BytesIO(locator.screenshot(animations="disabled"))).convert("RGB").tobytes()


NUMBER = re.compile(r"[-−]?\d+(?:\.\d+)?(?:[eE][-−+]?\d+)?")


def states(text: str, value: str) -> bool:
    """Does `text` state `value`? A number: some number in text equal up to the digits either shows; else verbatim."""
    value = value.strip()
    if not NUMBER.fullmatch(value):
        return value in text
    v = float(value.replace("−", "-"))
    return any(abs(float(x.replace("−", "-")) - v) <= max(half_unit(x), half_unit(value)) + 1e-9 * abs(v)
               for x in NUMBER.findall(text))


def half_unit(number: str) -> float:
    """Half a unit in the last place shown: '0.25' -> 0.005, '3' -> 0.5, '2.5e-3' -> 0.00005."""
    mantissa, _, exponent = number.replace("−", "-").lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    return 0.5 * 10.0 ** (int(exponent or 0) - decimals)


# --- pytest ----------------------------------------------------------------------------------------------------

NOTEBOOK_NAMES = sorted(p.name for p in NOTEBOOKS.glob("0*.ipynb"))


@pytest.fixture(scope="module")
def browser():
    executable = chromium_or_skip()
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def student(browser):
    with jupyter_lab(NOTEBOOKS, quick=True, front_end=FRONT_END) as (base, token):
        context = browser.new_context(viewport={"width": 1600, "height": 1800})
        yield Student(context, base, token, FRONT_END)
        context.close()


@pytest.fixture(scope="module")
def latencies(request, browser):
    """name -> move_slider results; summarised (per slider, then the median) at the end of the run."""
    started, found = time.monotonic(), {}
    yield found
    lines = request.config.browser_summary = []
    for name, moves in found.items():
        for slider in dict.fromkeys(s for s, _ in moves):
            lines.append(f"{name} {slider}: " + ", ".join(f"{ms:.0f} ms" if ms == ms else "readout only"
                                                          for s, ms in moves if s == slider))
    keys = [ms for moves in found.values() for s, ms in moves if ms == ms and not s.endswith("click")]
    every = [ms for moves in found.values() for _, ms in moves if ms == ms]
    median = (f"median {statistics.median(keys):.0f} ms, p95 {percentile(keys, 95):.0f} ms (goal <= {LATENCY_GOAL_MS}"
              f" ms); every action incl. clicks: median {statistics.median(every):.0f} ms" if keys else "no explorers")
    lines.append(f"{len(found)} notebooks passed in {time.monotonic() - started:.0f} s; input -> pixels {median}")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def screenshot_folders(tmp_path_factory, front_end: str) -> list[Path]:
    shots = [tmp_path_factory.getbasetemp() / f"explorer-screenshots-{front_end}"]
    shots += [Path(FIGURES_DIR)] if FIGURES_DIR and front_end == "lab" else []
    for folder in shots:
        folder.mkdir(parents=True, exist_ok=True)
    return shots


@pytest.mark.parametrize("name", NOTEBOOK_NAMES)
def test_notebook_in_jupyterlab(name, latencies, student, tmp_path_factory):
    """Run All leaves no error; each explorer's controls move its picture and readout within a few seconds.
    (In JupyterLab; with ALIBI_FRONT_END=classic, in the classic Notebook.)"""
    try:
        shots = screenshot_folders(tmp_path_factory, FRONT_END)
        latencies[f"{name} ({FRONT_END})"] = run_notebook(student, name, shots, RUN_ALL_TIMEOUT_S)
    except BaseException:
        student.forget_tab()
        raise


@pytest.mark.skipif(FRONT_END == "classic", reason="the classic run's environment has no Notebook 7")
def test_explorer_in_notebook7(browser, latencies, tmp_path_factory):
    """Notebook 01's explorer in Notebook 7's interface: Run All, every control, a cell click."""
    try:
        import notebook
        major = int(notebook.__version__.split(".")[0])
    except ImportError:
        major = 0
    if major < 7:
        why = "Notebook 7 is not installed (`make setup` installs it)"
        if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
            pytest.fail(why)
        pytest.skip(why)
    name = "01_score_computation.ipynb"
    with jupyter_lab(NOTEBOOKS, quick=True, front_end="notebook7") as (base, token):
        context = browser.new_context(viewport={"width": 1600, "height": 1800})
        try:
            student = Student(context, base, token, "notebook7")
            latencies[f"{name} (notebook7)"] = run_notebook(student, name,
                                                            screenshot_folders(tmp_path_factory, "notebook7"), 300)
        finally:
            context.close()
