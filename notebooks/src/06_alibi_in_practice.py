# %% [markdown]
# # 06 — ALiBi in practice: production forms, bugs, cost
#
# **Goals.** After this notebook you can
# - recognise ALiBi in the five ways production code writes it (the paper's reference code, BLOOM, MPT,
#   FlashAttention, FlexAttention), and show they are one formula;
# - spot four ways ALiBi code goes wrong, and fix them;
# - say what ALiBi costs in time and memory on this machine, and what the paper's own speed figures measure;
# - answer the closing quiz, which revisits the course and points to what comes next.
#
# "The paper" is Press, Smith & Lewis, *Train Short, Test Long: Attention with Linear Biases Enables Input Length
# Extrapolation* (ICLR 2022); "the book" is Xiao & Zhu, *Foundations of Large Language Models*, Chapter 2.
#
# **Prerequisites.** Notebooks 01 (the bias), 02 (the causal mask) and 03 (slopes); symbols as in the
# [notation table](00_start_here.ipynb#Notation) of notebook 00. About 45 minutes.

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
import time
import warnings

import matplotlib.pyplot as plt
import torch

from alibi_edu import alibi_attention, alibi_bias, attention_weights, causal_mask, geometric_slopes, linear_bias
from alibi_edu.attention import query_block
from alibi_edu.bench import attention as bench
from alibi_edu.exercises import check, quiz
from alibi_edu.forms import (alibi_score_mod, bloom_bias, causal_mask_mod, flash_bias, mpt_bias, mpt_slopes,
                             on_index_grid, reference_mask)
from alibi_edu.plots import bias_heatmap

# %% [markdown]
# ## 1. One formula, five ways of writing it
#
# Every form below computes, for head $h = 1..H$ with slope $m_h$, query $i$ and key $j$:
#
# $$\alpha(i,j) = \mathrm{softmax}_j\!\left(\frac{q_i^\top k_j}{\sqrt d} - m_h\,(i-j) + \mathrm{Mask}(i,j)\right)$$
#
# The trick that lets them look different: softmax ignores a constant added to a whole row,
# $\mathrm{softmax}(x + c) = \mathrm{softmax}(x)$. Under the causal mask, any bias $m_h\,j + c_i$ is ALiBi.
#
# | code | bias for query $i$, key $j$ | shape |
# |---|---|---|
# | the paper, `alibi_edu` | $-m\,(i-j)$ | (H, L_q, L_k) |
# | reference implementation | $m\,j$ written into the causal mask | (H, L_q, L_k) |
# | BLOOM | $m\,j$, with $j$ counted over real (non-padding) tokens | (B, H, 1, L_k) |
# | MPT | $m\,(j-(L_k-1))$, slopes from `alibi_bias_max` | (H, 1, L_k) |
# | FlashAttention | $-m\,\lvert i + L_k - L_q - j\rvert$ | (H, L_q, L_k) |
# | FlexAttention | $-m\,(i-j)$, returned by a function of the indices | a function |
#
# BLOOM and MPT are open language models trained with ALiBi; FlashAttention is a widely used GPU attention
# library, FlexAttention PyTorch's programmable attention. Two names from that table need a line each. MPT's **`alibi_bias_max`** (8 by default) is the largest exponent of its slopes:
# for a power-of-two n they run from $1/2^{\,8/n}$ down to $1/2^{8}$, with 8 = `alibi_bias_max`. FlexAttention (`torch.nn.attention.flex_attention`) takes
# two small functions instead of tensors: a **`score_mod(score, b, h, q_idx, kv_idx)`** returns the new score
# of one query–key pair (`b`, `h` are array indices from 0: index `h` is head $h + 1$), here
# `score` plus ALiBi's bias; a
# **`mask_mod(b, h, q_idx, kv_idx)`** returns whether the pair may attend at all, here kv_idx ≤ q_idx.
#
# ### Worked example (by hand, then with `alibi_edu.forms`)
# One head, $m = 1/2$, $L = 4$, query $i = 2$: the visible keys are $j = 0, 1, 2$.

# %% tags=["nbval-check-output"]
m, L, i = torch.tensor([0.5]), 4, 2
by_hand = {"paper": [-0.5 * (i - j) for j in range(i + 1)],
           "reference": [0.5 * j for j in range(i + 1)],
           "MPT": [0.5 * (j - (L - 1)) for j in range(i + 1)],
           "Flash": [-0.5 * abs(i - j) for j in range(i + 1)]}
rows = {"paper": linear_bias(L, beta=m)[0, i], "reference": reference_mask(m, L)[0, i],
        "MPT": mpt_bias(m, L)[0, 0], "Flash": flash_bias(m, L)[0, i]}
for name, row in rows.items():
    visible = row[: i + 1]
    assert visible.tolist() == by_hand[name]
    shift = (visible - rows["paper"][: i + 1]).unique().tolist()
    print(f"{name:>9}: {(visible + 0.0).tolist()}   minus paper = {shift}   softmax = {torch.softmax(visible, 0).numpy().round(4)}")

# %% [markdown]
# Each row is the paper's row plus one constant, so all softmaxes agree. The whole matrices, one head, $L = 8$
# (the colours differ by a constant per row; the grey hatch is the masked future):

# %%
m1, L8 = torch.tensor([0.5]), 8
mask8 = causal_mask(L8, dtype=torch.float64)
pictures = {"paper: −m(i − j)": linear_bias(L8, beta=m1)[0] + mask8,
            "reference: m·j in the mask": reference_mask(m1, L8)[0],
            "MPT: m(j − (L−1))": mpt_bias(m1, L8)[0].expand(L8, L8) + mask8,
            "Flash: −m|i − j|": flash_bias(m1, L8)[0] + mask8}
fig, axes = plt.subplots(1, 4, figsize=(16, 3.4), layout="constrained")
for ax, (title, bias) in zip(axes, pictures.items()):
    bias_heatmap(bias, ax=ax, title=title)
plt.show()


# %% [markdown]
# ### Every form against `alibi_edu`, with 12 heads, full and with a KV cache
# A model that generates text one token at a time keeps the keys and values of the tokens it has already processed
# — its **KV cache** — and computes queries only for the new tokens. So the $L_q$ new queries sit at the *end* of the
# $L_k$ positions: query row $r$ is position $L_k - L_q + r$. FlexAttention counts `q_idx` from 0 in every call, so its
# mask_mod needs that offset (in the score_mod the offset only shifts each row by a constant, which softmax ignores;
# we pass it so the values are exact).

# %%
def alibi_reference(q, k, slopes):
    lq, lk = q.shape[-2], k.shape[-2]
    return attention_weights(q, k, bias=linear_bias(lq, lk, beta=slopes), mask=causal_mask(lq, lk, torch.float64),
                             bias_in_scale=False)


def forms_weights(q, k, slopes):
    lq, lk = q.shape[-2], k.shape[-2]
    mask, off = causal_mask(lq, lk, torch.float64), lk - lq
    paper_scale = dict(mask=mask, bias_in_scale=False)
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    return {
        "reference": attention_weights(q, k, mask=reference_mask(slopes, lq, lk)[None]),
        "BLOOM": attention_weights(q, k, bias=bloom_bias(slopes, torch.ones(1, lk)), **paper_scale),
        "MPT": attention_weights(q, k, bias=mpt_bias(mpt_slopes(len(slopes)), lk), **paper_scale),
        "Flash": attention_weights(q, k, bias=flash_bias(slopes, lq, lk), **paper_scale),
        "Flex (index grid)": torch.softmax(on_index_grid(alibi_score_mod(slopes, off), scores, causal_mask_mod(off)), -1),
    }


g = torch.Generator().manual_seed(0)
H, Lk = 12, 48
q_all, k_all = (torch.randn(1, H, Lk, 16, generator=g, dtype=torch.float64) for _ in range(2))
slopes12 = geometric_slopes(H, dtype=torch.float64)
for lq in (Lk, 4):
    q = q_all[..., Lk - lq:, :]
    want = alibi_reference(q, k_all, slopes12)
    for name, got in forms_weights(q, k_all, slopes12).items():
        diff = (got - want).abs().max().item()
        assert diff < 1e-12, name
        print(f"L_q = {lq:2d}, L_k = {Lk}  {name:>18}: max |Δ weights| = {diff:.1e}")

# %% [markdown]
# Two details hide in that cell.
#
# **BLOOM's padding.** BLOOM counts $j$ over real tokens only (a cumulative sum of the attention mask), so a
# left-padded sequence gets the same positions as the unpadded one:

# %% tags=["nbval-check-output"]
attention_mask = torch.tensor([[0, 0, 1, 1, 1], [1, 1, 1, 1, 1]])   # sequence 0 is left-padded by 2
positions = bloom_bias(torch.tensor([1.0]), attention_mask)[:, 0, 0, :]
print("j counted by BLOOM (slope 1):\n", positions.int().tolist())

# %% [markdown]
# **MPT's slopes.** MPT computes $1/2^{\,8k/n'}$ for the next power of two $n' \ge n$ and, when $n$ is not a power of
# two, takes every other slope in a strided interleave. For 12 heads that is exactly the paper's rule:

# %% tags=["nbval-check-output"]
assert torch.allclose(mpt_slopes(12), geometric_slopes(12, dtype=torch.float64))
print("MPT slopes, 12 heads, as powers of 2:", torch.log2(mpt_slopes(12)).numpy().round(2).tolist())

# %% [markdown]
# ### FlexAttention: the real kernel
#
# `torch.nn.attention.flex_attention` calls the score_mod on every (b, h, q_idx, kv_idx) inside one kernel. Above we
# evaluated the same score_mod on index grids (`on_index_grid`: exactly the function FlexAttention calls, on broadcast
# index tensors). Here the real kernel runs once, un-compiled, on the same 12 heads, and is compared with
# `alibi_attention`. Its first call goes through `torch.compile`'s tracing machinery, so it takes a while (the time is
# printed); set `RUN_FLEX = False` to skip it.

# %%
RUN_FLEX = True

if RUN_FLEX:
    from torch.nn.attention.flex_attention import create_block_mask, flex_attention
    q, k, v = (t.float() for t in (q_all, k_all, torch.randn(1, H, Lk, 16, generator=g, dtype=torch.float64)))
    start = time.perf_counter()
    block_mask = create_block_mask(causal_mask_mod(), None, None, Lk, Lk, device="cpu")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = flex_attention(q, k, v, score_mod=alibi_score_mod(slopes12.float()), block_mask=block_mask)
    gap = (out - alibi_attention(q, k, v)).abs().max().item()
    print(f"first call: {time.perf_counter() - start:.1f} s; max |Δ| vs alibi_attention: {gap:.1e}")
    assert gap < 1e-4

# %% [markdown]
# ## 2. Spot the bug: four ways ALiBi code goes wrong
#
# Each one looks like ALiBi and runs without an error. The first appeared in a widely read FlexAttention example
# (since fixed); the second is slope code that ignores the head count's kind; the third is the question "can I use it in
# an encoder?" asked on the paper's code repository; the fourth happens when code written in one placement of the bias
# loads a model trained in the other. The checker compares your fix with `alibi_edu`.
#
# ### 06.1 — the flipped sign
# A widely read FlexAttention example wrote
#
# ```python
# def score_mod(score, b, h, q_idx, kv_idx):
#     return score + m[h] * (q_idx - kv_idx)
# ```
#
# What it does to the last query of 8 (equal content scores, head 1, slope 1/2):

# %% tags=["nbval-check-output"]
m = geometric_slopes(8, dtype=torch.float64)
zeros = torch.zeros(1, 8, 8, 8, dtype=torch.float64)
flipped = on_index_grid(lambda s, b, h, qi, ki: s + m[h] * (qi - ki), zeros, causal_mask_mod())
right = on_index_grid(alibi_score_mod(m), zeros, causal_mask_mod())
print("flipped:", torch.softmax(flipped, -1)[0, 0, -1].numpy().round(3))
print("right:  ", torch.softmax(right, -1)[0, 0, -1].numpy().round(3))

# %% [markdown]
# The flipped version pays the *most* attention to the farthest key. **Exercise 06.1** — write the fixed
# `score_mod(score, b, h, q_idx, kv_idx)` for these 8 heads (`m[h]` is the slope of head $h + 1$) and pass the function.
#
# <sub>Stuck? Each wrong try gives a more specific hint, and the third offers the solution: `%load solutions/06_1.py` in a new cell loads it; run it and it checks itself.</sub>

# %%
answer = ...   # a function score_mod(score, b, h, q_idx, kv_idx)
check("06.1", answer)

# %% [markdown]
# ### 06.2 — one slope formula for every head count
# Slope code that applies $2^{-8k/n}$ to every head count $n$. At 12 heads:

# %% tags=["nbval-check-output"]
k12 = torch.arange(1, 13, dtype=torch.float64)
buggy12 = 2.0 ** (-8 * k12 / 12)
print("buggy, log2:", torch.log2(buggy12).numpy().round(2).tolist())
print("paper, log2:", torch.log2(geometric_slopes(12, dtype=torch.float64)).numpy().round(2).tolist())

# %% [markdown]
# Different slopes, so a checkpoint trained with the paper's slopes is run with the wrong ones. **Exercise 06.2** —
# for which head counts $n$ from 1 to 16 does $2^{-8k/n}$ give the paper's slopes? Answer with a list of integers.
# (The fix itself is exercise 03.5.)
#
# <sub>Stuck? Each wrong try gives a more specific hint, and the third offers the solution: `%load solutions/06_2.py` in a new cell loads it; run it and it checks itself.</sub>

# %%
answer = ...   # a list of head counts, e.g. [3, 5]
check("06.2", answer)

# %% [markdown]
# ### 06.3 — the m·j shortcut without a causal mask
# An encoder (bidirectional, no causal mask) reused BLOOM's $m\,j$. Attention of query $i = 2$ of $L = 6$, equal
# content, slope 1/2:

# %% tags=["nbval-check-output"]
m_half = torch.tensor([0.5], dtype=torch.float64)
shortcut = bloom_bias(m_half, torch.ones(1, 6))[0, 0, 0]
print("m·j, no mask:", torch.softmax(shortcut, -1).numpy().round(3))
print("−m|i − j|:   ", torch.softmax(alibi_bias(1, 6, slopes=m_half, symmetric=True, dtype=torch.float64)[0, 2], -1)
      .numpy().round(3))

# %% [markdown]
# Without the mask nothing removes the future keys, and $m\,j$ hands them rising bonuses: the last key wins for
# *every* query. **Exercise 06.3** — give the bias an encoder with 4 heads (paper slopes) should use for $L = 6$: a
# tensor of shape (4, 6, 6).
#
# <sub>Stuck? Each wrong try gives a more specific hint, and the third offers the solution: `%load solutions/06_3.py` in a new cell loads it; run it and it checks itself.</sub>

# %%
answer = ...   # a tensor of shape (4, 6, 6)
check("06.3", answer)

# %% [markdown]
# ### 06.4 — the bias scaled by $1/\sqrt d$
# A checkpoint was trained in the paper's form (bias added *after* the $1/\sqrt d$). Code that loads it writes the
# book's form $(q^\top k + \beta\,(j-i))/\sqrt d$ with $\beta = m$. With $d = 64$, head 1, the last of 32 queries:

# %% tags=["nbval-check-output"]
d, L32 = 64, 32
m8 = geometric_slopes(8, dtype=torch.float64)
mask32 = causal_mask(L32, dtype=torch.float64)
paper_row = torch.softmax((linear_bias(L32, beta=m8[:1]) + mask32)[0, -1], -1)
buggy_row = torch.softmax((linear_bias(L32, beta=m8[:1]) / math.sqrt(d) + mask32)[0, -1], -1)
for name, row in (("paper", paper_row), ("bug", buggy_row)):
    print(f"{name:>5}: weight on the newest key {row[-1].item():.3f}, on the 8 newest {row[-8:].sum().item():.3f}")

# %% [markdown]
# The bug shrinks every slope: the steep, local heads turn into wide ones the model never saw.
# **Exercise 06.4** — which 8 values of $\beta$ must the book-form code use to reproduce the paper-scale checkpoint?
# A tensor of 8 numbers.
#
# <sub>Stuck? Each wrong try gives a more specific hint, and the third offers the solution: `%load solutions/06_4.py` in a new cell loads it; run it and it checks itself.</sub>

# %%
answer = ...   # a tensor of 8 numbers
check("06.4", answer)

# %% [markdown]
# ## 3. What ALiBi costs
#
# ALiBi adds one number to each score: about $1/d$ more arithmetic than $q^\top k$ itself ($d$ multiply-adds per
# score). Whether it *costs* that little depends on how the bias reaches the kernel. Two terms first:
# - **SDPA** is PyTorch's `torch.nn.functional.scaled_dot_product_attention`: one call that computes
#   $\mathrm{softmax}(q k^\top/\sqrt d + \text{mask})\,v$, with an optional additive mask tensor or `is_causal=True`;
# - a **fused kernel** computes scores, softmax and the weighted sum of values in one pass over blocks of keys,
#   without writing the $L \times L$ score matrix to memory. SDPA uses one when it can.
#
# Measured live on this machine (causal, batch 1, 8 heads, $d = 64$, fp32; median of a few interleaved runs, so
# expect noise if the machine is busy; the two slow unfused variants only up to $L = 512$, to keep the notebook
# quick — `make bench-attention` runs them all):
#
# - `plain` — SDPA with `is_causal=True`: no ALiBi, no mask tensor;
# - `alibi_attention` — `alibi_edu`'s fast path: blocks of max(64, L/8) queries (128 at $L = 1024$), each against
#   only the keys it may see, bias blocks built once and cached;
# - `sdpa_mask` — SDPA's fused kernel given a dense (1, H, L, L) ALiBi + causal mask, built once and cached;
# - `unfused_cached` — $q k^\top/\sqrt d$ + bias + mask, softmax, $\cdot v$, bias built once;
# - `unfused_rebuilt` — the same with the bias materialized on every call.

# %%
blocks = {L: query_block(L) for L in (256, 512, 1024, 2048)}
print("alibi_attention, queries per block:", blocks, "-> SDPA calls:", {L: -(-L // b) for L, b in blocks.items()})
all_five = bench.cost_table((256, 512), repeats=3)
fast_three = bench.cost_table((1024, 2048), repeats=3, names=("plain", "alibi_attention", "sdpa_mask"))
print(bench.format_table(all_five))
print(bench.format_table(fast_three))
assert all(r["alibi_attention_bytes"] < r["sdpa_mask_bytes"] for r in all_five + fast_three)

# %%
names = [key[:-3] for key in all_five[0] if key.endswith("_ms")]
fig, (ax_t, ax_m) = plt.subplots(1, 2, figsize=(12, 4), layout="constrained")
for n, (style, name) in enumerate(zip(("-o", "-s", "-^", "--v", "--D"), names)):
    rows = [r for r in all_five + fast_three if f"{name}_ms" in r]
    lengths = [r["L"] for r in rows]
    ax_t.plot(lengths, [r[f"{name}_ms"] for r in rows], style, color=f"C{n}", label=name)
    if name != "plain":   # plain holds no bias at all
        ax_m.plot(lengths, [r[f"{name}_bytes"] / 2**20 for r in rows], style, color=f"C{n}", label=name)
ax_m.set_title("plain attention holds no bias", fontsize=9)
for ax, label in ((ax_t, "median time (ms)"), (ax_m, "ALiBi bias memory (MiB)")):
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel("sequence length L")
    ax.set_ylabel(label)
    ax.legend(fontsize=8)
plt.show()

# %% [markdown]
# A dense mask makes the kernel read a bias for every pair, the masked half included; a rebuilt bias allocates and
# fills $H L^2$ numbers per call; an unfused softmax writes the whole score matrix to memory. `alibi_attention`
# stores only the part of the bias its blocks can see (9/16 of it from $L = 512$ on: the memory rows), and pays with
# one SDPA call per block, 8 calls from $L = 512$ on (first line printed above). Which of these costs weighs most
# depends on the machine and on how busy it is: a few runs on a shared CPU can order the variants differently from
# one run to the next. Read your own ×plain column.
#
# A full (H, L, L) fp32 bias, at lengths where long-context models live (computed, not allocated):

# %% tags=["nbval-check-output"]
for L_long in (8192, 32768):
    print(f"H = 8, L = {L_long:>5}: a full fp32 bias needs {bench.full_bias_bytes(8, L_long) / 2**30:5.1f} GiB")

# %% [markdown]
# Production kernels (FlashAttention's `alibi_slopes`, FlexAttention's score_mod) take the slopes, not a bias tensor:
# they compute $-m\,(i-j)$ inside the kernel, one multiply-add per score, and never store the bias. Here, the headline
# measurement: `alibi_attention` against plain causal attention at $L = 1024$, from the table above
# (`make bench-attention` measures the same with more runs):

# %%
at_1024 = next(row for row in fast_three if row["L"] == 1024)
ratio = at_1024["alibi_attention_ms"] / at_1024["plain_ms"]
print(f"alibi_ms={at_1024['alibi_attention_ms']:.2f} plain_ms={at_1024['plain_ms']:.2f} ratio={ratio:.3f}")

# %% [markdown]
# The same pair with a single thread. In either ratio `alibi_attention` pays for the bias itself, the masked half of
# the diagonal blocks it still computes and the Python loop over the blocks. Both ratios come from a few runs: other
# programs on a busy machine can push either one up or down, even below 1, so this pair cannot say how much the
# thread count itself matters (`make bench-attention` measures with more runs).

# %%
threads = torch.get_num_threads()
torch.set_num_threads(1)
try:
    q, k, v = bench.qkv(8, 1024, 64)
    one_thread = bench.median_ms({"alibi": lambda: alibi_attention(q, k, v),
                                  "plain": lambda: torch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True)},
                                 repeats=5, warmup=1)
finally:
    torch.set_num_threads(threads)
ratio_1 = one_thread["alibi"] / one_thread["plain"]
print(f"1 thread: alibi_ms={one_thread['alibi']:.2f} plain_ms={one_thread['plain']:.2f} ratio={ratio_1:.3f}")

# %% [markdown]
# **What the paper's speed figures measure.** The paper compares whole models, not one attention call: an ALiBi
# language model against the same model with **sinusoidal** position embeddings (the original Transformer's fixed
# sine and cosine vectors, one per position, added to the token embeddings). It reports training speed within about
# 1% of the sinusoidal model's and inference within about 3%. The ratios above time a single attention call on this
# CPU, ALiBi against attention with no position method at all; the rest of a model (embeddings, feed-forward layers,
# the output softmax) costs the same with either, so a whole model's ratio is closer to 1 than an attention-only one.

# %% [markdown]
# ## 4. Closing quiz
#
# Six questions that take what the course taught to new situations, and one pointer to what comes after ALiBi.
# Pick an answer and press *Check*, or answer in code under each widget.

# %% [markdown]
# **Exercise 06.5** — Two heads of one ALiBi model (paper's form) read the same text. Head 1 has slope m = 1/2, head 8 m = 1/256. The query needs a token 50 positions back; its content score q·k/√d beats that of the token just before the query (1 position back) by 5. In which head does the far token get more weight than the near one?
#
# - **A.** In head 8: its extra penalty for 49 more steps back is far below the content edge of 5.
# - **B.** In head 1: a steep slope sharpens attention, so the strongest content match stands out more clearly.
# - **C.** In both alike: a slope multiplies every score of a row the same way, so softmax cancels it out.
# - **D.** In head 1: the token just before the query pays the same distance penalty, so only content decides.
#
# <sub>Stuck? Each wrong try gives a more specific hint, and the third offers the solution: `%load solutions/06_5.py` in a new cell loads it; run it and it checks itself.</sub>

# %%
quiz("06.5")

# %%
answer = ...   # or answer in code: the letter you chose, as a string
check("06.5", answer)

# %% [markdown]
# **Exercise 06.6** — A model generates token by token with a KV cache: the new query sits at position 100 and sees keys j = 0..100, all in its past. For this one query the code adds m·j (BLOOM's shortcut) instead of −m·(100 − j). Are the attention weights ALiBi's?
#
# - **A.** No: m·j grows without bound as the cache gets longer, so the scores overflow float32 long before j = 100.
# - **B.** Yes: for this query m·j and −m·(100 − j) differ by 100·m, a constant of the row that softmax ignores.
# - **C.** No: a single query has no causal mask, so the keys it should not see are rewarded for their distance.
# - **D.** Only if 100 is subtracted from every j first, since softmax changes when a row is shifted by a constant.
#
# <sub>Stuck? Each wrong try gives a more specific hint, and the third offers the solution: `%load solutions/06_6.py` in a new cell loads it; run it and it checks itself.</sub>

# %%
quiz("06.6")

# %%
answer = ...   # or answer in code: the letter you chose, as a string
check("06.6", answer)

# %% [markdown]
# **Exercise 06.7** — A model should let query i attend only to keys i − 2, i − 1 and i (a causal window of 3). Which additive Mask(i, j) does that?
#
# - **A.** 0 for j ≤ i and −2 for j < i − 2 before softmax, so keys beyond the window are discouraged but kept.
# - **B.** Weights times 1 for i − 2 ≤ j ≤ i and times 0 elsewhere, applied after softmax to each row.
# - **C.** 0 for j ≥ i − 2 and −∞ for j < i − 2 before softmax, as the only mask on the scores.
# - **D.** 0 for i − 2 ≤ j ≤ i and −∞ otherwise, before softmax; each row's weights still sum to 1.
#
# <sub>Stuck? Each wrong try gives a more specific hint, and the third offers the solution: `%load solutions/06_7.py` in a new cell loads it; run it and it checks itself.</sub>

# %%
quiz("06.7")

# %%
answer = ...   # or answer in code: the letter you chose, as a string
check("06.7", answer)

# %% tags=["nbval-check-output"]
# Equal content, L = 2048: the last query's weights over distances 0 … 2047, for the three flattest of 8 heads.
distance = torch.arange(2048, dtype=torch.float64)
for m in (1 / 256, 1 / 128, 1 / 64):
    far = torch.softmax(-m * distance, -1)[512:].sum().item()
    print(f"m = 1/{round(1 / m)}: {far:.1%} of the weight on keys 512 or more back")

# %% [markdown]
# **Exercise 06.8** — An ALiBi model trained at L_train = 512 runs at L = 2048. Its flattest head has slope m = 1/256: with equal content, its last query gives about 13.5 % of its weight to keys 512 or more tokens back, distances it never met in training (computed above). What best explains why it keeps working past L_train?
#
# - **A.** In training it saw every position up to 2048 through shifted windows, so nothing at L = 2048 is new.
# - **B.** At evaluation the slopes are rescaled by L / L_train, so that each head covers the longer window evenly.
# - **C.** Its steep heads give unseen distances next to no weight; its flat heads' far weight did not raise the loss.
# - **D.** The causal mask hides every key more than L_train tokens back, so each query sees its usual window.
#
# <sub>Stuck? Each wrong try gives a more specific hint, and the third offers the solution: `%load solutions/06_8.py` in a new cell loads it; run it and it checks itself.</sub>

# %%
quiz("06.8")

# %%
answer = ...   # or answer in code: the letter you chose, as a string
check("06.8", answer)

# %% [markdown]
# **Exercise 06.9** — You compare two slope sets, X and Y, on one task with the same three seeds (same initial weights and batches per seed). Validation loss of X minus that of Y, seed by seed: −0.02, +0.01, −0.03. Either set's own spread over seeds is about 0.05. What can you conclude?
#
# - **A.** Not distinguishable yet: the signs disagree and the mean is under two standard errors; run more seeds.
# - **B.** X is better: its mean validation loss is lower, and choosing on validation means taking the lower mean.
# - **C.** Y is better: the spread over seeds is larger than the differences, so the true difference favours Y.
# - **D.** Run both sets on the test set and keep the one that scores lower there, since validation is too noisy.
#
# <sub>Stuck? Each wrong try gives a more specific hint, and the third offers the solution: `%load solutions/06_9.py` in a new cell loads it; run it and it checks itself.</sub>

# %%
quiz("06.9")

# %%
answer = ...   # or answer in code: the letter you chose, as a string
check("06.9", answer)

# %% [markdown]
# **Exercise 06.10** — A model goes from 8 heads to 16, with the paper's slopes m_k = 2^(−8k/n) for k = 1..n. What happens to the set of slopes?
#
# - **A.** Every slope halves, so each head looks about twice as far back as the head with its index did before.
# - **B.** The 8-head slopes all remain, at even k; 8 new ones at odd k, 7 of them halfway between two old ones in log2.
# - **C.** The range doubles: the steepest slope grows to 1 and the flattest shrinks to 2^(−16).
# - **D.** The slopes stay those of 8 heads, each used twice, because the paper fixes one set of slopes.
#
# <sub>Stuck? Each wrong try gives a more specific hint, and the third offers the solution: `%load solutions/06_10.py` in a new cell loads it; run it and it checks itself.</sub>

# %%
quiz("06.10")

# %%
answer = ...   # or answer in code: the letter you chose, as a string
check("06.10", answer)

# %% [markdown]
# **What comes after.** ALiBi answers *where is each token?* A neighbouring question is *how is a model pre-trained,
# then adapted to a task?* One pre-training recipe is **replaced-token detection** (ELECTRA; Clark et al., ICLR 2020):
# a small **generator** — a masked language model — fills some masked-out tokens of a sentence with plausible guesses, and a
# larger **discriminator** reads the whole corrupted sentence and predicts, for every token, whether it is the
# original or a replacement. To do that well the discriminator has to understand each token in context, which makes
# it a strong text encoder. The last question asks what to do with such a pair.

# %% [markdown]
# **Exercise 06.11** — A team pre-trained a replaced-token-detection model — a small generator corrupts text, a larger discriminator learns which tokens were replaced — and wants a sentiment classifier for customer reviews. What is the standard next step?
#
# - **A.** Fine-tune the generator on the reviews and read the sentiment off the tokens it predicts for them.
# - **B.** Keep both models and give a classifier the generator's replacement rates as its review features.
# - **C.** Train a new classifier from scratch on the reviews: detecting replaced tokens does not transfer.
# - **D.** Discard the generator; fine-tune the discriminator with a classification head on labelled reviews.
#
# <sub>Stuck? Each wrong try gives a more specific hint, and the third offers the solution: `%load solutions/06_11.py` in a new cell loads it; run it and it checks itself.</sub>

# %%
quiz("06.11")

# %%
answer = ...   # or answer in code: the letter you chose, as a string
check("06.11", answer)

# %%
from alibi_edu.exercises import progress

progress()   # every exercise of the course: not tried, tried or passed

# %% [markdown]
# ## Summary
#
# - The reference code's $m\,j$ in the mask, BLOOM's $m\,j$ over real tokens, MPT's $m\,(j-(L-1))$, FlashAttention's
#   $-m\,\lvert i + L_k - L_q - j\rvert$ and FlexAttention's score_mod are all $-m\,(i-j)$ plus a constant per row:
#   identical weights under the causal mask, including with a KV cache (queries at the end).
# - The shortcuts need the causal mask; the sign must penalise the past; non-power-of-two head counts need the
#   paper's interpolation; and the scale ($\beta = \sqrt d\, m$) must match the one the model was trained with.
# - ALiBi adds about one multiply-add per score; stored as a full bias its memory grows as $H L^2$ (2 GiB at 8 heads and
#   $L = 8192$). Its time cost on this machine, for one attention call:

# %%
print(f"alibi_attention at L = 1024 took {ratio:.2f}× the time of plain causal attention with "
      f"{torch.get_num_threads()} threads and {ratio_1:.2f}× with one: one attention call on this CPU, a few runs each. The paper's "
      f"'within about 1% (training), 3% (inference)' compares whole models against a sinusoidal one.")

# %% [markdown]
# Your progress over the whole course: run `progress()` (from `alibi_edu.exercises`) to see every exercise and its state.
#
# **What next.** Back to `00_start_here.ipynb` for the map, or read the sources: the paper, Press, Smith & Lewis,
# *Train Short, Test Long: Attention with Linear Biases Enables Input Length Extrapolation* (ICLR 2022), and the
# book, Xiao & Zhu, *Foundations of Large Language Models*, Chapter 2.
