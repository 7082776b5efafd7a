# %% [markdown]
# # 03 — Geometric slopes: one slope per head
#
# **Goals.** Compute each head's slope, tell local heads (steep: attend near) from global ones (flat: reach
# far), spot a misread formula, and build ALiBi attention in a model.
#
# **Prerequisites.** Notebooks 01 and 02 ([notation](00_start_here.ipynb#Notation)). Slopes: Press, Smith & Lewis, *Train
# Short, Test Long* (ICLR 2022). Stuck? The third wrong try offers the solution (`%load solutions/03_1.py`).

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

# %%
import math
from fractions import Fraction

import torch

from alibi_edu import alibi_bias, attention_weights, causal_mask, geometric_slopes, linear_bias
from alibi_edu.exercises import check, progress, quiz
from alibi_edu.lm import TrainConfig, attention_source, load_corpus, train
from alibi_edu.plots import head_grid, slopes_plot
from alibi_edu.widgets import slopes_explorer

# %% [markdown]
# ## 1. The problem: which slope for which head?
#
# Notebook 01 used one slope $m$. A model has $n$ heads: which slope does each get?
#
# ## 2. The formula
#
# For $n$ heads ($n$ a power of two), head $k$ (here a head, not a key) adds $-m_k\,(i-j)$ after the $1/\sqrt d$:
#
# $$m_k = 2^{-8k/n},\quad k = 1..n$$
#
# **Exercise 03.1** — A model has 8 heads. What is the slope of the 4th head? A number.

# %%
answer = ...   # a number
check("03.1", answer)

# %% [markdown]
# **Exercise 03.2** — How do the slopes m_k = 2^(−8k/n) change as k increases?
#
# - **A.** They fall in equal steps: each slope is the previous one minus the same amount.
# - **B.** They fall fast, then level off: the ratio between neighbours shrinks toward 1.
# - **C.** They shrink geometrically: each is the previous one times 2^(−8/n), down to 2^(−8).
# - **D.** They are learned in training, starting from 2^(−8k/n), wherever the data pushes them.

# %%
quiz("03.2")

# %%
answer = ...   # or the letter, as a string
check("03.2", answer)

# %% [markdown]
# **Exercise 03.4** — Write `my_slopes(n)` for a power-of-two n: a 1-D tensor of the n slopes, head 1 first.

# %%
def my_slopes(n):
    ...   # your code here


answer = ...   # when ready: answer = my_slopes
check("03.4", answer)

# %% [markdown]
# ### The 8 heads' slopes

# %% tags=["nbval-check-output"]
n = 8
slopes = geometric_slopes(n, dtype=torch.float64)
ratios = slopes[1:] / slopes[:-1]
assert slopes[0] == 2 ** (-8 / n) and torch.allclose(ratios, torch.tensor(2 ** (-8 / n), dtype=torch.float64))
print("slopes:", [str(Fraction(m)) for m in slopes.tolist()])
print("m_(k+1) / m_k:", sorted({round(r, 12) for r in ratios.tolist()}), "= 2^(-8/n) =", 2 ** (-8 / n))

# %% [markdown]
# ## 3. Local and global heads
#
# **Exercise 03.3** — *Predict first.* What does a fixed geometric set of slopes gain over tuning each head's slope?
#
# - **A.** Each slope is fitted to the training length, so the heads match that length more precisely.
# - **B.** No search, a spread from local (steep) to global (flat) heads, and a choice the paper found robust.
# - **C.** Fewer numbers to store: a geometric set is described by its ratio instead of by n slopes.
# - **D.** Every head attends over the same range, so the heads become interchangeable and easy to prune.

# %%
quiz("03.3")

# %%
answer = ...   # or the letter, as a string
check("03.3", answer)

# %%
L = 12
head_grid(alibi_bias(n, L, dtype=torch.float64) + causal_mask(L, dtype=torch.float64), slopes=slopes,
          title="8 heads: -m_k (i - j) + Mask")

# %% [markdown]
# How far does each head look? With $q\cdot k = 0$, the last of 256 queries weighs keys by the bias alone. Its mean
# distance $\sum_j \alpha_j\,(i-j)$, and $e^{-m}/(1 - e^{-m})$ for an endless past:

# %% tags=["nbval-check-output"]
L, d = 256, 64
queries = keys = torch.zeros(1, n, L, d, dtype=torch.float64)   # content carries nothing
weights = attention_weights(queries, keys, bias=alibi_bias(n, L, dtype=torch.float64),
                            mask=causal_mask(L, dtype=torch.float64), bias_in_scale=False)[0, :, -1]
distance = torch.arange(L - 1, -1, -1, dtype=torch.float64)         # i - j for the last query
reach = (weights * distance).sum(-1)
endless = torch.exp(-slopes) / (1 - torch.exp(-slopes))
for head, (m, r, e) in enumerate(zip(slopes.tolist(), reach.tolist(), endless.tolist()), start=1):
    print(f"head {head}: m = 1/{1 / m:<4g} mean distance {r:6.1f} tokens (endless past: {e:6.1f})")

# %%
# the text below
assert ((reach - endless).abs()[:5] < 0.1).all() and ((endless - reach)[5:] > 1).all()

# %% [markdown]
# At L = 256, steep heads 1 to 5 look near, at their endless-past limit; flat heads 6 to 8 are cut off by the
# sequence. The authors tried about ten sets, found the choice robust, and trainable slopes extrapolating worse
# (Sec. 3).
#
# ## 4. Head counts that are not powers of two
#
# Let $c$ be the largest power of two $\le n$. Take the $c$-head slopes, then the $2c$-head slopes at odd $k$
# (1, 3, 5, …) until there are $n$. For 12 heads:

# %% tags=["nbval-check-output"]
n12 = 12
c = 2 ** int(math.log2(n12))                                # the largest power of two <= 12: 8
extra = range(1, 2 * (n12 - c), 2)                          # the first n - c odd k
by_hand = [2 ** (-8 * k / c) for k in range(1, c + 1)] + [2 ** (-8 * k / (2 * c)) for k in extra]
twelve = geometric_slopes(n12, dtype=torch.float64)
assert torch.allclose(twelve, torch.tensor(by_hand, dtype=torch.float64), rtol=1e-12)   # the library's, by hand
direct = [2 ** (-8 * k / n12) for k in range(1, n12 + 1)]
print(f"n = {n12}: c = {c}, extra heads at odd k = {list(extra)} of the {2 * c}-head slopes")
print("log2 of the 12 slopes:", [round(math.log2(m), 2) for m in by_hand])
print("2^(-8k/12) applied directly, log2:", [round(math.log2(m), 2) for m in direct])

# %% [markdown]
# Not monotone: harmless, each head attends on its own. $2^{-8k/12}$ applied directly is another set.

# %%
slopes_plot({"paper, 12 heads": twelve, "2^(-8k/12) applied directly": torch.tensor(direct),
             "paper, 8 heads": geometric_slopes(8)})

# %% [markdown]
# ## 5. A misread formula: $1/2^{8/k}$
#
# **Exercise 03.7** — Compute 1/2^(8/k) for k = 1..8. Reversed (k = 8 down to 1), it falls from head 1 to head 8
# as the paper's slopes do. Is it then the paper's set?
#
# - **A.** Yes: it now falls with the paper's two end values, so it is the same geometric set.
# - **B.** No: its neighbour ratios still change, so its middle heads are steeper than the paper's.
# - **C.** Yes for 8 heads, a power of two; it would differ only at head counts such as 6 or 12.
# - **D.** No: the values match, but the paper counts heads from 0, so every head is shifted by one.

# %%
quiz("03.7")

# %%
answer = ...   # or the letter, as a string
check("03.7", answer)

# %% tags=["nbval-check-output"]
heads = 8
misread = [1 / 2 ** (8 / head) for head in range(1, heads + 1)]
print(" k   paper 2^(-8k/8)   misread 1/2^(8/k)")
for head, wrong in enumerate(misread, start=1):
    print(f"{head:2d}   {2 ** (-8 * head / heads):>14.6f}   {wrong:>16.6f}")
print("misread ratios between neighbours:", [round(b / a, 3) for a, b in zip(misread, misread[1:])])
assert all(a < b for a, b in zip(misread, misread[1:]))     # "it grows with k", below

# %% [markdown]
# It **grows** with $k$, its ratios change, and $n$ is not in it.

# %%
slopes_plot({"paper 2^(-8k/8)": geometric_slopes(heads), "misread 1/2^(8/k)": torch.tensor(misread)})

# %% [markdown]
# ## 6. Explorer
#
# *Reach*: the largest $i - j$ weighted ≥ 1% of the nearest key. Which of 8 heads reach 100 back? Then 12 and 16
# heads, or one m shared by all (pale).

# %%
slopes_explorer()

# %% [markdown]
# ## 7. Your ALiBi attention layer, in a model
#
# **Exercise 03.8** — Write `my_alibi_attention(q, k, v, slopes)`: softmax(q·kᵀ/√d − m_h·(i − j) + Mask)·v, m_h
# head h's slope. With a **KV cache** (a generating model keeps past keys and values) there are fewer queries than
# keys: they are the *last* L_q positions, row r at i = L_k − L_q + r. Fill in the five steps.

# %%
linear_fn, mask_fn = linear_bias, causal_mask   # the library's; or paste yours (01.2, 02.1) above and use them


def my_alibi_attention(q, k, v, slopes):
    """q (B, n, L_q, d); k, v (B, n, L_k, d); slopes (n,) -> (B, n, L_q, d)."""
    # 1. bias: linear_fn(L_k, beta=m) for each slope m, stacked: (n, L_k, L_k)
    #    β = m: β·(j − i) = −m·(i − j), passed straight through: this bias is added after 1/√d
    # 2. bias + mask_fn(L_k), then its last L_q rows: (n, L_q, L_k)
    # 3. scores: q·kᵀ/√d + bias: (B, n, L_q, L_k)
    # 4. weights: softmax over the keys
    # 5. return weights·v: (B, n, L_q, d)
    ...   # your code: a line or two per step


answer = ...   # when ready: answer = my_alibi_attention
check("03.8", answer)

# %% [markdown]
# The same steps in the model's source (`alibi_edu/lm/model.py`): `stack_bias` builds bias and mask; `attend`
# hands them to **SDPA**, PyTorch's softmax(q·kᵀ/√d + attn_mask)·v.

# %%
alibi_slopes, stack_bias, attend = attention_source().split("\n\n")
print(stack_bias, *attend.splitlines()[-2:], sep="\n")

# %% [markdown]
# One seed (same weights, same batches) trains a model with your layer and one with the library's:
# if yours is ALiBi, their losses agree within 1e-4.

# %%
def your_layer(q, k, v, slopes):
    return my_alibi_attention(q, k, v, slopes)   # the model's slopes


if callable(answer):
    corpus, setup = load_corpus(), TrainConfig(steps=40, batch_size=16, seq_len=32, lr=1e-2)
    sizes = dict(d_model=32, n_layers=1, n_heads=4, progress=False)
    yours = train(corpus, "alibi", config=setup, attention_fn=your_layer, **sizes)
    library = train(corpus, "alibi", config=setup, **sizes)
    gap = max(abs(a - b) for a, b in zip(yours.losses, library.losses))
    print(f"{setup.steps} steps: loss {yours.losses[0]:.3f} -> {yours.losses[-1]:.3f} with your layer, "
          f"{library.losses[-1]:.3f} with the library's; largest gap {gap:.1e}")
else:
    print("Hand in your layer in 03.8 (answer = my_alibi_attention), then run this cell.")

# %%
progress()

# %% [markdown]
# ## Summary
#
# - m_k = 2^(−8k/n): fixed, geometric, local to global. Other counts: c heads, then odd k.
# - 1/2^(8/k) grows with k: a misreading.
# - ALiBi attention: q·kᵀ/√d − m_h·(i − j) + Mask, softmax, values; the queries are the last L_q positions.
#
# **Try this.**
# - Section 3 with L = 1024: which heads' mean distance changes?
# - Give every head slope 1/16 in `your_layer`. Does the final loss move? Retry with `seed=1` in `TrainConfig`.
# - Your layer with L_q = 1, L_k = 10: which bias row does it add?
#
# `progress()` says where you are. **What next.** Notebook 04: one shared β on a real language model.
