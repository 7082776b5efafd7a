# %% [markdown]
# # 01 — Score computation: the bias term and the complete formula
#
# **Goals.** After this notebook you can
# - say what goes wrong when a model reads past its training length;
# - compute ALiBi's bias β·(j − i), with the sign it needs, and convert the book's β to the paper's slope;
# - predict what a distance penalty does to attention.
#
# **Prerequisites.** Notebook 00 ([notation](00_start_here.ipynb#Notation)); attention and softmax.
# Stuck? Each wrong try adds to the hint; the third offers `%load solutions/01_k.py`.

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
# ## 1. The problem: reading past the training length
#
# Tiny character-level models are trained on windows of $L_\text{train} = 32$ characters, then read text 4 and 16
# times as long. Three paired seeds (seed r gives each method the same batches); ± is the paired difference's
# standard error; loss in nats per character. The models differ only in how they know positions:
# - **learned positions**: a trained vector per position $0 \dots L_\text{train}-1$, added to each token's embedding;
# - **sinusoidal positions**: fixed sines and cosines of the position, added the same way;
# - **ALiBi**: no position vectors; a penalty on each attention score that grows with distance.
#
# Before you run it: which method do you expect to fail outright?

# %%
import math
import time

import torch

from alibi_edu import alibi_bias, attention_weights, causal_mask, linear_bias
from alibi_edu.exercises import check, progress, quiz
from alibi_edu.lm.preview import preview
from alibi_edu.plots import bias_row_and_map
from alibi_edu.plots.preview import length_preview
from alibi_edu.widgets import bias_explorer

start, cpu = time.perf_counter(), time.process_time()
run = preview()
print(f"{len(run.runs)} methods × {len(run.seeds)} seeds trained and read in {time.perf_counter() - start:.2f} s "
      f"({time.process_time() - cpu:.2f} s of processor time)")
print(f"learned, {run.train_len + 1} characters:", run.error)
print(run.table())
for line in (run.rise("sinusoidal"), run.rise("alibi"), run.rise_against("alibi", "sinusoidal")):
    print(line)
length_preview(run.runs, train_len=run.train_len)

# %% tags=["nbval-check-output"]
# guards the next paragraph: sinusoidal rises in every seed; ALiBi's rise smaller in each, not distinguishable
sin, alibi = run.rise("sinusoidal"), run.rise("alibi")
if not run.quick:
    assert sin.direction == 1 and run.rise_against("alibi", "sinusoidal").lower == len(run.seeds)
    assert alibi.direction == 0

# %% [markdown]
# The learned table has no row for position $L_\text{train}$. The rise compares each method with its own loss at
# $L = 32$, where they already differ. Sinusoidal's loss rose at 16 × $L_\text{train}$ in 3 of 3 seeds; ALiBi's change
# is not distinguishable from 0 here. A preview only: notebook 05 (section 3) measures it properly.
#
# ## 2. The bias term
#
# Query at position $i$, key at $j$. The book (Xiao & Zhu, Chapter 2) adds a penalty that grows linearly
# with distance, with no learned parameters:
#
# $$\mathrm{PE}(i,j) = -\beta\,(i-j) = \beta\,(j-i)$$
#
# The weight of key $j$ seen from query $i$, with $d$ the length of $q_i$ and $k_j$, and Mask(i, j) hiding the keys
# after the query (notebook 02):
#
# $$\alpha(i,j) = \mathrm{Softmax}_j\!\left(\frac{q_i\cdot k_j + \beta\,(j-i)}{\sqrt d} + \mathrm{Mask}(i,j)\right)$$
#
# **Exercise 01.4** — Causal attention sees only past keys, j ≤ i. Which sign must β have so that the book's bias
# β·(j − i) penalises distant past keys more than near ones?
#
# - **A.** Negative: β < 0 makes β·(j − i) fall as the key moves back.
# - **B.** Either sign: softmax sees only the size |β|, so flipping β changes no weight.
# - **C.** Positive: β > 0 makes β·(j − i) ≤ 0, falling further as the key moves back.
# - **D.** Zero: the causal mask already removes far keys, so the bias needs no sign.

# %%
quiz("01.4")

# %%
answer = ...   # or your letter, as a string
check("01.4", answer)

# %% [markdown]
# **Exercise 01.6** — From the formula alone: “The bias is a positive value that decreases as distance grows.” Is
# this right for the book's β·(j − i) with β > 0 and past keys (j ≤ i)?
#
# - **A.** Right as stated: positive for every past key, and shrinking with distance.
# - **B.** Wrong: positive and growing with distance, so far keys get the largest bonus.
# - **C.** Wrong: the same for every past key, so it cannot decrease at all.
# - **D.** Wrong: ≤ 0 (0 on the diagonal), and it decreases, more negative with distance.

# %%
quiz("01.6")

# %%
answer = ...   # or your letter
check("01.6", answer)

# %% [markdown]
# ### Worked example
# Query $i = 10$, keys $j = 5$ and $j = 2$, equal content scores, $\beta = 0.5$.
#
# **Exercise 01.1** — By hand, before the next cell shows it: `[bias for j=5, bias for j=2]`.

# %%
answer = ...   # [bias(10, 5), bias(10, 2)]
check("01.1", answer)

# %% tags=["nbval-check-output"]
beta, i = 0.5, 10
by_hand = {j: beta * (j - i) for j in (5, 2)}
bias = linear_bias(11, beta=beta)                 # rows: queries i, columns: keys j
with_alibi_edu = {j: bias[i, j].item() for j in (5, 2)}
assert with_alibi_edu == by_hand
print("bias:", by_hand)
print(f"the key at j = 2 is {by_hand[5] - by_hand[2]:g} lower (= β·3) before the 1/√d")

# %%
bias_row_and_map(bias, i, row_title=f"row i = {i}, β = {beta}", map_title="β·(j − i)")

# %% [markdown]
# ## 3. A negative β: keys after the query
#
# Why: bidirectional ALiBi (notebook 02) uses these keys; a causal model masks them.
#
# **Exercise 01.3** — A *negative* β = −0.5, query i = 10, keys j = 12 and j = 20: give
# `[bias for j=12, bias for j=20]` before the next cell shows it.

# %%
answer = ...   # [bias(10, 12), bias(10, 20)]
check("01.3", answer)

# %% tags=["nbval-check-output"]
beta_neg = -0.5
by_hand = [beta_neg * (j - i) for j in (12, 20)]
assert linear_bias(21, beta=beta_neg)[i, [12, 20]].tolist() == by_hand
print("bias:", by_hand, f"-> the key at j = 20 is penalised {by_hand[1] / by_hand[0]:g} times as much")

# %% [markdown]
# Causal ALiBi needs $\beta > 0$; the paper writes $-m\,(i-j)$ with slope $m > 0$.
#
# ## 4. Where the bias sits: book and paper
#
# | | score before softmax |
# |---|---|
# | book | $\big(q\cdot k + \beta\,(j-i)\big)/\sqrt d$ |
# | paper, BLOOM, MPT (open ALiBi models) | $q\cdot k/\sqrt d - m\,(i-j)$ |
#
# The book's β is divided by $\sqrt d$, so $\beta = \sqrt d \cdot m$ gives the same weights. The paper's bias is
# `alibi_bias` (notebook 03 gives each head its own $m$). Checked on random q, k:

# %% tags=["nbval-check-output"]
torch.manual_seed(0)
L, d, m = 8, 16, 0.5
q, k = torch.randn(2, L, d, dtype=torch.float64)
mask = causal_mask(L, dtype=torch.float64)
paper_bias = alibi_bias(1, L, slopes=torch.tensor([m]), dtype=torch.float64)[0]      # -m·(i - j)
paper = attention_weights(q, k, bias=paper_bias, mask=mask, bias_in_scale=False)
# default bias_in_scale=True: inside 1/√d (book)
book = attention_weights(q, k, bias=linear_bias(L, beta=math.sqrt(d) * m, dtype=torch.float64), mask=mask)
naive = attention_weights(q, k, bias=linear_bias(L, beta=m, dtype=torch.float64), mask=mask)  # β = m
print(f"β = √d·m = {math.sqrt(d) * m:g}: same weights as the paper? {torch.allclose(book, paper)}")
print(f"β = m = {m:g}: same weights? {torch.allclose(naive, paper)}, largest gap {(naive - paper).abs().max():.3f}")
assert torch.allclose(book, paper) and not torch.allclose(naive, paper)

# %% [markdown]
# ## 5. What the linear penalty does
#
# **Exercise 01.5** — Predict, then the next cells test it. The bias lowers every query–key score by an amount
# that grows linearly with the distance between them. What behaviour follows?
#
# - **A.** A smooth recency bias: near keys are preferred, yet strong enough content lets a far key win.
# - **B.** A hard window: keys beyond a fixed distance get exactly zero weight, whatever their content.
# - **C.** A strict recency order: the nearest key always gets the largest weight, whatever the content.
# - **D.** A rescaling only: every score shrinks in proportion, so keys keep their order by content.

# %%
quiz("01.5")

# %%
answer = ...   # or your letter
check("01.5", answer)

# %% [markdown]
# A near and a far key, their distances differing by $\Delta$. In the book's form the far key wins when
#
# $$q\cdot k_\text{far} - q\cdot k_\text{near} \;>\; \beta\,\Delta$$
#
# Query $i = 10$, near key $j = 9$, far key $j = 2$, $\beta = 0.5$; every other key gets a very low content score.

# %% tags=["nbval-check-output"]
beta, d, i, near, far = 0.5, 16, 10, 9, 2
threshold = beta * ((i - far) - (i - near))
row_bias = linear_bias(1, i + 1, beta=beta)        # one query, at i: the last of keys 0..i
q = torch.zeros(1, d)
q[0, 0] = 1.0                                      # q . k_j = first coordinate of k_j
print(f"threshold = β·{(i - far) - (i - near)} = {threshold:g}")
for advantage in (threshold - 1, threshold, threshold + 0.1, threshold + 1):
    k = torch.zeros(i + 1, d)
    k[:, 0] = -50.0                                # other keys: no chance
    k[near, 0], k[far, 0] = 0.0, advantage
    w = attention_weights(q, k, bias=row_bias)[0]
    print(f"q.k advantage {advantage:4g}: near weight {w[near]:.3f}, far weight {w[far]:.3f}")
    assert torch.isclose(w[near], w[far]) if advantage == threshold else (w[far] > w[near]) == (advantage > threshold)

# %% [markdown]
# At exactly β·Δ the two keys tie.
#
# ## 6. Explorer
#
# Move β (both signs), the query and the length; switch the mask and the bias's placement. The readout: bias,
# score and weight of the cell (i, j) you set.

# %%
bias_explorer()

# %% [markdown]
# ## 7. Exercises
#
# **Exercise 01.2** — Implement `my_linear_bias(L, beta)`: an (L, L) tensor whose entry (i, j) is β·(j − i)
# (rows are queries, columns keys).

# %%
def my_linear_bias(L, beta):
    ...   # your code here


answer = ...   # when your function is ready: answer = my_linear_bias
check("01.2", answer)

# %% [markdown]
# **Exercise 01.7** — Paper's placement q·k/√d − m·(i − j), d = 64, m = 0.25. Query i = 20, near key j = 19, far
# key j = 11. By how much must the far key's q·k exceed the near key's for equal weight?

# %%
answer = ...   # a number
check("01.7", answer)

# %% [markdown]
# **Exercise 01.8** — A paper-style model uses slope m = 0.1 with d = 36. Which book β gives exactly the same
# attention weights?

# %%
answer = ...   # a number
check("01.8", answer)

# %%
progress()

# %% [markdown]
# ## Summary
#
# - Preview: past L_train a learned table failed, sinusoidal's loss rose, ALiBi's change was not distinguishable.
# - ALiBi's bias β·(j − i) is a fixed penalty per step of distance; causal attention needs β > 0.
# - The book puts the bias inside the 1/√d, the paper after it: β = √d·m.
# - Content beats position when its q·k advantage exceeds β·Δ.
#
# **Try this.**
# 1. In the explorer (d = 16), set β to 2 and move the query away from key j = 0. How fast does its weight fall?
# 2. Rerun section 1 with `preview(train_len=16)`. Does ALiBi's verdict line change?
#
# Where you are: `progress()`. **What next.** Notebook 02: the causal mask.
