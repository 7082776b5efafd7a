# %% [markdown]
# # 00 — Start here
#
# This course teaches **ALiBi** (Attention with Linear Biases): how a transformer can know where tokens are without
# any position embeddings, by penalising attention in proportion to distance. It follows two texts:
# - **the book**: Tong Xiao and Jingbo Zhu, *Foundations of Large Language Models*, Chapter 2 (generative models),
#   whose form of the bias, its questions and its β you will meet in notebooks 01 to 04;
# - **the paper** that introduced ALiBi: Ofir Press, Noah A. Smith and Mike Lewis, *Train Short, Test Long: Attention
#   with Linear Biases Enables Input Length Extrapolation*, ICLR 2022.
#
# **Goals.** After this notebook you can run the course's notebooks, move their sliders, answer and check an
# exercise, load a solution when stuck, see your progress, and read the notation every notebook uses.
#
# **Prerequisites.** Python and a little PyTorch; dot-product attention and softmax. About 10 minutes.

# %%
# Ready for any kernel: where the course package is missing (Colab, a new kernel), install it from ALIBI_EDU_SOURCE
# (README: Where to run it) with --no-deps, so this kernel's torch, ipywidgets and ipykernel stay as they are;
# on Colab, allow the course's widgets. Everywhere else this cell does nothing.
import importlib, os, subprocess, sys
from importlib.util import find_spec

if find_spec("alibi_edu") is None:
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
# - **Run cells** with *Shift + Enter*, or everything at once with *Run → Run All Cells*. Run a notebook top to
#   bottom the first time: later cells use what earlier cells computed.
# - **Move sliders.** Each notebook has an *explorer*: change a control and the picture and the readout under it
#   follow.
# - **Answer exercises.** An exercise cell starts with `answer = ...`. Replace the `...` with your answer, run the
#   cell, and `check(...)` prints ✓ with the reason, or ✗ with a hint: the mistake it recognises, or a direction.
#   Try as often as you like; the hints get more specific as you retry.
# - **Quizzes** are multiple choice: pick an option and press *Check*, or set `answer` to the option's letter (a
#   string) in the cell below the quiz and run it. A click in the quiz is not saved in the notebook file: if your
#   notebook is handed in for grading, write the letter in that answer cell.
# - **Stuck?** If your copy of the course has a `solutions` folder, type `%load solutions/01_2.py` (the exercise's
#   id, with `_` for `.`) into a new cell and run it: the solution appears in the cell; run the cell again and it
#   checks itself (✓).
# - **Your progress.** `progress()` (from `alibi_edu.exercises`) lists every exercise of the course with its state —
#   not tried, tried or passed. The state is saved, so it survives a restart and is shared by all notebooks.

# %% [markdown]
# ## 2. The map
#
# | notebook | what you learn | needs | time |
# |---|---|---|---|
# | 00 start here | how to use the course; environment check | — | 10 min |
# | 01 score computation | the bias β·(j − i) and the complete formula; inside or outside 1/√d | 00 | 40 min |
# | 02 causal mask | why −∞ before softmax; what breaks without the mask; low precision | 01 | 35 min |
# | 03 geometric slopes | one slope per head, 2^(−8k/n); local and global heads | 01 | 35 min |
# | 04 β sweeps | choosing β on a validation set, on a real tiny language model | 01, 03 | 40 min |
# | 05 long sequences | train short, test long: ALiBi against other position methods | 03, 04 | 40 min |
# | 06 ALiBi in practice | production code forms, four bugs to spot, cost; what comes next; closing quiz | 01–03 | 45 min |
#
# 01 → 02 → 03 is the core; 04 and 05 are experiments; 06 closes the course.

# %% [markdown]
# ### Notation
#
# Every notebook uses these symbols (the book writes β, the paper m; this course keeps the two apart).
#
# | symbol | meaning |
# |---|---|
# | $i$ | position of the query, the token that is looking; positions count from 0 |
# | $j$ | position of a key, a token being looked at; causal attention lets query $i$ see keys $j \le i$ |
# | $q_i$, $k_j$ | the query vector at position $i$, the key vector at position $j$ |
# | $d$ | the length of $q_i$ and $k_j$, as in the scaling $1/\sqrt d$ |
# | $d_\text{head}$ | that length in a model with several heads: the model width divided by $H$ (there $d = d_\text{head}$) |
# | $\beta$ | the book's bias strength, inside the scaling: score $= \big(q_i\cdot k_j + \beta\,(j-i)\big)/\sqrt d$ |
# | $m_h$ | the paper's slope for head $h$, after the scaling: score $= q_i\cdot k_j/\sqrt d - m_h\,(i-j)$; so $\beta = \sqrt d\, m$ |
# | $H$ | the number of heads; heads count from 1, $h = 1..H$ (notebook 03 writes $k$ and $n$, as the paper's slope formula does) |
# | $L$ | the sequence length; $L_q$ queries and $L_k$ keys when the two differ (notebook 06) |
# | $L_\text{train}$ | the length of the sequences a model was trained on (notebooks 04 and 05) |

# %% [markdown]
# ## 3. Environment check
#
# Versions and threads (attention timings in notebook 06 depend on them):

# %%
import os
import platform
import re
from importlib.metadata import PackageNotFoundError, version

# What the course needs, from the oldest version it is tested with (Colab's) up to below the first untested major.
TESTED = {"torch": ("2.13", "3"), "numpy": ("2.1", "3"), "matplotlib": ("3.8", "4"), "ipywidgets": ("7.7", "9"),
          "ipyevents": ("2.0", "3"), "ipykernel": ("6.17", "8"), "ipython": ("7.34", "10")}
release = lambda v: tuple(int(n) for n in re.match(r"\d+(\.\d+)*", v)[0].split("."))
missing, untested = [], []
for name, (low, high) in TESTED.items():
    try:
        have = version(name)
    except PackageNotFoundError:
        missing.append(f"{name} (≥ {low})")
        continue
    if not release(low) <= release(have) < release(high):
        untested.append(f"{name} {have} (tested: ≥ {low}, < {high})")
print(f"python {platform.python_version()} · " + " · ".join(f"{n} {version(n)}" for n in TESTED if n not in
                                                             {m.split()[0] for m in missing}))
if untested:
    print("untested here, may still work:", "; ".join(untested))
assert not missing, "missing: " + ", ".join(missing) + ": install them in this kernel (README: Where to run it)"

import torch

from alibi_edu.exercises import check, list_exercises

print(f"torch threads: {torch.get_num_threads()} (CPU cores visible: {os.cpu_count()})")
print(f"exercises registered: {len(list_exercises())}")

# %% [markdown]
# **Do widgets render?** Below you should see a slider. If you see only text such as `IntSlider(value=3)`, the
# widget front end is missing: open the course with `make lab` (JupyterLab), or see *Where to run it* in the
# course's README.

# %%
import ipywidgets

ipywidgets.IntSlider(value=3, min=0, max=10, description="try me")

# %% [markdown]
# ## 4. A first taste: the demo slider
#
# The book's bias for a query at position $i$ and a key at position $j$ is
#
# $$\mathrm{PE}(i,j) = \beta\,(j-i)$$
#
# The bars show it for query $i = 12$ of 16 keys; keys after the query are masked. Move β: every step back
# costs β more.

# %%
from alibi_edu.widgets import demo_explorer

demo_explorer()

# %% [markdown]
# ## 5. Your first exercise
#
# **Exercise 00.1** — with β = 0.5, what is the bias of the key at $j = 3$ seen from the query at $i = 7$? Replace the
# `...` with a number and run the cell. Then try a wrong answer on purpose, to see a hint.
#
# How the checking works, in every notebook:
# - ✓ with the reason when you are right; ✗ with a hint when not. The hint names the likely mistake, or says
#   in which direction and by roughly how much you are off — never the answer itself.
# - Each further wrong try at the same exercise adds to the hint: the second points to the formula or section
#   to reread, the third offers the solution.
# - `%load solutions/00_1.py` in a new cell loads a solution (if your copy has a `solutions` folder); running
#   that cell checks it, like your own answer.
# - Every check is remembered, across notebooks and restarts: `progress()` below shows where you are.

# %%
answer = ...   # a number
check("00.1", answer)

# %% [markdown]
# **Your progress.** Every answer you check is remembered. This table lists every exercise of the course, notebook by
# notebook, with its state; run it again in any notebook (`from alibi_edu.exercises import progress`).

# %%
from alibi_edu.exercises import progress

progress()

# %% [markdown]
# ## Summary
#
# - Run cells top to bottom; move the sliders; answer with `answer = ...` and `check(id, answer)`.
# - `%load solutions/NN_k.py` shows a solution, which checks itself when run; quizzes take a click or a letter.
# - `progress()` (from `alibi_edu.exercises`) shows every exercise of the course and its state.
# - The [notation table](#Notation): β is the book's strength (inside $1/\sqrt d$), $m_h$ the paper's slope (after it).
#
# **What next.** Notebook 01 — the bias term and the complete formula.
