"""Sphinx configuration of the course site. `make site` stages the sources (site/build.py) and builds them here.

Nothing is executed: pages show the notebooks' stored outputs. Every script and font is served from the site
itself (MathJax from npm, copied into _static/mathjax by site/build.py); no page loads anything from elsewhere.
"""
import json
from pathlib import Path

project = "ALiBi, hands-on"
author = "the course's authors"
copyright = "the course's authors"
root_doc = "index"

extensions = ["myst_nb", "sphinx.ext.githubpages"]  # githubpages: .nojekyll, so _static is served
exclude_patterns = ["_build", "README.md", "_extra", "**/.ipynb_checkpoints"]
suppress_warnings = ["myst.header", "mystnb.unknown_mime_type"]

# Notebooks: stored outputs only. A stored picture wins over anything else in an output; widget views never show
# (site/build.py drops them and the saved widget state, so no widget JavaScript is needed).
nb_execution_mode = "off"
nb_mime_priority_overrides = [
    ("html", "image/png", 0),
    ("html", "application/vnd.jupyter.widget-view+json", None),
]
nb_ipywidgets_js = {}
myst_enable_extensions = ["dollarmath", "amsmath", "html_image"]
myst_heading_anchors = 3

# MathJax 3 from npm, served by the site.
mathjax_path = "mathjax/tex-mml-chtml.js"  # MathJax finds its fonts and extensions beside this file

html_theme = "sphinx_book_theme"
html_title = project
html_static_path = ["_static"]
html_css_files = ["alibi-explorer.css"]
html_js_files = [("alibi-explorer.js", {"type": "module"}), ("theme-fixes.js", {"defer": "defer"})]
html_extra_path = ["_extra"] if Path("_extra").is_dir() else []
html_copy_source = False
html_show_sourcelink = False
html_show_sphinx = False
html_theme_options = {
    "use_download_button": False,  # site/build.py puts the launch links in the page when SITE_REPO_URL is set
    "use_fullscreen_button": False,
    "show_toc_level": 2,
    "navigation_with_keys": False,
}

# Each stored picture's text alternative (site/build.py reads it from the output: the PNG's metadata, or the alt of
# its <img>), by the SHA-256 of the PNG: MyST-NB names the image file by that hash.
ALT = json.loads(Path("_alt.json").read_text()) if Path("_alt.json").exists() else {}


def add_alt_text(app, doctree):
    from docutils import nodes
    for image in doctree.findall(nodes.image):
        alt = ALT.get(Path(image["uri"]).stem)
        if alt and not image.get("alt"):
            image["alt"] = alt


def setup(app):
    app.connect("doctree-read", add_alt_text)
