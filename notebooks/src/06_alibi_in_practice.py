# %% [markdown]
# # 06 — ALiBi in practice: production forms, bugs, cost
#
# **Goals.** After this notebook you can
# - check the course's rewrites of production forms, and FlexAttention itself, against the paper's weights;
# - spot and fix three ways ALiBi code goes wrong;
# - say what ALiBi costs here, and what the paper's speed figures measure.
#
# **Prerequisites.** Notebooks 01–05; [notation](00_start_here.ipynb#Notation). "The paper": Press, Smith & Lewis,
# ICLR 2022. Stuck? Each wrong try gives a hint; the third offers `%load solutions/06_k.py`.

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
import time
import warnings

import torch

from alibi_edu import alibi_attention, alibi_bias, attention_weights, causal_mask, geometric_slopes
from alibi_edu.attention import query_block
from alibi_edu.bench import attention as bench
from alibi_edu.exercises import check, progress, quiz
from alibi_edu.forms import (
    alibi_score_mod,
    bloom_bias,
    causal_mask_mod,
    flash_bias,
    mpt_bias,
    mpt_slopes,
    on_index_grid,
    reference_mask,
)
from alibi_edu.plots import line_chart

# %% [markdown]
# ## 1. One formula, five ways of writing it
#
# Every form below should give the paper's weights: softmax of $q\cdot k/\sqrt d - m_h\,(i-j)$ + Mask.
#
# | code | bias for query $i$ (row $r$), key $j$ |
# |---|---|
# | the paper, `alibi_edu` | $-m\,(i-j)$ |
# | the authors' code (Press et al.) | $m\,j$ written into the causal mask |
# | BLOOM | $m\,j$, $j$ counted from the first real (non-padding) token |
# | MPT | $m\,(j-(L_k-1))$, one row shared by every query |
# | FlashAttention | $-m\,\lvert r + L_k - L_q - j\rvert$ |
# | FlexAttention | $-m\,(i-j)$, returned by a function of the indices |
#
# Row $r$ is query $i = r + L_k - L_q$ ($L_q$ queries, $L_k$ keys; see below). FlashAttention (GPU) and
# FlexAttention (PyTorch) are attention libraries. FlexAttention's **`score_mod(score, b, h, q_idx, kv_idx)`**
# returns one pair's new score (index `h` is head $h + 1$, counting from 1), its **`mask_mod`** whether the pair may
# attend.
#
# ### Worked example
# One head, $m = 1/2$, $L = 4$, query $i = 2$ (keys $j = 0, 1, 2$), by hand and with `alibi_edu.forms`:

# %% tags=["nbval-check-output"]
m_half, L, i = torch.tensor([0.5], dtype=torch.float64), 4, 2
by_hand = {"paper": [0.5 * (j - i) for j in range(i + 1)],
           "authors": [0.5 * j for j in range(i + 1)],
           "MPT": [0.5 * (j - (L - 1)) for j in range(i + 1)],
           "Flash": [0.5 * -abs(i - j) for j in range(i + 1)]}
rows = {"paper": alibi_bias(1, L, slopes=m_half, dtype=torch.float64)[0, i],
        "authors": reference_mask(m_half, L)[0, i], "MPT": mpt_bias(m_half, L)[0, 0],
        "Flash": flash_bias(m_half, L)[0, i]}
for name, row in rows.items():
    visible = row[: i + 1] + 0.0
    shift = (visible - rows["paper"][: i + 1]).unique().tolist()
    print(f"{name:>7}: {visible.tolist()}  by hand {by_hand[name]}  minus paper {shift}  "
          f"softmax {torch.softmax(visible, 0).numpy().round(4)}")

# %% [markdown]
# Each row is the paper's row plus a constant, which softmax ignores.
#
# ### Every form against `alibi_edu`, 12 heads, full and cached
# A model generating token by token keeps the keys and values it has read, its **KV cache**, and computes queries
# only for new tokens: the *last* $L_q$ of the $L_k$ positions. FlexAttention counts `q_idx` from 0, so its
# mask_mod needs the offset $L_k - L_q$ (score_mod needs none: a row constant). `bias_in_scale=False`: bias after
# $1/\sqrt d$ (the paper's).

# %%
def alibi_reference(q, k, slopes):
    lq, lk = q.shape[-2], k.shape[-2]
    bias = alibi_bias(len(slopes), lk, slopes=slopes, dtype=torch.float64)[:, lk - lq:]   # the last lq positions
    return attention_weights(q, k, bias=bias, mask=causal_mask(lq, lk, torch.float64), bias_in_scale=False)


def forms_weights(q, k, slopes):
    lq, lk = q.shape[-2], k.shape[-2]
    mask, off = causal_mask(lq, lk, torch.float64), lk - lq
    paper_scale = dict(mask=mask, bias_in_scale=False)
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    return {
        "authors": attention_weights(q, k, mask=reference_mask(slopes, lq, lk)[None]),
        "BLOOM": attention_weights(q, k, bias=bloom_bias(slopes, torch.ones(1, lk)), **paper_scale),
        "MPT": attention_weights(q, k, bias=mpt_bias(mpt_slopes(len(slopes)), lk), **paper_scale),
        "Flash": attention_weights(q, k, bias=flash_bias(slopes, lq, lk), **paper_scale),
        "Flex": torch.softmax(on_index_grid(alibi_score_mod(slopes), scores, causal_mask_mod(off)), -1),
    }


g = torch.Generator().manual_seed(0)
H, Lk = 12, 48
q_all, k_all = (torch.randn(1, H, Lk, 16, generator=g, dtype=torch.float64) for _ in range(2))
slopes12 = geometric_slopes(H, dtype=torch.float64)
gaps = {}
for lq in (Lk, 4):
    q = q_all[..., Lk - lq:, :]
    want = alibi_reference(q, k_all, slopes12)
    gaps[lq] = {name: (got - want).abs().max().item() for name, got in forms_weights(q, k_all, slopes12).items()}
    print(f"L_q = {lq:2d}, L_k = {Lk}, max |Δ weights|:", {name: f"{gap:.0e}" for name, gap in gaps[lq].items()})

# %% [markdown]
# MPT's own slope code gives the paper's slopes (checked below, 1–16 heads). For 12, log2:

# %% tags=["nbval-check-output"]
print("MPT:        ", torch.log2(mpt_slopes(12)).numpy().round(2).tolist())
print("the paper's:", torch.log2(slopes12).numpy().round(2).tolist())

# %% [markdown]
# ### FlexAttention itself
# FlexAttention's own function on the same 12 heads (`RUN_FLEX = False` skips it). Un-compiled it runs the
# same math unfused, full scores in memory (PyTorch warns); `torch.compile` would fuse it into a kernel computing
# the bias on the fly.

# %%
RUN_FLEX = True

flex_gap = 0.0
if RUN_FLEX:
    from torch.nn.attention.flex_attention import create_block_mask, flex_attention
    q, k, v = (t.float() for t in (q_all, k_all, torch.randn(1, H, Lk, 16, generator=g, dtype=torch.float64)))
    start = time.perf_counter()
    block_mask = create_block_mask(causal_mask_mod(), None, None, Lk, Lk, device="cpu")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "flex_attention called without torch.compile")   # said above
        out = flex_attention(q, k, v, score_mod=alibi_score_mod(slopes12.float()), block_mask=block_mask)
    flex_gap = (out - alibi_attention(q, k, v)).abs().max().item()
    print(f"first call: {time.perf_counter() - start:.1f} s; max |Δ| vs alibi_attention: {flex_gap:.1e}")

# %%
# Guards section 1: every form, and FlexAttention, gives the paper's weights; MPT's slopes are the paper's.
assert all((row[: i + 1] + 0.0).tolist() == by_hand[name] for name, row in rows.items())
assert max(gap for by_form in gaps.values() for gap in by_form.values()) < 1e-12 and flex_gap < 1e-4
assert all(torch.allclose(mpt_slopes(n), geometric_slopes(n, dtype=torch.float64)) for n in range(1, 17))

# %% [markdown]
# ## 2. Spot the bug: three ways ALiBi code goes wrong
#
# ### 06.1 — the flipped sign
# A widely read FlexAttention example (since fixed) wrote
#
# ```python
# def score_mod(score, b, h, q_idx, kv_idx):
#     return score + m[h] * (q_idx - kv_idx)
# ```
#
# Its weights for the last query of 8 (equal content scores, head 1, slope 1/2):

# %% tags=["nbval-check-output"]
slopes8 = geometric_slopes(8, dtype=torch.float64)
zeros = torch.zeros(1, 8, 8, 8, dtype=torch.float64)
flipped = on_index_grid(lambda s, b, h, qi, ki: s + slopes8[h] * (qi - ki), zeros, causal_mask_mod())
print("flipped:", torch.softmax(flipped, -1)[0, 0, -1].numpy().round(3))

# %% [markdown]
# The farthest key gets the *most* attention. **Exercise 06.1** — write the fixed
# `score_mod(score, b, h, q_idx, kv_idx)` for these 8 heads (`slopes8[h]` is the slope of head $h + 1$) and pass
# the function.

# %%
answer = ...   # a function score_mod(score, b, h, q_idx, kv_idx)
check("06.1", answer)

# %% [markdown]
# ### 06.2 — one slope formula for every head count
# Slope code that applies $2^{-8k/n}$ to every head count $n$. At 12 heads:

# %% tags=["nbval-check-output"]
k12 = torch.arange(1, 13, dtype=torch.float64)
print("2^(-8k/12), log2:", torch.log2(2.0 ** (-8 * k12 / 12)).numpy().round(2).tolist())
print("paper, log2:     ", torch.log2(geometric_slopes(12, dtype=torch.float64)).numpy().round(2).tolist())

# %% [markdown]
# A checkpoint trained with the paper's slopes then runs with other ones. **Exercise 06.2** — for which head counts
# $n$ from 1 to 16 does $2^{-8k/n}$ give the paper's slopes? A list of integers.

# %%
answer = ...   # a list of head counts, e.g. [3, 5]
check("06.2", answer)

# %% [markdown]
# ### 06.3 — the m·j shortcut without a causal mask
# An encoder (bidirectional: no causal mask) reused BLOOM's $m\,j$. Attention of query $i = 2$ of $L = 6$, equal
# content, slope 1/2:

# %% tags=["nbval-check-output"]
shortcut = bloom_bias(torch.tensor([0.5], dtype=torch.float64), torch.ones(1, 6))[0, 0, 0]
print("m·j, no mask:", torch.softmax(shortcut, -1).numpy().round(3))

# %% [markdown]
# Future keys get rising bonuses: the last key wins for *every* query. The paper defines only the causal form; a common encoder variant, the **symmetric** one, treats a key after the query
# like a key as far before it. **Exercise 06.3** — give that symmetric bias for 4 heads (paper slopes) and $L = 6$:
# a tensor of shape (4, 6, 6).

# %%
answer = ...   # a tensor of shape (4, 6, 6)
check("06.3", answer)

# %% [markdown]
# ## 3. What ALiBi costs
#
# **SDPA** is PyTorch's `scaled_dot_product_attention`, $\mathrm{softmax}(q k^\top/\sqrt d + \text{mask})\,v$ in one
# fused call. Timed (causal, 8 heads, $d = 64$, fp32, medians of 3 runs; one run's timings move: read only large
# gaps):
# - `plain`: SDPA with `is_causal=True`, no ALiBi;
# - `alibi_attention`: `alibi_edu`'s blocks of queries, each against only the keys it may see;
# - `sdpa_mask`: SDPA given a dense (1, H, L, L) ALiBi + causal mask;
# - `unfused_cached` / `_rebuilt` (up to $L = 512$): scores + bias + mask, softmax, values; bias built once / per call.

# %%
blocks = {L: query_block(L) for L in (256, 512, 1024, 2048)}
print("alibi_attention, queries per block:", blocks, "-> SDPA calls:", {L: -(-L // b) for L, b in blocks.items()})
all_five = bench.cost_table((256, 512), repeats=3)
fast_three = bench.cost_table((1024, 2048), repeats=3, names=("plain", "alibi_attention", "sdpa_mask"))
print(bench.format_table(all_five))
print(bench.format_table(fast_three))

# %%
# Guards the memory sentence below: alibi_attention stores 9/16 of the dense mask's bias from L = 512 on.
assert all(16 * r["alibi_attention_bytes"] == 9 * r["sdpa_mask_bytes"] for r in all_five + fast_three if r["L"] >= 512)

# %%
names = [key[:-3] for key in all_five[0] if key.endswith("_ms")]
by_name = {n: [r for r in all_five + fast_three if f"{n}_ms" in r] for n in names}
line_chart({n: ([r["L"] for r in rs], [r[f"{n}_ms"] for r in rs]) for n, rs in by_name.items()},
           xlabel="sequence length L", ylabel="median time (ms)", xscale="log", yscale="log",
           title="One causal attention call")

# %% [markdown]
# A dense mask holds $H L^2$ numbers, the masked half too; `alibi_attention` stores what its blocks see (9/16 of it
# from $L = 512$ on) and pays one SDPA call per block. A full fp32 bias at long context (computed, not
# allocated):

# %% tags=["nbval-check-output"]
for L_long in (8192, 32768):
    print(f"H = 8, L = {L_long:>5}: a full fp32 bias needs {bench.full_bias_bytes(8, L_long) / 2**30:5.1f} GiB")

# %% [markdown]
# At $L = 1024$, `sdpa_mask` / `plain` changes two things: a dense bias, and no `is_causal` (whose kernel skips the
# masked half); `alibi_attention` / `plain` adds the blocked design.

# %%
at_1024 = next(row for row in fast_three if row["L"] == 1024)
for name in ("sdpa_mask", "alibi_attention"):
    print(f"{name:>15} / plain at L = 1024: {at_1024[f'{name}_ms'] / at_1024['plain_ms']:.2f}")

# %% [markdown]
# **The paper's speed figures** compare whole models (ALiBi against *sinusoidal*, training and inference), not one
# attention call with and without ALiBi.

# %% [markdown]
# ## 4. Closing quiz
#
# **Exercise 06.5** — In one ALiBi model (paper's form), head 1 has slope m = 1/2, head 8 m = 1/256. A token 50 positions back beats the token just before the query (1 back) by 5 in content score q·k/√d. In which head does the far token get more weight than the near one?
#
# - **A.** In head 8: its extra penalty for 49 more steps back is far below the content edge of 5.
# - **B.** In head 1: a steep slope sharpens attention, so the strongest content match stands out.
# - **C.** In both alike: a slope multiplies every score of a row equally, so softmax cancels it.
# - **D.** In head 1: the token just before the query pays the same penalty, so content decides.

# %%
quiz("06.5")

# %%
answer = ...
check("06.5", answer)

# %% [markdown]
# **Exercise 06.6** — With a KV cache, keys 0..99 are cached; the new token adds key 100 and a query at position 100. The code adds the bias row −m·(100 − j) and calls SDPA with `is_causal=True`, whose mask lets row r see keys 0..r, counted from the top left of the (L_q, L_k) grid. Which keys does the new query attend to?
#
# - **A.** Only key 0: the query is row 0 of the mask, so the oldest token gets all the weight.
# - **B.** All 101 keys, with ALiBi's weights: each is at or before the query's position.
# - **C.** All 101 keys equally: with one query, the mask and the bias both cancel in softmax.
# - **D.** Only key 100, its own: a causal mask lets a query see exactly its own position.

# %%
quiz("06.6")

# %%
answer = ...
check("06.6", answer)

# %% [markdown]
# **Exercise 06.7** — Query i may attend only to keys i − 2, i − 1 and i (a causal window of 3). Which additive Mask(i, j) does that?
#
# - **A.** 0 for j ≤ i and −2 for j < i − 2, before softmax: keys beyond the window are discouraged but kept.
# - **B.** After softmax, each row's weights times 1 for i − 2 ≤ j ≤ i and times 0 elsewhere.
# - **C.** 0 for j ≥ i − 2 and −∞ for j < i − 2, before softmax, as the only mask on the scores.
# - **D.** 0 for i − 2 ≤ j ≤ i and −∞ for every other key, added to the scores before softmax.

# %%
quiz("06.7")

# %%
answer = ...
check("06.7", answer)

# %% [markdown]
# Equal content, $L = 2048$: the last query's weight on keys 512 or more back, three flattest of 8 heads:

# %% tags=["nbval-check-output"]
distance = torch.arange(2048, dtype=torch.float64)
for m_flat in (1 / 256, 1 / 128, 1 / 64):
    far = torch.softmax(-m_flat * distance, -1)[512:].sum().item()
    print(f"m = 1/{round(1 / m_flat)}: {far:.2%} of the weight on keys 512 or more back")

# %% [markdown]
# **Exercise 06.8** — An ALiBi model trained at L_train = 512 runs at L = 2048. Its flattest head (m = 1/256) puts about 13.5 % of its last query's weight on distances never met in training (computed above). What best explains why it keeps working past L_train?
#
# - **A.** Shifted training windows showed it every position up to 2048, so nothing there is new.
# - **B.** At evaluation its slopes are rescaled by L / L_train, so each head covers the longer window.
# - **C.** Its bias is defined at any distance, and most heads are steep enough to stay within L_train.
# - **D.** The causal mask hides every key more than L_train back, so each query sees its usual window.

# %%
quiz("06.8")

# %%
answer = ...
check("06.8", answer)

# %% [markdown]
# **Exercise 06.9** — Slope sets X and Y are compared on the same three seeds (same initial weights and batches per seed). Validation loss of X minus Y, seed by seed: −0.02, +0.01, −0.03; each set's spread over seeds is about 0.05. What can you conclude?
#
# - **A.** Not distinguishable yet: the signs disagree, the mean is under two standard errors; run more seeds.
# - **B.** X is better: its mean validation loss is lower, and choosing on validation takes the lower mean.
# - **C.** Y is better: the spread over seeds exceeds the differences, so the true difference favours Y.
# - **D.** Run both on the test set and keep the one scoring lower there, since validation is too noisy.

# %%
quiz("06.9")

# %%
answer = ...
check("06.9", answer)

# %% [markdown]
# **Exercise 06.10** — A 12-head ALiBi model was trained with the paper's 12 slopes. You drop heads 1–4 and keep heads 5–12 with their weights. Which slopes must the 8 kept heads use?
#
# - **A.** Recompute them with geometric_slopes(8): an 8-head model needs the paper's slopes for 8 heads.
# - **B.** Each kept head keeps the slope it was trained with: 2^−5 … 2^−8 and 2^−0.5 … 2^−3.5.
# - **C.** Halve every kept slope: with fewer heads, each must look farther back to cover the same span.
# - **D.** Any 8 slopes will do: the bias only shifts scores, so the weights do not depend on them.

# %%
quiz("06.10")

# %%
answer = ...
check("06.10", answer)

# %% [markdown]
# **What comes after.** A model is often pre-trained on raw text, then **fine-tuned**: trained further on a task's
# labelled examples. One pre-training recipe is **replaced-token detection** (ELECTRA; Clark et al., ICLR 2020):
# a small generator fills masked-out tokens with plausible guesses; a larger **discriminator** tells which tokens
# are original.

# %% [markdown]
# **Exercise 06.11** — A team pre-trained a replaced-token-detection model (a generator corrupts text, a discriminator learns which tokens were replaced) and wants a sentiment classifier for customer reviews. What is the standard next step?
#
# - **A.** Fine-tune the generator on the reviews and read the sentiment off the tokens it predicts.
# - **B.** Keep both models and give a classifier the generator's replacement rates as features.
# - **C.** Train a new classifier from scratch on the reviews: detecting replaced tokens does not transfer.
# - **D.** Drop the generator; fine-tune the discriminator, plus a sentiment layer, on labelled reviews.

# %%
quiz("06.11")

# %%
answer = ...
check("06.11", answer)

# %%
progress()

# %% [markdown]
# ## Summary
#
# - The production forms are $-m\,(i-j)$ plus a constant per row: the same weights, cached too.
# - Shortcuts need the causal mask; the sign must penalise the past; keep the slopes a checkpoint was trained with.
# - ALiBi's cost here: a dense bias holds $H L^2$ numbers; its time against `plain` depends on how the bias
#   reaches the kernel.
#
# **Try this.**
# - Section 1: run the KV-cache comparison with $L_q = 1$. Do all forms still match?
# - Section 3: run the timing cells three times. Which ordering of the variants holds in every run?
#
# Your progress: `progress()`. **What next.** The paper, and the book's Chapter 2.
