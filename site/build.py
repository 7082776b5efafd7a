"""Build the course site: stage the sources into one folder, then run Sphinx on it (`make site` calls this).

    python site/build.py [--out build/site] [--stage OUT-src] [--npm build/site-npm/node_modules]

Staging copies site/ (conf.py, index.md, _static), README.md (the landing page includes it), docs/*.md and the
committed notebooks, which are never executed. Each notebook is changed for the web only:
- the first code cell (the set-up cell) shows no input;
- an explorer's output keeps its stored PNG, with the PNG's alt text (_alt.json, read by conf.py); widget views,
  the saved widget state and progress bars go: the site loads no widget JavaScript;
- `progress()`'s output (the progress of whoever ran the notebook) becomes a sentence saying where it shows;
- a quiz's output becomes a pointer to the notebook, where it answers back (question and options are the
  Markdown above it);
- the pages whose explorer the in-page one extends (EXPLORER_AFTER) get it right after the stored picture;
- with SITE_REPO_URL=https://github.com/OWNER/REPO (and SITE_REPO_BRANCH, default main), each notebook page links
  to Colab, Binder and its .ipynb; unset, there are no launch links.
MathJax comes from npm (site/package.json), copied into _static/mathjax.
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
QUIZ = re.compile(r"^\s*quiz\(\s*[\"'](\d\d\.\d+)[\"']\s*\)\s*(?:#.*)?$")
PROGRESS_BAR = re.compile(r"\d+%\|")
PROGRESS = re.compile(r"^\s*(?:from alibi_edu\.exercises import progress\s*)?progress\([^)]*\)\s*(?:#.*)?$")
EXPLORER_AFTER = ("01", "02", "03")  # notebooks whose explorer picture the in-page explorer follows
MATHJAX_PARTS = ("tex-mml-chtml.js", "input", "output/chtml.js", "output/chtml", "a11y", "ui", "sre", "adaptors")
GITHUB = re.compile(r"^https://github\.com/([\w.-]+)/([\w.-]+?)(?:\.git)?/?$")

QUIZ_POINTER = ("*Answer in the notebook.* Open it (`make lab`, or a launch link where this site has them) and run "
                "`quiz(\"{id}\")`: one button per option, and a reply to your choice.")
LIVE_CONTROL = "*A live control shows here when you run the notebook.*"
YOUR_PROGRESS = "*Your progress across the course shows here when you run the notebook.*"
EXPLORER_NOTE = ("**The same, live in this page** (no kernel): choose heads n, head k, length L and a cell, query i "
                 "and key j. Head k's bias −m·(i − j) and the weights it gives when every key has the same content, "
                 "under the causal mask. Arrow keys on the picture move the cell.\n\n"
                 '<div class="alibi-explorer" data-heads="{heads}" data-length="12"></div>')


def markdown_cell(text: str, cell_id: str) -> dict:
    return {"cell_type": "markdown", "id": cell_id, "metadata": {}, "source": text}


def text_of(value) -> str:
    return "".join(value) if isinstance(value, list) else value


def png_alt(output: dict) -> str | None:
    """The picture's text alternative: the PNG's metadata alt, else the alt of an <img> in its HTML."""
    alt = output.get("metadata", {}).get("image/png", {}).get("alt")
    if not alt and "text/html" in output.get("data", {}):
        found = re.search(r"<img\b[^>]*\balt=\"([^\"]*)\"", text_of(output["data"]["text/html"]))
        alt = html.unescape(found.group(1)) if found else None
    return alt or None


def launch_links(name: str, repo_url: str, branch: str) -> str:
    owner, repo = GITHUB.match(repo_url).groups()
    path = f"notebooks/{name}"
    colab = f"https://colab.research.google.com/github/{owner}/{repo}/blob/{branch}/{path}"
    binder = f"https://mybinder.org/v2/gh/{owner}/{repo}/{branch}?labpath={quote(path, safe='')}"
    return (f'<p class="alibi-launch">Run this notebook: <a href="{colab}">open in Colab</a> · '
            f'<a href="{binder}">open on Binder</a> · <a href="{name}" download>download the .ipynb</a></p>')


def myst_anchors(text: str) -> str:
    """Jupyter's heading anchors keep the heading's case (#Notation); MyST's are lower case (#notation)."""
    return re.sub(r"(\.(?:ipynb|md)|\]\()#([^)\s]+)", lambda m: m.group(1) + "#" + m.group(2).lower(), text)


def stage_notebook(source: Path, target: Path, alts: dict, repo_url: str | None, branch: str) -> None:
    nb = json.loads(source.read_text(encoding="utf-8"))
    nb["metadata"].pop("widgets", None)
    number = source.name[:2]
    cells, first_code, explorer_added = [], True, False
    for cell in nb["cells"]:
        cells.append(cell)
        if cell["cell_type"] == "markdown":
            cell["source"] = myst_anchors(text_of(cell["source"]))
        if cell["cell_type"] != "code":
            if repo_url and len(cells) == 1:  # the title cell
                cells.append(markdown_cell(launch_links(source.name, repo_url, branch), "site-launch"))
            continue
        if first_code:
            cell["metadata"].setdefault("tags", []).append("remove-input")
            first_code = False
        quiz = QUIZ.match(text_of(cell["source"]))
        if quiz:
            cell["outputs"] = []
            cells.append(markdown_cell(QUIZ_POINTER.format(id=quiz.group(1)), f"site-quiz-{quiz.group(1)}"))
            continue
        if PROGRESS.match(text_of(cell["source"])):  # the state of whoever ran it: not the reader's
            cell["outputs"] = []
            cells.append(markdown_cell(YOUR_PROGRESS, f"site-progress-{len(cells)}"))
            continue
        outputs, live_control, explorer = [], False, False
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_VIEW in data:
                if "image/png" not in data:  # a control or a progress bar with no picture of its own
                    live_control |= not PROGRESS_BAR.search(text_of(data.get("text/plain", "")))
                    continue
                del data[WIDGET_VIEW]
                explorer = True
            if "image/png" in data:
                alt = png_alt(output)
                if alt:
                    digest = hashlib.sha256(base64.b64decode(text_of(data["image/png"]))).hexdigest()
                    alts[digest] = alt
            outputs.append(output)
        cell["outputs"] = outputs
        if live_control and not explorer:  # an explorer's picture stands for its controls
            cells.append(markdown_cell(LIVE_CONTROL, f"site-live-{len(cells)}"))
        if explorer and number in EXPLORER_AFTER and not explorer_added:
            cells.append(markdown_cell(EXPLORER_NOTE.format(heads=8), "site-explorer"))
            explorer_added = True
    nb["cells"] = cells
    target.write_text(json.dumps(nb, ensure_ascii=False, indent=1), encoding="utf-8")


def stage(stage_dir: Path, npm_modules: Path, repo_url: str | None, branch: str) -> None:
    if stage_dir.exists():
        shutil.rmtree(stage_dir)
    shutil.copytree(ROOT / "site", stage_dir, ignore=shutil.ignore_patterns(
        "build.py", "package*.json", "node_modules", "__pycache__"))
    shutil.copy2(ROOT / "README.md", stage_dir / "README.md")
    (stage_dir / "docs").mkdir()
    for page in sorted((ROOT / "docs").glob("*.md")):  # README's place on the site is the landing page
        text = re.sub(r"\]\((?:\.\./)?README\.md", "](../index.md", page.read_text(encoding="utf-8"))
        (stage_dir / "docs" / page.name).write_text(text, encoding="utf-8")
    (stage_dir / "notebooks").mkdir()
    alts: dict[str, str] = {}
    for source in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        stage_notebook(source, stage_dir / "notebooks" / source.name, alts, repo_url, branch)
        if repo_url:  # the download link serves the notebook as committed
            (stage_dir / "_extra" / "notebooks").mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, stage_dir / "_extra" / "notebooks" / source.name)
    (stage_dir / "_alt.json").write_text(json.dumps(alts, ensure_ascii=False, indent=1), encoding="utf-8")
    mathjax = npm_modules / "mathjax" / "es5"
    if not (mathjax / "tex-mml-chtml.js").exists():
        sys.exit(f"MathJax is missing at {mathjax}: `make site` installs it with npm from site/package.json")
    for part in MATHJAX_PARTS:
        src, dst = mathjax / part, stage_dir / "_static" / "mathjax" / part
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(src, dst) if src.is_dir() else shutil.copy2(src, dst)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "site")
    parser.add_argument("--stage", type=Path, help="the staged sources (default: OUT-src beside OUT)")
    parser.add_argument("--npm", type=Path, default=ROOT / "build" / "site-npm" / "node_modules")
    args = parser.parse_args(argv)
    args.out, args.npm = args.out.resolve(), args.npm.resolve()
    args.stage = args.stage.resolve() if args.stage else args.out.with_name(args.out.name + "-src")
    repo_url = os.environ.get("SITE_REPO_URL", "").strip() or None
    if repo_url and not GITHUB.match(repo_url):
        sys.exit(f"SITE_REPO_URL must look like https://github.com/OWNER/REPO (the launch links are Colab's and "
                 f"Binder's GitHub ones), got {repo_url!r}")
    branch = os.environ.get("SITE_REPO_BRANCH", "").strip() or "main"
    stage(args.stage, args.npm, repo_url, branch)
    if args.out.exists():
        shutil.rmtree(args.out)
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-E", str(args.stage), str(args.out),
               "-d", str(args.stage / ".doctrees")]
    rc = subprocess.call(command, cwd=args.stage)
    if rc == 0:
        print(f"site: {args.out}/index.html" + ("" if repo_url else " (no launch links: SITE_REPO_URL is unset)"))
    return rc


if __name__ == "__main__":
    raise SystemExit(main())
