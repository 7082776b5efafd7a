# %% [markdown]
# # 02 — The causal mask
#
# **Goals.** After this notebook you can
# - write Mask(i, j) and explain why −∞ gives exactly zero weight while each row still sums to 1;
# - say what goes wrong with a large finite number in float16, and with a fully masked row;
# - build a bidirectional variant, −m·|i − j|;
# - explain why BLOOM may add m·j instead of −m·(i − j) — and only under the causal mask;
# - see a model without the mask "cheat" by reading the next token.
#
# **Prerequisites.** Notebook 01 (the bias β·(j − i) and the complete formula). Symbols as in the
# [notation table](00_start_here.ipynb#Notation) of notebook 00.

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

import matplotlib.pyplot as plt
import torch

from alibi_edu import alibi_bias, attention_scores, attention_weights, causal_mask, relative_positions
from alibi_edu.exercises import check, quiz
from alibi_edu.plots import bias_heatmap, weights_heatmap
from alibi_edu.widgets import mask_explorer

# %% [markdown]
# ## 1. Mask(i, j)
#
# A language model predicts token $i+1$ from tokens $0..i$: query $i$ must not see keys $j > i$.
#
# $$\mathrm{Mask}(i,j) = \begin{cases} 0 & j \le i \\ -\infty & j > i \end{cases} \qquad
# \alpha(i,j) = \frac{e^{s_{ij} + \mathrm{Mask}(i,j)}}{\sum_{j'} e^{s_{ij'} + \mathrm{Mask}(i,j')}}$$
#
# $e^{-\infty} = 0$: a future key adds nothing to the numerator or the denominator, so it gets exactly 0 and the
# allowed keys share all the weight. Here $s_{ij}$ is the score before the mask: $q_i\cdot k_j/\sqrt d$ plus the ALiBi bias.

# %% [markdown]
# **Exercise 02.1** — Before the worked example below builds one: write the causal mask. `my_causal_mask(L)` returns an (L, L) float tensor, 0 where key j ≤ query i and
# `float('-inf')` where j > i.
#
# <sub>Stuck? Each wrong try gives a more specific hint, and the third offers the solution: `%load solutions/02_1.py` in a new cell loads it; run it and it checks itself.</sub>

# %%
def my_causal_mask(L):
    ...   # your code here


answer = ...   # when ready: answer = my_causal_mask
check("02.1", answer)

# %% [markdown]
# ### Worked example

# %% tags=["nbval-check-output"]
L = 4
by_hand = torch.tensor([[0.0 if j <= i else -math.inf for j in range(L)] for i in range(L)])
mask = causal_mask(L)
assert torch.equal(mask, by_hand)
print(mask)

# %% tags=["nbval-check-output"]
torch.manual_seed(0)
q, k = torch.randn(2, L, 8)
weights = attention_weights(q, k, mask=mask)
future = mask.isinf()
print("future weights exactly 0:", bool((weights[future] == 0).all()))
print("row sums:", [round(s, 6) for s in weights.sum(-1).tolist()])
assert (weights[future] == 0).all() and torch.allclose(weights.sum(-1), torch.ones(L))

# %%
L = 10
torch.manual_seed(1)
q, k = torch.randn(2, L, 8)
mask = causal_mask(L)
fig, axes = plt.subplots(1, 3, figsize=(15, 4), layout="constrained")
bias_heatmap(attention_scores(q, k), ax=axes[0], title="scores q.k/sqrt(d)")
bias_heatmap(attention_scores(q, k, mask=mask), ax=axes[1], title="scores + Mask")
weights_heatmap(attention_weights(q, k, mask=mask), ax=axes[2], title="weights", masked=mask.isinf())
plt.show()

# %% [markdown]
# ## 2. Why not just a large finite number?
#
# Some codebases write a "very negative" number instead of −∞: a stand-in −M, with $M$ a large positive number such
# as $10^9$. Two things can go wrong; this section shows both. First, a question to answer before you read on.

# %% [markdown]
# **Exercise 02.4** — *Predict, then look.* A padding query has every key masked. Version 1 adds −∞ to the scores, then applies torch.nan_to_num to the weights (NaN becomes 0); version 2 uses scores.masked_fill(mask, −1e9) in float32 and nothing else. What does the padding query's output (its weights times the values) come out as in each?
#
# - **A.** Zero in both: a query with no visible key gives no weight to any value, however the mask is written.
# - **B.** Version 1: the mean of the hidden keys' values; version 2: NaN, as e^(1e9) overflows float32.
# - **C.** Version 1: the first key's value, as softmax breaks ties by index; version 2: zero, as e^(−1e9) underflows.
# - **D.** Version 1: zero, as its NaN weights become 0; version 2: the mean of the values of keys meant to be hidden.
#
# <sub>Stuck? Each wrong try gives a more specific hint, and the third offers the solution: `%load solutions/02_4.py` in a new cell loads it; run it and it checks itself.</sub>

# %%
quiz("02.4")

# %%
answer = ...   # or answer in code: the letter you chose, as a string
check("02.4", answer)

# %% [markdown]
# **Low precision.** float16 has a small range: a float32 stand-in such as −1e9 becomes −∞ anyway, and the most
# negative float16 plus a bias such as −100 overflows too. So in float16 a stand-in like −1e9 is −∞ after all: a row
# whose keys are all masked with it gives NaN, as −∞ does. (−1e4 stays finite in float16.)

# %% tags=["nbval-check-output"]
f16 = torch.float16
for value in (-1e9, -1e4):
    print(f"{value:g} in float16 -> {torch.tensor(value, dtype=f16).item()}")
lowest = torch.tensor(torch.finfo(f16).min, dtype=f16)
print(f"float16 min {lowest.item():g} plus a bias of -100 -> {(lowest + torch.tensor(-100.0, dtype=f16)).item()}")
row16 = torch.full((3,), -1e9).to(f16)                   # a row whose keys are all masked with -1e9, in float16
weights16 = torch.softmax(row16.float(), -1)
print(f"a fully masked row, -1e9 in float16: {row16.tolist()} -> softmax {weights16.tolist()}")
assert weights16.isnan().all()

# %% [markdown]
# **A fully masked row** (say, a padding query, whose keys are all hidden, as in 02.4). With −∞ everywhere softmax
# computes 0/0 = NaN — loud. With a large finite number instead, what comes out depends on how it is applied, and
# either way the hidden keys get weight, silently:
# - **added** to the scores, `scores + (-1e9)`: in exact arithmetic that is a constant added to the whole row, which
#   softmax ignores, so the row would get the weights of the unmasked scores. In float64 that is what you see. In
#   float32 the constant swallows the scores: float32 numbers near 1e9 are 64 apart, so the three sums round to the
#   same number and the row comes out uniform.
# - **replacing** the scores, `scores.masked_fill(mask, -1e9)` (a common way to apply a mask): every entry is exactly
#   −1e9, and the row is uniform.

# %% tags=["nbval-check-output"]
scores = torch.tensor([1.0, 2.0, 3.0])
hidden = torch.ones(3, dtype=torch.bool)                                  # every key of this query is masked
gap = torch.nextafter(torch.tensor(-1e9), torch.tensor(0.0)) - torch.tensor(-1e9)
print(f"float32 numbers near -1e9 are {gap.item():g} apart: -1e9 + 1, -1e9 + 2, -1e9 + 3 all round to -1e9")
rows = {"-inf added": scores + -math.inf,
        "-1e9 added, float32": scores + -1e9,
        "-1e9 added, float64": scores.double() + -1e9,
        "masked_fill, -1e9": scores.masked_fill(hidden, -1e9)}
weights = {name: torch.softmax(row, dim=-1) for name, row in rows.items()}
for name, row in rows.items():
    print(f"{name:>19}: softmax sees {[f'{x:.0f}' for x in row.tolist()]} -> weights "
          f"{[round(w, 4) for w in weights[name].tolist()]}")
print(f"{'no mask at all':>19}: weights {[round(w, 4) for w in torch.softmax(scores, -1).tolist()]}")
uniform = torch.full((3,), 1 / 3)
assert weights["-inf added"].isnan().all()
assert torch.allclose(weights["-1e9 added, float32"], uniform) and torch.allclose(weights["masked_fill, -1e9"], uniform)
assert torch.allclose(weights["-1e9 added, float64"].float(), torch.softmax(scores, -1))

values = torch.tensor([[3.0, 0.0], [0.0, 3.0], [3.0, 6.0]])              # one value vector per (hidden) key
out_inf = torch.nan_to_num(weights["-inf added"]) @ values                 # 02.4's version 1
out_fill = weights["masked_fill, -1e9"] @ values                           # 02.4's version 2
print(f"the padding query's output: -inf, then nan_to_num -> {out_inf.tolist()}; masked_fill -1e9 -> "
      f"{[round(x, 4) for x in out_fill.tolist()]} (the mean of the hidden values: {values.mean(0).tolist()})")
assert (out_inf == 0).all() and torch.allclose(out_fill, values.mean(0))

# %% [markdown]
# ## 3. Bidirectional attention: −m·|i − j|
#
# An encoder lets every token see every other one, so there is no mask — and the causal bias −m·(i − j) would turn
# into a **bonus** for future keys ($j > i$). A common bidirectional variant (the paper defines only the causal
# form) penalises distance on both sides:
# $-m\,|i-j|$. From here on the bias is written in the paper's form, with slope m, added after the $1/\sqrt d$
# scaling (notebook 01: $\beta = \sqrt d\,m$).

# %% [markdown]
# **Exercise 02.6** — Before the worked example below prints one (L = 5, m = 0.5): give the (4, 4) tensor −m·|i − j| for L = 4 and m = 0.75.
#
# <sub>Stuck? Each wrong try gives a more specific hint, and the third offers the solution: `%load solutions/02_6.py` in a new cell loads it; run it and it checks itself.</sub>

# %%
answer = ...   # a (4, 4) tensor
check("02.6", answer)

# %% [markdown]
# The worked example:

# %% tags=["nbval-check-output"]
L, m = 5, 0.5
by_hand = torch.tensor([[-m * abs(i - j) for j in range(L)] for i in range(L)])
symmetric = alibi_bias(1, L, slopes=torch.tensor([m]), symmetric=True)[0]
assert torch.equal(symmetric, by_hand)
print(symmetric + 0.0)   # + 0.0 prints -0.0 on the diagonal as 0.0

# %%
L = 10
causal_bias = alibi_bias(1, L, slopes=torch.tensor([m]))[0]           # -m(i - j): one head with slope m
fig, axes = plt.subplots(1, 3, figsize=(15, 4), layout="constrained")
bias_heatmap(causal_bias + causal_mask(L), ax=axes[0], title="causal: -m(i - j) + Mask")
bias_heatmap(causal_bias, ax=axes[1], title="-m(i - j) without the mask: future bonus")
bias_heatmap(alibi_bias(1, L, slopes=torch.tensor([m]), symmetric=True)[0], ax=axes[2], title="bidirectional: -m|i - j|")
plt.show()

# %% [markdown]
# ## 4. BLOOM's shortcut m·j — valid only under the causal mask
#
# BLOOM (and the reference fairseq code) adds $m\cdot j$, the key position alone, the same for every row. Softmax
# ignores a constant added to a whole row, and
#
# $$m\,j = m\,(j - i) + \underbrace{m\,i}_{\text{constant in row } i}$$
#
# so the weights are those of $-m\,(i-j)$. That is ALiBi only while $j > i$ is masked:

# %% tags=["nbval-check-output"]
torch.manual_seed(2)
L, m = 6, 0.5
q, k = torch.randn(2, L, 8, dtype=torch.float64)
key_only = m * torch.arange(L, dtype=torch.float64).expand(L, L)          # m * j
alibi = alibi_bias(1, L, slopes=torch.tensor([m]), dtype=torch.float64)[0]  # -m * (i - j)
mask = causal_mask(L, dtype=torch.float64)
shortcut = attention_weights(q, k, bias=key_only, mask=mask, bias_in_scale=False)
causal = attention_weights(q, k, bias=alibi, mask=mask, bias_in_scale=False)
print("causal: m*j gives ALiBi's weights?", torch.allclose(shortcut, causal))

symmetric = alibi_bias(1, L, slopes=torch.tensor([m]), symmetric=True, dtype=torch.float64)[0]
open_shortcut = attention_weights(q, k, bias=key_only, bias_in_scale=False)
bidirectional = attention_weights(q, k, bias=symmetric, bias_in_scale=False)
print("bidirectional: m*j gives ALiBi's weights?", torch.allclose(open_shortcut, bidirectional))
print(f"query 0, weight on the farthest key j = {L - 1}: m*j {open_shortcut[0, -1]:.3f} vs -m|i-j| {bidirectional[0, -1]:.3f}")
assert torch.allclose(shortcut, causal) and not torch.allclose(open_shortcut, bidirectional)

# %% [markdown]
# ## 5. Without the mask, the model cheats
#
# A toy model with 2L parameters: one learned score per offset $j - i$ ($2L - 1$ numbers) and one scale $s$. Query $i$
# attends over the one-hot tokens, and $s$ times the attended mixture gives the logits for token $i+1$ ($s = 0$
# predicts all $V$ tokens equally; a large $s$ bets on the tokens it attends to). It trains on random token
# sequences, where the next token is independent of everything before it, and is scored on fresh random sequences
# it never saw. With the mask the best it can do is guess every token equally: cross-entropy $\log V$. Without the
# mask it can learn to read the answer at offset +1 — a trick that is useless when generating, where token $i+1$ does
# not exist yet.

# %%
V, L = 8, 16
offsets = relative_positions(L)                                   # j - i, from -(L-1) to L-1


def next_token_loss(score_per_offset, scale, mask, tokens):
    """Cross-entropy of predicting token i + 1 at every position i; tokens (B, L)."""
    weights = torch.softmax(score_per_offset[offsets + L - 1] + mask, dim=-1)       # (L, L)
    logits = scale * (weights @ torch.nn.functional.one_hot(tokens, V).float())     # (B, L, V)
    return torch.nn.functional.cross_entropy(logits[:, :-1].reshape(-1, V), tokens[:, 1:].reshape(-1))


def train(masked: bool, steps: int = 40, lr: float = 20.0) -> tuple[float, float, torch.Tensor]:
    torch.manual_seed(0)
    score_per_offset = torch.zeros(2 * L - 1, requires_grad=True)
    scale = torch.zeros((), requires_grad=True)
    mask = causal_mask(L) if masked else torch.zeros(L, L)
    for _ in range(steps):
        loss = next_token_loss(score_per_offset, scale, mask, torch.randint(V, (64, L)))
        loss.backward()
        with torch.no_grad():                                                   # plain gradient descent
            for p in (score_per_offset, scale):
                p -= lr * p.grad
                p.grad = None
    with torch.no_grad():                                                       # fresh sequences, never trained on
        fresh = torch.randint(V, (1000, L), generator=torch.Generator().manual_seed(1))
        return next_token_loss(score_per_offset, scale, mask, fresh).item(), scale.item(), score_per_offset.detach()


results = {name: train(masked) for name, masked in (("with mask", True), ("without mask", False))}
favourite = int(results["without mask"][2].argmax()) - (L - 1)
print(f"guessing every token equally: loss log V = {math.log(V):.3f}")
print(f"   with mask: loss on fresh sequences {results['with mask'][0]:.3f}, learned scale s = {results['with mask'][1]:+.2f}")
print(f"without mask: loss on fresh sequences {results['without mask'][0]:.3f}, learned scale s = "
      f"{results['without mask'][1]:+.2f}, favourite offset j - i = {favourite:+d}")
assert abs(results["with mask"][0] - math.log(V)) < 0.02
assert results["without mask"][0] < 0.1 * math.log(V) and favourite == 1

# %%
fig, ax = plt.subplots(figsize=(8, 3), layout="constrained")
for name, (_, _, scores) in results.items():
    ax.plot(range(-(L - 1), L), scores, marker="o", markersize=3, label=name)
ax.axvline(1, color="0.5", linestyle="--", linewidth=1)
ax.set(xlabel="offset j - i (key position minus query position)", ylabel="learned score for offset j - i", title="where the toy looks")
ax.legend()
plt.show()

# %% [markdown]
# With the mask the model learns $s \approx 0$: nothing it can see says anything about the next random token, so
# its best bet is the uniform guess, and its loss sits at $\log V$. Without the mask the scale grows and the score at
# offset +1 dominates: it copies the next token and its loss falls near 0 — on text it could never see when generating.

# %% [markdown]
# ## 6. Explorer
#
# Scores before and after masking, the weights, and what a finite stand-in does in float32 / float16 / bfloat16.
# Query i and key j select one cell, outlined in every panel, whose values the readout's second line gives (a click
# on a cell sets them too, where the front end allows it).

# %%
mask_explorer()


# %% [markdown]
# ## 7. Exercises
#
# (Exercises 02.1, 02.4 and 02.6 came earlier, in sections 1, 2 and 3.)

# %% [markdown]
# **Exercise 02.2** — Mask(i, j) = 0 for j ≤ i and −∞ for j > i is added to the scores. How does that stop query i from attending to future keys?
#
# - **A.** It zeroes the value vectors of future tokens, so whatever weight they get adds nothing to the output.
# - **B.** Before softmax, −∞ becomes e^(−∞) = 0 weight; the remaining weights are renormalised and sum to 1.
# - **C.** It multiplies the weights by 0 after softmax, so future keys drop out and each row sums to less than 1.
# - **D.** It subtracts a large number from the weights after softmax, pushing the future keys' weights below 0.
#
# <sub>Stuck? Each wrong try gives a more specific hint, and the third offers the solution: `%load solutions/02_2.py` in a new cell loads it; run it and it checks itself.</sub>

# %%
quiz("02.2")

# %%
answer = ...   # or answer in code: the letter you chose, as a string
check("02.2", answer)


# %% [markdown]
# **Exercise 02.3** — Find the bug. This attention function is meant for a causal language model. Fix it and hand in the fixed
# function; the checker runs it on random q, k of shape (L, d).
#
# <sub>Stuck? Each wrong try gives a more specific hint, and the third offers the solution: `%load solutions/02_3.py` in a new cell loads it; run it and it checks itself.</sub>

# %%
def attention(q, k):
    """Causal attention weights, shape (L, L), for q and k of shape (L, d)."""
    d = q.shape[-1]
    scores = q @ k.transpose(-2, -1) / math.sqrt(d)
    return torch.softmax(scores, dim=-1)


answer = ...   # your fixed function
check("02.3", answer)

# %% [markdown]
# **Exercise 02.5** — BLOOM adds m·j (the key position only) to the scores instead of −m·(i − j). Why are its attention weights still ALiBi's?
#
# - **A.** m·j and m·(j − i) differ by m·i, a per-row constant softmax ignores; under the causal mask that is ALiBi.
# - **B.** The slopes m are small, so the difference between m·j and −m·(i − j) is negligible in practice.
# - **C.** They are ALiBi's in any attention, causal or bidirectional, because softmax ignores all constants.
# - **D.** Because m·j is positive, it acts as a bonus that the causal mask later removes for every past key.
#
# <sub>Stuck? Each wrong try gives a more specific hint, and the third offers the solution: `%load solutions/02_5.py` in a new cell loads it; run it and it checks itself.</sub>

# %%
quiz("02.5")

# %%
answer = ...   # or answer in code: the letter you chose, as a string
check("02.5", answer)

# %%
from alibi_edu.exercises import progress

progress()   # every exercise of the course: not tried, tried or passed

# %% [markdown]
# ## Summary
#
# - Mask(i, j) = −∞ for j > i: e^(−∞) = 0, so future keys get exactly 0 and each row still sums to 1.
# - A large finite stand-in becomes −∞ anyway in float16 (−1e9), or overflows to −∞ once a bias is added (float16's
#   minimum). Where it stays finite, on a fully masked row it hides the problem that −∞ shows (NaN): replaced by
#   `masked_fill`, or added in float32, the row comes out uniform; added in float64, it keeps the hidden scores' own
#   weights. Either way hidden keys get weight.
# - Without a mask (encoders), a common bidirectional variant is −m·|i − j|; the causal −m·(i − j) would reward
#   future keys.
# - BLOOM's m·j equals −m·(i − j) up to a per-row constant — the same weights, but only under the causal mask.
# - Without the mask, in this toy, a model trained to predict the next token reads it: on random tokens its loss falls near 0,
#   while the masked model stays at the guessing loss log V.
#
# Your progress over the whole course: run `progress()` (from `alibi_edu.exercises`) to see every exercise and its state.
#
# **What next.** Notebook 03 — one slope per head: the geometric set m_k = 2^(−8k/n).
