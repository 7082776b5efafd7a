# %% [markdown]
# # 02 — The causal mask
#
# **Goals.** After this notebook you can
# - see a model cheat without a mask, and write Mask(i, j);
# - say what −∞ in the mask does to the weights, and where −1e9 behaves differently;
# - build the bidirectional −m·|i − j|, and say why BLOOM may add m·j instead.
#
# **Prerequisites.** Notebook 01; symbols as in the [notation table](00_start_here.ipynb#Notation).
# Stuck? Each wrong try gives a hint; the third offers the solution (`%load solutions/02_1.py`).

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

import torch

from alibi_edu import alibi_bias, attention_scores, attention_weights, causal_mask, relative_positions
from alibi_edu.exercises import check, progress, quiz
from alibi_edu.plots import heatmap_row, line_chart
from alibi_edu.widgets import mask_explorer

# %% [markdown]
# ## 1. The problem: a model that reads the answer
#
# A language model predicts token $i+1$ from tokens $0..i$. This toy predicts the token it attends to; it learns one
# score per offset $j - i$ and a logit scale $g$. Its tokens are random, so nothing in the past predicts the next
# one: the best honest loss is the uniform guess's, $\log V$.

# %%
V, T = 8, 16                                                      # vocabulary, sequence length
offsets = relative_positions(T)                                   # j - i, from -(T-1) to T-1


def next_token_loss(score_per_offset, scale, mask, tokens):
    """Cross-entropy of predicting token i + 1 at every position i; tokens (B, T)."""
    weights = torch.softmax(score_per_offset[offsets + T - 1] + mask, dim=-1)       # (T, T)
    logits = scale * (weights @ torch.nn.functional.one_hot(tokens, V).float())     # (B, T, V)
    return torch.nn.functional.cross_entropy(logits[:, :-1].reshape(-1, V), tokens[:, 1:].reshape(-1))


def train(masked: bool, steps: int = 40, lr: float = 20.0) -> tuple[float, float, torch.Tensor]:
    torch.manual_seed(0)
    score_per_offset = torch.zeros(2 * T - 1, requires_grad=True)
    scale = torch.zeros((), requires_grad=True)
    mask = causal_mask(T) if masked else torch.zeros(T, T)
    for _ in range(steps):
        loss = next_token_loss(score_per_offset, scale, mask, torch.randint(V, (64, T)))
        loss.backward()
        with torch.no_grad():                                                   # plain gradient descent
            for p in (score_per_offset, scale):
                p -= lr * p.grad
                p.grad = None
    with torch.no_grad():
        fresh = torch.randint(V, (1000, T), generator=torch.Generator().manual_seed(1))
        return next_token_loss(score_per_offset, scale, mask, fresh).item(), scale.item(), score_per_offset.detach()


results = {name: train(masked) for name, masked in (("with mask", True), ("without mask", False))}
favourite = int(results["without mask"][2].argmax()) - (T - 1)
print(f"guessing every token equally: loss log V = {math.log(V):.3f}")
for name, (loss, g, _) in results.items():
    print(f"{name:>12}: loss on fresh sequences {loss:.3f}, learned scale g = {g:+.2f}")
print(f"without mask, favourite offset j - i = {favourite:+d}")

# %%
assert abs(results["with mask"][0] - math.log(V)) < 0.02 and results["without mask"][0] < 0.1 * math.log(V)
assert favourite == 1   # guards the text: masked at log V, unmasked near 0 via offset +1

# %%
line_chart({name: (range(-(T - 1), T), scores) for name, (_, _, scores) in results.items()},
           xlabel="offset j - i (key position minus query position)", ylabel="learned score for offset j - i",
           title="where the toy looks", vline=(1, "offset +1: the next token"))

# %% [markdown]
# Without a mask, offset +1 wins: the toy copies the next token, which does not exist yet at generation.
#
# ## 2. The formula: Mask(i, j)
#
# Mask(i, j) is 0 for $j \le i$ and $-\infty$ for $j > i$, added to the score
# $s_{ij} = q_i\cdot k_j/\sqrt d - m\,(i-j)$ (the paper's slope m, after $1/\sqrt d$).
#
# **Exercise 02.2** — How does adding Mask(i, j) to the scores stop query i from attending to future keys?
#
# - **A.** It zeroes the value vectors of future tokens, so whatever weight they get adds nothing to the output.
# - **B.** Before softmax, −∞ becomes e^(−∞) = 0 weight; the remaining weights are renormalised and sum to 1.
# - **C.** −∞ is the lowest score in the row, so future keys get the lowest weight: tiny, though not exactly 0.
# - **D.** It removes the future keys' terms from the denominator only, so past weights rise while future keys keep theirs.

# %%
quiz("02.2")

# %%
answer = ...   # or the letter, as a string
check("02.2", answer)

# %% [markdown]
# **Exercise 02.1** — Write the causal mask: `my_causal_mask(L)` returns an (L, L) float tensor, 0 where key j ≤
# query i and `float('-inf')` where j > i.

# %%
def my_causal_mask(L):
    ...   # your code here


answer = ...   # when ready: answer = my_causal_mask
check("02.1", answer)

# %% [markdown]
# ### Worked example
#
# $\alpha_{ij} = e^{s_{ij} + \text{Mask}(i,j)}/\sum_{j'} e^{s_{ij'} + \text{Mask}(i,j')}$ and $e^{-\infty} = 0$: a
# future key adds nothing to the numerator or the sum, so it gets exactly 0.

# %% tags=["nbval-check-output"]
L = 4
by_hand = torch.tensor([[0.0 if j <= i else -math.inf for j in range(L)] for i in range(L)])
mask = causal_mask(L)
torch.manual_seed(0)
q, k = torch.randn(2, L, 8)
weights = attention_weights(q, k, mask=mask)
print(mask)
print("future weights exactly 0:", bool((weights[mask.isinf()] == 0).all()))
print("row sums:", [round(total, 6) for total in weights.sum(-1).tolist()])

# %%
assert torch.equal(mask, by_hand) and (weights[mask.isinf()] == 0).all()   # the library's mask, by hand; future 0
assert torch.allclose(weights.sum(-1), torch.ones(L))

# %%
L = 10
torch.manual_seed(1)
q, k = torch.randn(2, L, 8)
mask = causal_mask(L)
heatmap_row({"scores q.k/sqrt(d)": attention_scores(q, k), "scores + Mask": attention_scores(q, k, mask=mask)},
            weights={"weights": attention_weights(q, k, mask=mask)}, masked=mask.isinf())

# %% [markdown]
# ## 3. Why not just a large finite number?
#
# Some code writes −1e9 instead of −∞. On an ordinary row (some key visible) it gives weight exactly 0
# in float32: $e^{-10^9}$ underflows.

# %% tags=["nbval-check-output"]
scores = torch.tensor([1.0, 2.0, 3.0])
future = torch.tensor([False, True, True])
print("-1e9 on an ordinary row:", torch.softmax(scores.masked_fill(future, -1e9), -1).tolist())

# %% [markdown]
# And a *padding query* (a filler that makes sequences equally long)? With left padding it sees only fillers; a
# key-padding mask hides them all.

# %% [markdown]
# **Exercise 02.4** — *Predict, then look.* A padding query has every key masked. Version 1 adds −∞ to its scores, then applies torch.nan_to_num (NaN → 0, ±∞ → ± the largest finite float) to the weights; version 2 uses scores.masked_fill(mask, −1e9) in float32, nothing else. What is the query's output (weights applied to the values) in each?
#
# - **A.** Zero in both: a query with no visible key gives no weight to any value, however the mask is written.
# - **B.** Version 1: the mean of the hidden keys' values; version 2: NaN, as e^(1e9) overflows float32.
# - **C.** Version 1: the first key's value, as softmax breaks ties by index; version 2: zero, as e^(−1e9) underflows.
# - **D.** Version 1: zero, as its NaN weights become 0; version 2: the mean of the values of keys meant to be hidden.

# %%
quiz("02.4")

# %%
answer = ...   # or the letter, as a string
check("02.4", answer)

# %% tags=["nbval-check-output"]
f16 = torch.float16
for value in (-1e9, -1e4):
    print(f"{value:g} in float16 -> {torch.tensor(value, dtype=f16).item()}")
hidden = torch.ones(3, dtype=torch.bool)                                  # a padding query: every key hidden
rows = {"-inf added": scores + -math.inf, "-1e9 added, float32": scores + -1e9,
        "masked_fill, -1e9": scores.masked_fill(hidden, -1e9), "-1e9, float16": torch.full((3,), -1e9).to(f16).float()}
weights = {name: torch.softmax(row, dim=-1) for name, row in rows.items()}
for name, row in rows.items():
    print(f"{name:>19}: softmax sees {[f'{x:.0f}' for x in row.tolist()]} -> weights "
          f"{[round(w, 4) for w in weights[name].tolist()]}")
values = torch.tensor([[3.0, 0.0], [0.0, 3.0], [3.0, 6.0]])              # one value per hidden key
out_inf = torch.nan_to_num(weights["-inf added"]) @ values                 # 02.4's version 1
out_fill = weights["masked_fill, -1e9"] @ values                           # 02.4's version 2
leaf = scores.clone().requires_grad_()
(torch.nan_to_num(torch.softmax(leaf + -math.inf, dim=-1)) @ values).sum().backward()
sdpa = torch.nn.functional.scaled_dot_product_attention(torch.ones(1, 2), torch.ones(3, 2), values,
                                                        attn_mask=torch.full((1, 3), -math.inf))
print(f"output: -inf then nan_to_num {out_inf.tolist()}; masked_fill -1e9 {[round(x, 4) for x in out_fill.tolist()]}"
      f" (mean of the hidden values {values.mean(0).tolist()})")
print(f"version 1's gradient {leaf.grad.tolist()}; PyTorch's built-in attention, every key -inf: {sdpa.tolist()}")

# %% [markdown]
# With −∞, a hand-written softmax gives 0/0 = NaN: loud (nan_to_num hides it from the output, not the gradient);
# **SDPA**, PyTorch's built-in attention, quietly returns zeros. A finite number fails quietly: written over the row
# (`masked_fill`), or added in float32 (near 1e9, float32 numbers are 64 apart), the scores become equal and the hidden
# keys share the weight. In float16, −1e9 itself becomes −∞.

# %%
uniform = torch.full((3,), 1 / 3)
assert weights["-inf added"].isnan().all() and weights["-1e9, float16"].isnan().all()   # guards the text above
assert torch.allclose(weights["-1e9 added, float32"], uniform) and torch.allclose(weights["masked_fill, -1e9"], uniform)
assert (out_inf == 0).all() and torch.allclose(out_fill, values.mean(0))
assert leaf.grad.isnan().all() and (sdpa == 0).all()

# %% [markdown]
# ## 4. Bidirectional attention: −m·|i − j|
#
# An encoder has no mask, and −m·(i − j) would give future keys a **bonus**. A variant for encoders (the paper
# defines only the causal form) penalises distance both ways, $-m\,|i-j|$.
#
# **Exercise 02.6** — Give the (4, 4) tensor −m·|i − j| for m = 0.75.

# %%
answer = ...   # a (4, 4) tensor
check("02.6", answer)

# %% tags=["nbval-check-output"]
L, m = 5, 0.5
by_hand = torch.tensor([[-m * abs(i - j) for j in range(L)] for i in range(L)])
symmetric = alibi_bias(1, L, slopes=torch.tensor([m]), symmetric=True)[0]
assert torch.equal(symmetric, by_hand)   # the library's, by hand
print(symmetric + 0.0)   # + 0.0 turns -0.0 into 0.0

# %%
L = 10
causal_bias = alibi_bias(1, L, slopes=torch.tensor([m]))[0]           # -m(i - j): one head with slope m
heatmap_row({"causal: -m(i - j) + Mask": causal_bias + causal_mask(L),
             "-m(i - j) without the mask: future bonus": causal_bias,
             "bidirectional: -m|i - j|": alibi_bias(1, L, slopes=torch.tensor([m]), symmetric=True)[0]})

# %% [markdown]
# ## 5. BLOOM's shortcut m·j
#
# **Exercise 02.5** — BLOOM adds m·j (the key position only) to the scores instead of −m·(i − j). Why are its attention weights still ALiBi's?
#
# - **A.** m·j and m·(j − i) differ by m·i, a per-row constant softmax ignores; under the causal mask that is ALiBi.
# - **B.** The slopes m are small, so the difference between m·j and −m·(i − j) is negligible in practice.
# - **C.** They are ALiBi's in any attention, causal or bidirectional, because softmax ignores all constants.
# - **D.** Because m·j is positive, it acts as a bonus that the causal mask later removes for every past key.

# %%
quiz("02.5")

# %%
answer = ...   # or the letter, as a string
check("02.5", answer)

# %% [markdown]
# Softmax ignores a constant added to a whole row, and $m\,j = m\,(j - i) + m\,i$, with $m\,i$ constant in
# row $i$. Compare:

# %% tags=["nbval-check-output"]
torch.manual_seed(2)
L, m = 6, 0.5
q, k = torch.randn(2, L, 8, dtype=torch.float64)
key_only = m * torch.arange(L, dtype=torch.float64).expand(L, L)          # m * j
alibi = alibi_bias(1, L, slopes=torch.tensor([m]), dtype=torch.float64)[0]  # -m * (i - j)
symmetric = alibi_bias(1, L, slopes=torch.tensor([m]), symmetric=True, dtype=torch.float64)[0]
mask = causal_mask(L, dtype=torch.float64)
shortcut = attention_weights(q, k, bias=key_only, mask=mask, bias_in_scale=False)
causal = attention_weights(q, k, bias=alibi, mask=mask, bias_in_scale=False)
open_shortcut = attention_weights(q, k, bias=key_only, bias_in_scale=False)
bidirectional = attention_weights(q, k, bias=symmetric, bias_in_scale=False)
print("causal: m*j gives ALiBi's weights?", torch.allclose(shortcut, causal))
print("bidirectional: m*j gives ALiBi's weights?", torch.allclose(open_shortcut, bidirectional))
print(f"query 0, weight on key j = {L - 1}: m*j {open_shortcut[0, -1]:.3f} vs -m|i-j| {bidirectional[0, -1]:.3f}")
assert torch.allclose(shortcut, causal) and not torch.allclose(open_shortcut, bidirectional)   # the two lines above

# %% [markdown]
# ## 6. Explorer
#
# Scores, masked scores and weights, with −∞ or a finite stand-in, in float32, float16 or bfloat16.

# %%
mask_explorer()

# %% [markdown]
# ## 7. Exercise: find the bug
#
# **Exercise 02.3** — Fix this attention function for a causal language model; the checker runs it on random q, k
# of shape (L, d).

# %%
def attention(q, k):
    """Causal attention weights, shape (L, L), for q and k of shape (L, d)."""
    d = q.shape[-1]
    scores = q @ k.transpose(-2, -1) / math.sqrt(d)
    return torch.softmax(scores, dim=-1)


answer = ...   # your fixed function
check("02.3", answer)

# %%
progress()

# %% [markdown]
# ## Summary
#
# - Without a mask the toy reads the next token (loss near 0); with it, it stays at log V.
# - Mask(i, j) = −∞ for j > i: future keys get exactly 0, each row still sums to 1.
# - −1e9 does the same on an ordinary row; only a fully masked row differs.
# - Encoders: −m·|i − j|. BLOOM's m·j is −m·(i − j) plus a row constant: the same weights.
#
# **Try this.**
# - Section 1: give the unmasked toy a mask that hides offset +1 only. Does its loss still fall below log V?
# - Section 3: use −1e4 in the float16 row. Which weights come out, and why no NaN?
# - Section 5: set m = 2. Does m·j still match?
#
# `progress()` says where you are. **What next.** Notebook 03: one slope per head.
