"""The course site: `make site` builds it offline, and every page works in headless Chromium with nothing but itself.

Built once per run into a temporary folder (`make site SITE_OUT=...`; the first build also makes build/venv-site
and installs npm's MathJax and axe-core into build/site-npm), served on 127.0.0.1. Every page: no request leaves
127.0.0.1 and none fails, every formula is typeset by MathJax, every image and picture has a text alternative,
axe-core (from npm, injected from disk) finds no serious or critical violation in the page's content. The in-page
explorer: moved by keys only, its readout equals alibi_edu's numbers; its slope rule equals geometric_slopes.
Needs the system Chromium and npm; skipped without them, except in CI where that is a failure.
"""
import functools
import html
import http.server
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
import torch

from alibi_edu import alibi_bias, attention_weights, causal_mask, geometric_slopes

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
AXE = ROOT / "build" / "site-npm" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
CONTENT = ["article", "main"]  # the course's content (search and index pages: main); the theme's chrome is around it
SERIOUS = ("serious", "critical")
# (heads n, head k, length L, query i, key j): powers of two and not, 12 heads, a masked cell, the first key
CELLS = [(8, 1, 12, 11, 8), (12, 9, 16, 10, 3), (12, 12, 5, 4, 4), (3, 2, 7, 2, 5), (1, 1, 1, 0, 0),
         (64, 40, 32, 31, 0), (6, 5, 9, 8, 1)]


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("true", "1", "yes")


def need(tool: str, why: str) -> str:
    path = shutil.which(tool)
    if path is None:
        message = f"{tool} not found: {why}"
        if in_ci():
            pytest.fail(f"{message} (CI must build and test the site, not skip it)")
        pytest.skip(message)
    return path


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The built site's folder (the build time is printed)."""
    need("npm", "`make site` takes MathJax from npm (apt-get install npm)")
    out = tmp_path_factory.mktemp("site") / "site"
    env = {k: v for k, v in os.environ.items() if k not in ("SITE_REPO_URL", "SITE_REPO_BRANCH")}
    start = time.perf_counter()
    run = subprocess.run(["make", "-s", "site", f"SITE_OUT={out}"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert run.returncode == 0, f"make site failed:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}"
    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    print(f"\nmake site: {time.perf_counter() - start:.1f} s, {size / 1e6:.1f} MB")
    return out


def pages(site: Path) -> list[str]:
    return sorted(str(p.relative_to(site)) for p in site.rglob("*.html") if p.relative_to(site).parts[0] != "_static")


@pytest.fixture(scope="module")
def server(site):
    handler = functools.partial(QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def browser():
    executable = need("chromium", "install it with `sudo apt-get install -y chromium` to run the browser tests")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def open_page(browser, url: str):
    """A page at `url`, loaded, its formulas typeset, no request in flight; with its outside and failed requests."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    outside, failed, pending = [], [], set()
    page.on("request", lambda r: (pending.add(r), outside.append(r.url) if urlparse(r.url).scheme in ("http", "https")
                                  and urlparse(r.url).hostname != "127.0.0.1" else None))
    page.on("requestfinished", lambda r: pending.discard(r))
    page.on("requestfailed", lambda r: (pending.discard(r), failed.append(f"{r.url} ({r.failure})")))
    page.on("response", lambda r: failed.append(f"{r.url} ({r.status})") if r.status >= 400 else None)
    page.goto(url, wait_until="load", timeout=120_000)
    page.evaluate("() => window.MathJax?.startup?.promise")
    quiet, deadline = 0, time.monotonic() + 120  # generous: the machine may be busy; a quiet page ends it at once
    while quiet < 2 and time.monotonic() < deadline:
        page.wait_for_timeout(250)
        quiet = quiet + 1 if not pending else 0
    assert not pending, f"{url}: requests still open after 120 s: {[r.url for r in pending][:5]}"
    return page, outside, failed


def test_the_site_builds(site):
    built = pages(site)
    for name in ["index.html", "docs/instructors.html", "docs/maintainers.html"] + [
            f"notebooks/{nb.stem}.html" for nb in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")]:
        assert name in built, f"{name} is missing from the site"
    everything = "\n".join((site / name).read_text(encoding="utf-8") for name in built)
    for source in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"):  # the set-up cell shows no input
        first = next(c for c in json.loads(source.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code")
        lines = sorted((line.strip() for line in "".join(first["source"]).splitlines()), key=len)[-2:]  # its own
        text = html.unescape(re.sub(r"<[^>]+>", "", (site / "notebooks" / f"{source.stem}.html").read_text("utf-8")))
        assert not any(line in text for line in lines), f"{source.name}: its first cell's input shows"
    assert "application/vnd.jupyter.widget" not in everything, "a widget view or widget state is in a page"
    assert "colab.research.google.com/github/" not in re.sub(r"<code.*?</code>", "", everything, flags=re.S), \
        "launch links without SITE_REPO_URL"


def test_quizzes_point_to_the_notebook(site):
    for source in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"):
        cells = json.loads(source.read_text(encoding="utf-8"))["cells"]
        quizzes = re.findall(r'quiz\("(\d\d\.\d+)"\)', "".join("".join(c["source"]) for c in cells
                                                                 if c["cell_type"] == "code"))
        page = (site / "notebooks" / f"{source.stem}.html").read_text(encoding="utf-8")
        assert page.count("Answer in the notebook.") == len(quizzes), source.name


NO_ALT = """() => [...document.querySelectorAll('img, article [role=img]')]
    .filter(e => !e.closest('[aria-hidden=true]'))
    .filter(e => {  // docutils writes the file's path where a picture has no alt: that is none
        const alt = (e.getAttribute('alt') || e.getAttribute('aria-label') || '').trim();
        return !alt || alt === e.getAttribute('src') || /\\.(png|svg|jpe?g|gif)$/i.test(alt);
    })
    .map(e => e.getAttribute('src')?.slice(-60) ?? e.outerHTML.slice(0, 60))"""
RAW_MATH = """() => {
    const math = [...document.querySelectorAll('.math')].filter(e => !e.querySelector('mjx-container'));
    const text = document.querySelector('main')?.innerText ?? '';
    const raw = /\\\\\\(|\\\\\\[/.test(text) ? ['a raw \\\\( in the text'] : [];
    return math.map(e => e.textContent.slice(0, 60)).concat(raw);
}"""
AXE_RUN = """async (scopes) => {
    const scope = scopes.find(s => document.querySelector(s));
    const r = await axe.run(scope ?? document, {resultTypes: ['violations']});
    return r.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length,
                                   where: v.nodes[0].target.join(' ')}));
}"""


@pytest.fixture(scope="module")
def visits(site, server, browser) -> dict:
    """Every page opened once: page -> its outside and failed requests, untypeset formulas, pictures without alt
    text, and axe-core's violations in the content."""
    axe, seen = AXE.read_text(encoding="utf-8"), {}
    for name in pages(site):
        page, outside, failed = open_page(browser, f"{server}/{name}")
        seen[name] = {"outside": outside, "failed": failed, "raw_math": page.evaluate(RAW_MATH),
                      "no_alt": page.evaluate(NO_ALT)}
        page.add_script_tag(content=axe)
        seen[name]["axe"] = page.evaluate(AXE_RUN, CONTENT)
        page.close()
    return seen


def test_every_page_loads_offline(visits):
    problems = [f"{name}: request outside 127.0.0.1: {url}" for name, v in visits.items() for url in v["outside"]]
    problems += [f"{name}: failed request: {what}" for name, v in visits.items() for what in v["failed"]]
    assert not problems, "\n".join(problems)


def test_every_formula_is_typeset(visits):
    problems = [f"{name}: formula not typeset: {m}" for name, v in visits.items() for m in v["raw_math"]]
    assert not problems, "\n".join(problems)


def test_axe_finds_no_serious_violation(visits):
    problems, counts = [], []
    for name, v in visits.items():
        bad = [x for x in v["axe"] if x["impact"] in SERIOUS]
        counts.append(f"{name}: {sum(x['nodes'] for x in bad)} serious/critical, "
                      f"{sum(x['nodes'] for x in v['axe']) - sum(x['nodes'] for x in bad)} other violating nodes "
                      f"{sorted({x['id'] for x in v['axe']})}")
        problems += [f"{name}: axe {x['impact']} {x['id']} on {x['nodes']} node(s), e.g. {x['where']}" for x in bad]
    print("\naxe-core on the course's content:\n" + "\n".join(counts))
    assert not problems, "\n".join(problems)


def test_every_picture_has_alt_text(visits):
    """Each stored picture's text alternative comes from the notebook's output (alibi_edu.plots.alt.Picture puts it
    in the PNG's metadata and in an <img alt>); a notebook executed before Picture existed fails here."""
    problems = [f"{name}: image without alt text: {src}" for name, v in visits.items() for src in v["no_alt"]]
    assert not problems, "\n".join(problems)


def read(page, root) -> dict:
    return page.eval_on_selector(f"{root} .alibi-ex-readout", "e => ({...e.dataset, text: e.textContent})")


def press(page, selector: str, key: str, times: int = 1):
    page.focus(selector)
    for _ in range(times):
        page.keyboard.press(key)


def set_by_keys(page, root: str, name: str, value: int):
    """A slider set as a student would with the keyboard: Home, then ArrowRight to the value."""
    slider = f"{root} input[name={name}]"
    press(page, slider, "Home")
    press(page, slider, "ArrowRight", value - int(page.get_attribute(slider, "min")))
    assert int(page.input_value(slider)) == value, f"{name} did not reach {value} by keys"


def expected(n: int, k: int, L: int, i: int, j: int) -> tuple[float, float, float]:
    zeros = torch.zeros(n, L, 4, dtype=torch.float64)
    weights = attention_weights(zeros, zeros, bias=alibi_bias(n, L, dtype=torch.float64),
                                mask=causal_mask(L, dtype=torch.float64), bias_in_scale=False)
    bias = alibi_bias(n, L, dtype=torch.float64)[k - 1, i, j].item() if j <= i else float("-inf")
    return geometric_slopes(n, dtype=torch.float64)[k - 1].item(), bias, weights[k - 1, i, j].item()


def shown(text: str, label: str) -> float:
    found = re.search(label + r"\s*(−?\d[\d.]*(?:e[+−-]?\d+)?)", text)
    assert found, f"{label!r} not in the readout {text!r}"
    return float(found.group(1).rstrip(".").replace("−", "-"))


def test_explorer_moves_by_keys_and_reads_the_package(server, browser):
    page, outside, failed = open_page(browser, f"{server}/index.html")
    root = ".alibi-explorer"
    assert page.locator(root).count() == 1 and not outside and not failed
    for control in ("heads", "head", "length", "query", "key"):
        label = page.locator(f"{root} label[for$='-{control}']").inner_text()
        assert label.strip(), f"the {control} slider has no name"
    before = read(page, root)
    press(page, f"{root} .alibi-ex-picture", "ArrowLeft")
    after = read(page, root)
    assert int(after["key"]) == int(before["key"]) - 1 and after["text"] != before["text"], "ArrowLeft did nothing"
    assert page.get_attribute(f"{root} .alibi-ex-readout", "aria-live") == "polite"
    for n, k, L, i, j in CELLS:
        set_by_keys(page, root, "heads", n)
        set_by_keys(page, root, "head", k)
        set_by_keys(page, root, "length", L)
        picture = f"{root} .alibi-ex-picture"
        press(page, picture, "ArrowUp", L), press(page, picture, "ArrowLeft", L)  # to the corner (0, 0)
        press(page, picture, "ArrowDown", i), press(page, picture, "ArrowRight", j)
        got = read(page, root)
        assert [int(got[key]) for key in ("heads", "head", "length", "query", "key")] == [n, k, L, i, j]
        slope, bias, weight = expected(n, k, L, i, j)
        where = f"n={n} k={k} L={L} i={i} j={j}"
        assert float(got["slope"]) == pytest.approx(slope, rel=1e-15), where
        assert float(got["bias"]) == pytest.approx(bias, rel=1e-12, abs=1e-15), where
        assert float(got["weight"]) == pytest.approx(weight, rel=1e-12, abs=1e-15), where
        if j <= i:  # what a student reads: 6 significant digits
            assert shown(got["text"], r"slope m = 2\^\S+ =") == pytest.approx(slope, rel=1e-5), where
            assert shown(got["text"], r"\(i − j\) =") == pytest.approx(bias, rel=1e-5, abs=1e-12), where
            assert shown(got["text"], "weight") == pytest.approx(weight, rel=1e-5), where
        else:
            assert "masked" in got["text"] and float(got["weight"]) == 0, where
    page.close()


def test_explorer_slope_rule_is_the_package(server, browser):
    page, _, _ = open_page(browser, f"{server}/index.html")
    slopes = page.evaluate("""async () => {
        const m = await import('./_static/alibi-explorer.js');
        return Array.from({length: 64}, (_, i) => m.geometricSlopes(i + 1));
    }""")
    for n, js in enumerate(slopes, start=1):  # V8's 2 ** x may differ from C's pow in the last bit
        assert js == pytest.approx(geometric_slopes(n, dtype=torch.float64).tolist(), rel=1e-15), f"n = {n}"
    page.close()


def test_explorer_beside_the_stored_pictures(server, browser):
    stage = importlib.util.spec_from_file_location("site_build", ROOT / "site" / "build.py")
    module = importlib.util.module_from_spec(stage)
    stage.loader.exec_module(module)
    for number in module.EXPLORER_AFTER:
        name = next((ROOT / "notebooks").glob(f"{number}_*.ipynb")).stem
        page, outside, failed = open_page(browser, f"{server}/notebooks/{name}.html")
        assert not outside and not failed, name
        assert page.locator(".alibi-explorer.alibi-ex").count() == 1, f"no in-page explorer on {name}"
        before = page.eval_on_selector(".alibi-ex-readout", "e => e.textContent")
        press(page, ".alibi-ex-picture", "ArrowLeft")
        assert page.eval_on_selector(".alibi-ex-readout", "e => e.textContent") != before, name
        page.close()


def test_launch_links_only_with_a_repository(tmp_path):
    spec = importlib.util.spec_from_file_location("site_build", ROOT / "site" / "build.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    source = next((ROOT / "notebooks").glob("01_*.ipynb"))
    for repo in (None, "https://github.com/OWNER/REPO"):
        out = tmp_path / f"{bool(repo)}.ipynb"
        build.stage_notebook(source, out, {}, repo, "main")
        text = out.read_text(encoding="utf-8")
        links = ["colab.research.google.com/github/OWNER/REPO/blob/main/notebooks/" + source.name,
                 "mybinder.org/v2/gh/OWNER/REPO/main?labpath=notebooks%2F" + source.name,
                 f'href=\\"{source.name}\\" download']
        for link in links:
            assert (link in text) == bool(repo), (repo, link)
    with pytest.raises(SystemExit, match="SITE_REPO_URL"):
        os.environ["SITE_REPO_URL"] = "gitlab.example/x"
        try:
            build.main(["--out", str(tmp_path / "never")])
        finally:
            del os.environ["SITE_REPO_URL"]


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q", "-s"]))
