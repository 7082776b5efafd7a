# %% [markdown]
# # 03 — Geometric slopes: one slope per head
#
# **Goals.** After this notebook you can
# - compute the paper's slopes $m_k = 2^{-8k/n}$, for any head count;
# - tell local heads from global ones, and cite why the set is not tuned (Press et al. 2022, Sec. 3);
# - spot the misread formula $1/2^{8/k}$;
# - build ALiBi attention from your own pieces and train a model with it.
#
# **Prerequisites.** Notebook 01 (the bias, your `my_linear_bias`) and notebook 02 (the mask, your
# `my_causal_mask`); symbols as in the [notation table](00_start_here.ipynb#Notation). The slopes are the paper's:
# Press, Smith & Lewis, *Train Short, Test Long* (ICLR 2022). Stuck? Each wrong try gives a hint; the
# third offers the solution (`%load solutions/03_1.py`).

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

from alibi_edu import alibi_bias, attention_weights, causal_mask, geometric_slopes
from alibi_edu.exercises import check, progress, quiz
from alibi_edu.lm import TrainConfig, attention_source, load_corpus, train
from alibi_edu.plots import head_grid, slopes_plot
from alibi_edu.widgets import slopes_explorer

# %% [markdown]
# ## 1. The problem: which slope for which head?
#
# Notebook 01 used one slope $m$. A model has $n$ heads. One shared slope makes every head look equally far back;
# a slope tuned per head means a search over $n$ numbers, each candidate a training run.
#
# ## 2. The formula
#
# The paper gives head $k$ a fixed slope ($n$ a power of two; heads count from 1):
#
# $$m_k = 2^{-8k/n},\quad k = 1..n$$
#
# Head $k$ adds $-m_k\,(i-j)$ to its scores after the $1/\sqrt d$. Here $k$ is a head index, not a key vector (in
# code, `k` holds the keys).
#
# **Exercise 03.1** — A model has 8 heads with the paper's slopes $m_k = 2^{-8k/n}$. What is the slope of the 4th
# head (k counts from 1)? A number.

# %%
answer = ...   # a number
check("03.1", answer)

# %% [markdown]
# **Exercise 03.2** — For n heads the slopes are m_k = 2^(−8k/n), k = 1..n. How do the values change as k increases?
#
# - **A.** They fall in equal steps: each exponent is 8/n lower than the one before, so each slope drops by the same amount.
# - **B.** They fall fast at first, then level off, because the ratio between neighbours shrinks toward 1 as k grows.
# - **C.** They shrink geometrically: each head's slope is the previous one times 2^(−8/n), down to 2^(−8).
# - **D.** They are learned in training, starting from 2^(−8k/n), so they end wherever the data pushes them.

# %%
quiz("03.2")

# %%
answer = ...   # or the letter, as a string
check("03.2", answer)

# %% [markdown]
# **Exercise 03.4** — Implement the slopes for a power-of-two head count: `my_slopes(n)` returns a 1-D tensor of the
# n slopes, head 1 first. The checker tries several powers of two.

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
assert torch.allclose(slopes, torch.tensor(by_hand, dtype=torch.float64), rtol=1e-12)   # the library's, by hand
print("slopes:", [str(Fraction(m)) for m in by_hand])
print("m_(k+1) / m_k:", sorted({round(b / a, 12) for a, b in zip(by_hand, by_hand[1:])}), "= 2^(-8/n) =", 2 ** (-8 / n))

# %% [markdown]
# ## 3. Local and global heads
#
# A steep slope ($m = 1/2$) makes distant keys expensive: the head looks at the last few tokens. A flat one
# ($m = 1/256$) barely penalises distance.

# %%
L = 12
head_grid(alibi_bias(n, L, dtype=torch.float64) + causal_mask(L, dtype=torch.float64), slopes=slopes,
          title="8 heads: -m_k (i - j) + Mask")

# %% [markdown]
# How far does each head look? With equal content ($q\cdot k = 0$) the last of $L = 256$ queries spreads its weight
# by the bias alone; its mean distance $\sum_j \alpha_j\,(i-j)$, against $e^{-m}/(1 - e^{-m})$ for an endless past:

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
# the sentence below: heads 1-5 at the endless-past limit, heads 6-8 cut off by the sequence
assert ((reach - endless).abs()[:5] < 0.1).all() and ((endless - reach)[5:] > 1).all()

# %% [markdown]
# Heads 1 to 5 sit at the endless-past limit: a longer sequence would not make them look further. Heads 6 to 8 are
# cut off by the sequence itself; head 8 spreads over all of it.
#
# **Exercise 03.3** — What does giving the heads a fixed geometric set of slopes gain over tuning each head's slope?
#
# - **A.** Each slope is fitted to the training length, so the heads match that length more precisely than tuned ones.
# - **B.** No search over slopes, a spread from local (steep) to global (flat) heads, and a choice the paper found robust.
# - **C.** Fewer numbers to store per layer, since a geometric set is described by its ratio instead of by n slopes.
# - **D.** Every head attends over the same range, so the heads become interchangeable and easier to prune later on.

# %%
quiz("03.3")

# %%
answer = ...   # or the letter, as a string
check("03.3", answer)

# %% [markdown]
# **Why no tuning?** With $g$ candidate values for each of $n$ slopes, a joint search is $g^n$ training runs:
# $5^8 = 390\,625$ for 8 heads. The paper's authors report trying about ten slope sets by hand, finding the method
# robust to the choice, and trainable slopes extrapolating worse.
#
# ## 4. Head counts that are not powers of two
#
# Let $c$ be the largest power of two $\le n$. Take the $c$-head slopes, then the $2c$-head slopes at odd $k$
# (1, 3, 5, …) until there are $n$.
#
# **Exercise 03.5** — Extend `my_slopes` to any head count with this rule. The checker tries several counts, 12 among
# them.

# %%
def my_slopes_any(n):
    ...   # your code here (you may call your my_slopes from 03.4)


answer = ...   # when ready: answer = my_slopes_any
check("03.5", answer)

# %% tags=["nbval-check-output"]
n = 12
c = 2 ** int(math.log2(n))                                  # the largest power of two <= n: 8
extra = range(1, 2 * (n - c), 2)                            # the first n - c odd k
by_hand = [2 ** (-8 * k / c) for k in range(1, c + 1)] + [2 ** (-8 * k / (2 * c)) for k in extra]
twelve = geometric_slopes(12, dtype=torch.float64)
assert torch.allclose(twelve, torch.tensor(by_hand, dtype=torch.float64), rtol=1e-12)   # the library's, by hand
direct = [2 ** (-8 * k / n) for k in range(1, n + 1)]
print(f"n = {n}: c = {c}, extra heads at odd k = {list(extra)} of the {2 * c}-head slopes")
print("log2 of the 12 slopes:", [round(math.log2(m), 2) for m in by_hand])
print("2^(-8k/12) applied directly, log2:", [round(math.log2(m), 2) for m in direct])

# %% [markdown]
# Not monotone, by design: the first 8 heads keep the 8-head slopes, the extra 4 fall between them (in log2).
# $2^{-8k/12}$ applied directly is another set: a model trained with the paper's would run with the wrong one.

# %%
slopes_plot({"paper, 12 heads": twelve, "2^(-8k/12) applied directly": torch.tensor(direct),
             "paper, 8 heads": geometric_slopes(8)})

# %% [markdown]
# ## 5. A misread formula: $1/2^{8/k}$
#
# Study material sometimes writes the slopes as $1/2^{8/k}$.
#
# **Exercise 03.6** — Compute the misread formula 1/2^(8/k) for k = 1..8, as a list or tensor of 8 numbers.

# %%
answer = ...   # 8 numbers
check("03.6", answer)

# %% [markdown]
# **Exercise 03.7** — Reverse the misread 1/2^(8/k) (k = 8 down to 1), so that it falls from head 1 to head 8 as the
# paper's slopes do. Compare its first and last value with the paper's eight slopes. Is it now the paper's set?
#
# - **A.** Yes: it now falls from head 1 to head 8 with the paper's two end values, so it is the same geometric set.
# - **B.** No: its neighbour ratios still change from head to head, so its middle heads are steeper than the paper's.
# - **C.** Yes for 8 heads, a power of two; it would differ from the paper's only at head counts such as 6 or 12.
# - **D.** No: the values now match, but the paper's formula counts heads from 0, so every head is shifted by one.

# %%
quiz("03.7")

# %%
answer = ...   # or the letter, as a string
check("03.7", answer)

# %% tags=["nbval-check-output"]
n = 8
misread = [1 / 2 ** (8 / head) for head in range(1, n + 1)]
print(" k   paper 2^(-8k/n)   misread 1/2^(8/k)")
for head, wrong in enumerate(misread, start=1):
    print(f"{head:2d}   {2 ** (-8 * head / n):>14.6f}   {wrong:>16.6f}")
print("misread ratios between neighbours:", [round(b / a, 3) for a, b in zip(misread, misread[1:])])
assert all(a < b for a, b in zip(misread, misread[1:]))     # "it grows with k", below

# %% [markdown]
# It **grows** with $k$, its ratios change from head to head, and $n$ does not appear in it.

# %%
slopes_plot({"paper 2^(-8k/n)": geometric_slopes(n), "misread 1/2^(8/k)": torch.tensor(misread)})

# %% [markdown]
# ## 6. Explorer
#
# Change the number of heads (try 8, 12, 16) and the length; compare the geometric slopes with one shared slope. A
# head's *reach* there is the largest $i - j$ whose weight is still ≥ 1% of the nearest key's.

# %%
slopes_explorer()

# %% [markdown]
# ## 7. Your ALiBi attention layer, in a model
#
# **Exercise 03.8** — Write `my_alibi_attention(q, k, v, slopes)`: q of shape (B, n, L_q, d), k and v of shape
# (B, n, L_k, d) with L_q ≤ L_k, slopes of shape (n,). It returns softmax(q·kᵀ/√d − m_k·(i − j) + Mask)·v, shape
# (B, n, L_q, d), head k = 1..n. The queries are the *last* L_q positions, as with a **KV cache** (the keys and
# values of past positions, kept while a model generates): query row r sits at i = L_k − L_q + r. Build it from
# your `my_linear_bias` (01.2; here m, added after the 1/√d) and `my_causal_mask` (02.1), copied in.
# The checker compares it with `alibi_edu.alibi_attention` on random shapes.

# %%
def my_alibi_attention(q, k, v, slopes):
    ...   # your code here


answer = ...   # when ready: answer = my_alibi_attention
check("03.8", answer)

# %% [markdown]
# The model's own lines where ALiBi enters, read from `alibi_edu/lm/model.py`. **SDPA**,
# `F.scaled_dot_product_attention`, is PyTorch's softmax(q·kᵀ/√d + attn_mask)·v in one call.

# %%
print(attention_source())

# %% [markdown]
# `ModelConfig(attention_fn=...)` puts your layer where `attend` calls the library's. Two small models train from
# one seed (the same weights, the same batches): one with your layer, one with the library's; the model hands each
# layer its slopes. If yours is ALiBi, their losses agree within 1e-4.

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
# - Head k gets the fixed slope m_k = 2^(−8k/n): a geometric set, 1/2 … 1/256 for 8 heads, steep local heads to
#   flat global ones, with no search over n slopes.
# - Other head counts: the c-head slopes, then the 2c-head slopes at odd k; not monotone, by design.
# - 1/2^(8/k) is a misreading: it grows with k.
# - ALiBi attention: q·kᵀ/√d − m_k·(i − j) + Mask, softmax, values, the queries being the last L_q positions.
#   Built right, your layer gives the library's losses in a model.
#
# **Try this.**
# - In section 3, set L = 1024: which heads' mean distance changes, and which stay at their endless-past limit?
# - In `your_layer`, give every head the slope 1/16 and rerun the model cell. Does the loss after 40 steps move?
#   One seed is one draw: repeat both runs with `seed=1` in `TrainConfig` before you call it a difference.
# - Call your layer with L_q = 1 and L_k = 10: which single bias row does it add, and which keys does the mask hide?
#
# `progress()` says where you are. **What next.** Notebook 04: tuning one shared β on a real language model.
