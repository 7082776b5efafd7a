# %% [markdown]
# # 00 — Start here
#
# This course teaches **ALiBi** (Attention with Linear Biases): a transformer that knows where tokens are without
# position embeddings, because every attention score is penalised in proportion to distance. It follows two texts:
# - **the book**: Tong Xiao and Jingbo Zhu, *Foundations of Large Language Models*, Chapter 2;
# - **the paper** that introduced ALiBi: Ofir Press, Noah A. Smith and Mike Lewis, *Train Short, Test Long: Attention
#   with Linear Biases Enables Input Length Extrapolation*, ICLR 2022.
#
# **Goals.** Run the notebooks, move their sliders, answer and check an exercise, see your progress, and read the
# notation every notebook uses.
#
# **Prerequisites.** Python and a little PyTorch; dot-product attention and softmax. About 12 minutes.

# %%
# Colab or a new kernel: install the course package if it is missing (README: Where to run it); else do nothing.
import importlib.util
import os
import subprocess
import sys

if importlib.util.find_spec("alibi_edu") is None:
    source = os.environ.get("ALIBI_EDU_SOURCE", "")
    assert source, "alibi_edu is missing here: set ALIBI_EDU_SOURCE to the course's pip source, then rerun this cell"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", source, "ipyevents", "platformdirs",
                    "tqdm"], check=True)
    importlib.invalidate_caches()
if "google.colab" in sys.modules:
    from google.colab import output
    output.enable_custom_widget_manager()

# %% [markdown]
# ## 1. How to use the course
#
# - **Run** cells with *Shift + Enter*, top to bottom the first time: later cells use what earlier ones computed.
# - **Explorers**: change a control and the picture and its readout follow.
# - **Exercises**: replace the `...` in `answer = ...` and run the cell. `check` prints ✓ with the reason, or ✗ with a
#   hint: the likely mistake, or a direction and a rough size. A hint never prints the value.
# - **Quizzes**: the options are in the text; press a letter, or write the letter (a string) in the answer cell below
#   and run it. A pressed letter is not saved in the notebook file; the answer cell is: use it for work you hand in.
# - **Stuck?** The second wrong try says what to reread, the third offers the solution: `%load solutions/01_2.py`
#   in a new cell (the exercise's id, `_` for `.`), which checks itself when run. Ids never change, so a few
#   numbers are skipped.
# - **Progress**: `progress()` prints one line; `progress(full=True)` lists every exercise. Your checks are saved
#   across restarts and notebooks.

# %% [markdown]
# ## 2. The map
#
# | notebook | what you learn | needs | time |
# |---|---|---|---|
# | 00 start here | using the course; environment check | — | 12 min |
# | 01 score computation | the problem ALiBi solves; the bias β·(j − i); the complete formula | 00 | 45 min |
# | 02 causal mask | why −∞ before softmax; low precision | 01 | 35 min |
# | 03 geometric slopes | one slope per head; local and global heads | 01, 02 | 45 min |
# | 04 β sweeps | choosing β on a validation set, on a tiny language model | 01, 03 | 45 min |
# | 05 long sequences | train short, test long, against other position methods | 03, 04 | 45 min |
# | 06 ALiBi in practice | production code, bugs to spot, cost; closing quiz | 01–05 | 45 min |
#
# 01 → 02 → 03 is the core; 04 and 05 are experiments.

# %% [markdown]
# ### Notation
#
# | symbol | meaning |
# |---|---|
# | $i$, $j$ | positions of the query (looking) and of a key (looked at), counted from 0; causal attention sees $j \le i$ |
# | $q_i$, $k_j$ | the query and key vectors |
# | $d$ | their length, as in the scaling $1/\sqrt d$ (in a model with $H$ heads, $d_\text{head}$) |
# | $\beta$ | the book's bias strength, inside the scaling: score $= \big(q_i\cdot k_j + \beta\,(j-i)\big)/\sqrt d$ |
# | $m_h$ | the paper's slope of head $h$, after the scaling: score $= q_i\cdot k_j/\sqrt d - m_h\,(i-j)$; $\beta = \sqrt d\, m$ |
# | $H$ | the number of heads, $h = 1..H$; notebooks 03 and 06 write $n$ heads, $k = 1..n$, as the paper does ($k$ a head's number there, not a key $k_j$); FlexAttention's `h` counts from 0 |
# | $L$, $L_\text{train}$ | a sequence length; the length a model was trained on |

# %% [markdown]
# ## 3. Environment check
#
# Versions and threads (notebook 06's timings depend on them):

# %%
import os
import platform
from importlib.metadata import PackageNotFoundError, requires, version

from packaging.requirements import Requirement

# the tested ranges: the package's own (pyproject.toml)
NEEDS = ("torch", "numpy", "matplotlib", "ipywidgets", "ipyevents", "ipykernel", "ipython")
ranges = {r.name.lower(): r.specifier for r in map(Requirement, requires("alibi_edu")) if r.name.lower() in NEEDS}
missing, untested = [], []
for name, spec in ranges.items():
    try:
        if not spec.contains(version(name), prereleases=True):
            untested.append(f"{name} {version(name)} (tested: {spec})")
    except PackageNotFoundError:
        missing.append(f"{name} ({spec})")
found = [n for n in ranges if n not in {m.split()[0] for m in missing}]
print(f"python {platform.python_version()} · " + " · ".join(f"{n} {version(n)}" for n in found))
if untested:
    print("untested here, may still work:", "; ".join(untested))
assert not missing, "missing: " + ", ".join(missing) + ": install them in this kernel (README: Where to run it)"

# %%
import ipywidgets
import torch

from alibi_edu.exercises import check, list_exercises, progress
from alibi_edu.widgets import demo_explorer, named

print(f"torch threads: {torch.get_num_threads()} (CPU cores: {os.cpu_count()}); "
      f"exercises: {len(list_exercises())}")
named(ipywidgets.IntSlider(value=3, min=0, max=10, description="try me"))

# %% [markdown]
# **Do widgets render?** Above you should see a slider. If you see only text such as `IntSlider(value=3)`, the
# widget front end is missing: open the course with `make lab` (JupyterLab), or see *Where to run it* in the README.
#
# ## 4. A first taste: the demo slider
#
# The book's bias for a query at position $i$ and a key at position $j$ is
#
# $$\mathrm{PE}(i,j) = \beta\,(j-i)$$
#
# The bars show it for query $i = 12$ of 16 keys; keys after the query are masked. Move β: every step back
# costs β more.

# %%
demo_explorer()

# %% [markdown]
# ## 5. Your first exercise
#
# **Exercise 00.1** — with β = 0.5, what is the bias of the key at $j = 3$ seen from the query at $i = 7$? Replace
# the `...` with a number and run the cell. Then try a wrong answer on purpose, and a second one, to see the hints.

# %%
answer = ...   # a number
check("00.1", answer)

# %%
progress()

# %% [markdown]
# ## Summary
#
# - Run top to bottom; answer with `answer = ...` and `check(id, answer)`; quizzes take a letter.
# - A third wrong try offers the solution; `progress()` shows where you are.
# - β is the book's strength (inside $1/\sqrt d$), $m_h$ the paper's slope (after it): the [notation](#Notation).
#
# **Try this.**
# 1. Set β to 0 in the demo. What do the bars show now, and what could attention still tell apart?
# 2. Give 00.1 the answer with the wrong sign, then with β left out. Does each hint name your mistake?
#
# **What next.** Notebook 01 — the problem ALiBi solves, then the bias term and the complete formula.
