# %% [markdown]
# # 03 — Geometric slopes: one slope per head
#
# **Goals.** After this notebook you can
# - compute the paper's slopes $m_k = 2^{-8k/n}$ and their ratio, by hand and with `alibi_edu`;
# - tell local heads from global ones;
# - explain why a geometric set needs no tuning;
# - extend the rule to head counts that are not powers of two (12 heads), and spot the misread formula $1/2^{8/k}$.
#
# **Prerequisites.** Notebooks 01 (the bias) and 02 (the causal mask); symbols as in the
# [notation table](00_start_here.ipynb#Notation) of notebook 00. The slopes are the paper's: Press, Smith &
# Lewis, *Train Short, Test Long* (ICLR 2022).

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

# %%
import math
from fractions import Fraction

import matplotlib.pyplot as plt
import torch

from alibi_edu import alibi_bias, attention_weights, causal_mask, geometric_slopes
from alibi_edu.exercises import check, quiz
from alibi_edu.plots import head_grid, slopes_plot
from alibi_edu.widgets import slopes_explorer

# %% [markdown]
# ## 1. The formula
#
# Notebook 01 used a single strength: the book's β, or the paper's slope $m = \beta/\sqrt d$. In a model with $n$
# heads, the paper gives each head its own fixed slope, a geometric sequence that starts at $2^{-8/n}$ with that
# same ratio ($n$ a power of two; heads counted from 1):
#
# $$m_k = 2^{-8k/n},\quad k = 1..n \qquad\qquad \frac{m_{k+1}}{m_k} = 2^{-8/n}$$
#
# Head $k$ then adds $-m_k\,(i-j)$ to its scores (paper's placement, outside the $1/\sqrt d$). This notebook writes the
# head index $k$ and the head count $n$, as the paper's formula does; elsewhere they are $h$ and $H$.
#
# **Exercise 03.1** — Before the worked example below prints them: a model has 8 heads with the paper's slopes
# $m_k = 2^{-8k/n}$. What is the slope of the 4th head (k counts from 1)? A number.
#
# <sub>Stuck? Each wrong try gives a more specific hint, and the third offers the solution: `%load solutions/03_1.py` in a new cell loads it; run it and it checks itself.</sub>

# %%
answer = ...   # a number
check("03.1", answer)

# %% [markdown]
# **Exercise 03.4** — Before the worked example below computes them: implement the slopes for a power-of-two head count: `my_slopes(n)` returns a 1-D tensor of the n slopes,
# head 1 first. The checker tries several powers of two.
#
# <sub>Stuck? Each wrong try gives a more specific hint, and the third offers the solution: `%load solutions/03_4.py` in a new cell loads it; run it and it checks itself.</sub>

# %%
def my_slopes(n):
    ...   # your code here


answer = ...   # when ready: answer = my_slopes
check("03.4", answer)

# %% [markdown]
# ### Worked example: 8 heads

# %% tags=["nbval-check-output"]
n = 8
by_hand = [2 ** (-8 * k / n) for k in range(1, n + 1)]
slopes = geometric_slopes(n, dtype=torch.float64)
assert torch.allclose(slopes, torch.tensor(by_hand, dtype=torch.float64), rtol=1e-12)
print("slopes:", [str(Fraction(m)) for m in by_hand])
print("ratio m_(k+1) / m_k:", sorted({round(b / a, 12) for a, b in zip(by_hand, by_hand[1:])}), "= 2^(-8/n) =", 2 ** (-8 / n))

# %% [markdown]
# ## 2. Local and global heads
#
# A steep slope ($m = 1/2$) makes distant keys expensive: the head looks at the last few tokens. A flat one
# ($m = 1/256$) barely penalises distance: the head can look far back. One set covers both.

# %%
L = 12
biases = alibi_bias(n, L, dtype=torch.float64) + causal_mask(L, dtype=torch.float64)
head_grid(biases, slopes=slopes, title="8 heads: -m_k (i - j) + Mask")
plt.show()

# %% [markdown]
# How far does each head look? With equal content (all $q\cdot k = 0$), the last of $L = 256$ queries spreads its
# weight by the bias alone; the mean distance $\sum_j \alpha_j\,(i-j)$ of its attention:

# %% tags=["nbval-check-output"]
L, d = 256, 64
queries = keys = torch.zeros(1, n, L, d, dtype=torch.float64)   # (batch, heads, L, d): content carries nothing
weights = attention_weights(queries, keys, bias=alibi_bias(n, L, dtype=torch.float64),
                            mask=causal_mask(L, dtype=torch.float64), bias_in_scale=False)[0, :, -1]  # (heads, L): last query
distance = torch.arange(L - 1, -1, -1, dtype=torch.float64)         # i - j for i = L - 1
reach = (weights * distance).sum(-1)
endless = torch.exp(-slopes) / (1 - torch.exp(-slopes))            # the same mean for an endless past
for k_, (m, r, e) in enumerate(zip(slopes.tolist(), reach.tolist(), endless.tolist()), start=1):
    print(f"head {k_}: m = 1/{1 / m:<4g} mean distance attended {r:6.1f} tokens (endless past: {e:6.1f})")

# %% [markdown]
# For an endless past the weights fall as $e^{-m t}$ with distance $t$, and the mean distance is
# $e^{-m}/(1 - e^{-m})$. Heads 1 to 5 sit at that limit (to within 0.1 token): a longer sequence would not make them
# look further. Heads 6 to 8 are cut off by the sequence itself and would look further on a longer one; head 8 spreads
# over all of it (its farthest key, 255 steps back, still gets $e^{-255/256} \approx 0.37$ of the nearest key's weight).
#
# ## 3. Why no tuning?
#
# Tuning slopes on a validation set means training a model for every candidate. With $g$ candidate values for each
# of $n$ slopes, a joint search is $g^n$ training runs: 5 values for each of 8 heads is $5^8 = 390\,625$ runs
# (notebook 04 searches a single dimension: one β shared by every head). The paper instead fixed one geometric set. Its
# authors report that they tried about ten slope sets by hand and that the method was robust to the choice, good sets
# having slopes in $(0, 1)$, denser near 0; and that trainable slopes extrapolated worse.
#
# ## 4. Head counts that are not powers of two: 12 heads
#
# $2^{-8k/n}$ is the paper's rule only for $n$ a power of two. For any $n$, let $c$ be the largest power of two
# $\le n$. If $c = n$, the slopes are $2^{-8k/n}$. Otherwise ($c < n$) take the $c$-head slopes, then the $2c$-head
# slopes at odd $k$ (1, 3, 5, …) until there are $n$.

# %% [markdown]
# **Exercise 03.5** — Before the worked example below applies it: extend `my_slopes` to any head count with this rule. The checker tries several counts, 12 among them.
#
# <sub>Stuck? Each wrong try gives a more specific hint, and the third offers the solution: `%load solutions/03_5.py` in a new cell loads it; run it and it checks itself.</sub>

# %%
def my_slopes_any(n):
    ...   # your code here (you may call your my_slopes from 03.4)


answer = ...   # when ready: answer = my_slopes_any
check("03.5", answer)

# %% [markdown]
# ### Worked example: 12 heads

# %% tags=["nbval-check-output"]
n = 12
c = 2 ** int(math.log2(n))                                  # the largest power of two <= n: 8
extra = range(1, 2 * (n - c), 2)                            # the first n - c odd k: 1, 3, 5, 7
by_hand = [2 ** (-8 * k / c) for k in range(1, c + 1)] + [2 ** (-8 * k / (2 * c)) for k in extra]
twelve = geometric_slopes(12, dtype=torch.float64)
assert torch.allclose(twelve, torch.tensor(by_hand, dtype=torch.float64), rtol=1e-12)
print(f"n = {n}: c = {c}, extra heads at odd k = {list(extra)} of the {2 * c}-head slopes")
print("log2 of the 12 slopes:", [round(math.log2(m), 2) for m in by_hand])
print("monotone in head index?", all(a > b for a, b in zip(by_hand, by_hand[1:])))
direct = [2 ** (-8 * k / n) for k in range(1, n + 1)]
print("2^(-8k/12) applied directly, log2:", [round(math.log2(m), 2) for m in direct])

# %% [markdown]
# Not monotone — by design: the first 8 heads keep the 8-head slopes, and the extra 4 are the 16-head slopes at
# odd $k$, $2^{-0.5}, 2^{-1.5}, 2^{-2.5}, 2^{-3.5}$: the last three halfway (in log2) between 1/2, 1/4, 1/8 and 1/16, the first above the steepest slope 1/2. Applied directly, $2^{-8k/12}$ gives a different set of slopes: a model trained with the
# paper's would run with the wrong ones.

# %%
fig, ax = plt.subplots(figsize=(7, 3.5), layout="constrained")
slopes_plot({"paper, 12 heads": twelve, "2^(-8k/12) applied directly": torch.tensor(direct),
             "paper, 8 heads": geometric_slopes(8)}, ax=ax)
plt.show()

# %% [markdown]
# ## 5. A misread formula: $1/2^{8/k}$
#
# Study material sometimes writes the slopes as $1/2^{8/k}$.
#
# **Exercise 03.6** — Before the table below shows them: compute the misread formula 1/2^(8/k) for k = 1..8, as a list
# or tensor of 8 numbers.
#
# <sub>Stuck? Each wrong try gives a more specific hint, and the third offers the solution: `%load solutions/03_6.py` in a new cell loads it; run it and it checks itself.</sub>

# %%
answer = ...   # 8 numbers
check("03.6", answer)

# %% [markdown]
# **Exercise 03.7** — *Still before the table.* Reversed (k = 8 down to 1), the misread 1/2^(8/k) falls from 1/2 to 1/256: the same first and last slope as the paper's eight. Is it now the paper's set of slopes?
#
# - **A.** Yes: a falling set with the paper's first and last slope is the paper's geometric set all the way through.
# - **B.** No: its neighbour ratios still change from head to head, so its middle heads are steeper than the paper's.
# - **C.** Yes for 8 heads, a power of two; it would differ from the paper's only at head counts such as 6 or 12.
# - **D.** No: the values now match, but the paper's formula counts heads from 0, so every head is shifted by one.
#
# <sub>Stuck? Each wrong try gives a more specific hint, and the third offers the solution: `%load solutions/03_7.py` in a new cell loads it; run it and it checks itself.</sub>

# %%
quiz("03.7")

# %%
answer = ...   # or answer in code: the letter you chose, as a string
check("03.7", answer)

# %% [markdown]
# Beside the paper's, for 8 heads:

# %% tags=["nbval-check-output"]
n = 8
print(" k   paper 2^(-8k/n)   misread 1/2^(8/k)")
misread = []
for k_ in range(1, n + 1):
    misread.append(1 / 2 ** (8 / k_))
    print(f"{k_:2d}   {2 ** (-8 * k_ / n):>14.6f}   {misread[-1]:>16.6f}")
ratios = [b / a for a, b in zip(misread, misread[1:])]
print("misread ratios between neighbours:", [round(r, 3) for r in ratios])
assert all(a < b for a, b in zip(misread, misread[1:]))     # it grows with k

# %% [markdown]
# It **grows** with $k$, from $2^{-8}$ to $2^{-1}$, its ratios change from head to head, and $n$ does not appear in it:
# not the paper's geometric decrease.

# %%
fig, ax = plt.subplots(figsize=(7, 3.5), layout="constrained")
slopes_plot({"paper 2^(-8k/n)": geometric_slopes(n), "misread 1/2^(8/k)": torch.tensor(misread)}, ax=ax)
plt.show()

# %% [markdown]
# ## 6. Explorer
#
# Change the number of heads (try 8, 12, 16) and the length; compare the geometric slopes with one shared slope $m$
# for every head. (The explorer writes the head count $H$ and the slopes $m_h$, $h = 1..H$. Its *reach* of a head
# is another measure than the mean distance above: the largest $i - j$ whose weight is still ≥ 1% of the nearest key's.) Head h and key j select
# one cell of the per-head panels; the readout's second line gives its distance, bias and weight (a click on a cell
# sets them too, where the front end allows it).

# %%
slopes_explorer()

# %% [markdown]
# ## 7. Exercises
#
# (Exercises 03.1, 03.4, 03.5, 03.6 and 03.7 came earlier, in sections 1, 4 and 5.)

# %% [markdown]
# **Exercise 03.2** — For n heads the slopes are m_k = 2^(−8k/n), k = 1..n. How do the values change as k increases?
#
# - **A.** They grow linearly: each head's slope is the previous one plus 8/n, up to 8 at k = n.
# - **B.** They shrink linearly: each head's slope is the previous one minus 1/n, down to 0 at k = n.
# - **C.** They shrink geometrically: each head's slope is the previous one times 2^(−8/n), down to 2^(−8).
# - **D.** They are learned in training, starting from 2^(−8k/n), so they end wherever the data pushes them.
#
# <sub>Stuck? Each wrong try gives a more specific hint, and the third offers the solution: `%load solutions/03_2.py` in a new cell loads it; run it and it checks itself.</sub>

# %%
quiz("03.2")

# %%
answer = ...   # or answer in code: the letter you chose, as a string
check("03.2", answer)

# %% [markdown]
# **Exercise 03.3** — What does giving the heads a fixed geometric set of slopes gain over tuning each head's slope?
#
# - **A.** Each slope is fitted to the training length, so the heads match that length more precisely than tuned ones.
# - **B.** No search over slopes, a spread from local (steep) to global (flat) heads, and a choice the paper found robust.
# - **C.** Fewer numbers to store per layer, since a geometric set is described by its ratio instead of by n slopes.
# - **D.** Every head attends over the same range, so the heads become interchangeable and easier to prune later on.
#
# <sub>Stuck? Each wrong try gives a more specific hint, and the third offers the solution: `%load solutions/03_3.py` in a new cell loads it; run it and it checks itself.</sub>

# %%
quiz("03.3")

# %%
answer = ...   # or answer in code: the letter you chose, as a string
check("03.3", answer)


# %% [markdown]
# **Exercise 03.8** — *Your bias trains a model.* Write `my_alibi_bias(n_heads, L)`: an (n_heads, L, L) tensor whose
# head k holds $-m_k\,(i-j)$ plus the causal mask, built from your own pieces: the slopes of `my_slopes_any` (03.5),
# `my_linear_bias` from notebook 01 called with the slope $m_k$ (the same function: it builds $m_k\,(j-i)$, the
# paper's form), and the mask of `my_causal_mask` from
# notebook 02 (copy them into this notebook, or write them again). Then `bias_trial(my_alibi_bias)` trains two small
# character-level language models side by side (4 heads, L = 32, 60 steps, on the course's small text corpus), from the
# same seed, so with the same initial weights and the same batches: one with your bias in its attention, one with the
# library's ALiBi. The checker compares the two loss curves: they agree to float rounding when your bias gives ALiBi's
# attention weights, and diverge when it does not. It also tries your function at 12 heads and at 1 head. The model adds your tensor after the $1/\sqrt d$ scaling (the paper's
# placement).
#
# <sub>Stuck? Each wrong try gives a more specific hint, and the third offers the solution: `%load solutions/03_8.py` in a new cell loads it; run it and it checks itself.</sub>

# %%
from alibi_edu.lm.trial import bias_trial


def my_alibi_bias(n_heads, L):
    ...   # your code here: an (n_heads, L, L) tensor; head k needs its own slope


answer = ...   # when ready: answer = bias_trial(my_alibi_bias)   (trains two small models: a few seconds)
check("03.8", answer)

# %%
from alibi_edu.exercises import progress

progress()   # every exercise of the course: not tried, tried or passed

# %% [markdown]
# ## Summary
#
# - Each head gets a fixed slope m_k = 2^(−8k/n), k = 1..n: a geometric sequence, ratio 2^(−8/n); 8 heads: 1/2 … 1/256.
# - Steep heads look locally (head 1: mean distance 1.5 tokens), flat heads far back. A joint search over n slopes with
#   g values each would be g^n training runs; the paper fixed one set instead and reports it robust.
# - Other head counts: c = the largest power of two ≤ n; the c-head slopes, then the 2c-head slopes at odd k — 12 heads
#   are not monotone, by design.
# - 1/2^(8/k) is a misreading: it grows with k and is not geometric.
# - Your own slopes, bias and mask, put into a model, train it exactly as the library's ALiBi does (03.8).
#
# Your progress over the whole course: run `progress()` (from `alibi_edu.exercises`) to see every exercise and its state.
#
# **What next.** Notebook 04 — what happens if you do tune one shared β (the book's form): a real sweep on a tiny
# language model.
