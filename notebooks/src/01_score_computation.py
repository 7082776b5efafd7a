# %% [markdown]
# # 01 — Score computation: the bias term and the complete formula
#
# **Goals.** After this notebook you can
# - say what goes wrong when a model reads past its training length;
# - compute ALiBi's bias $\beta\,(j-i)$ by hand and in code, and say which sign $\beta$ needs;
# - place the bias inside or outside the $1/\sqrt d$ and convert between the two;
# - tell when a content match beats the distance penalty.
#
# **Prerequisites.** Notebook 00 (exercises, the [notation](00_start_here.ipynb#Notation), "the book" and "the
# paper"); dot-product attention and softmax.

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
# A model trained on windows of $L_\text{train}$ tokens is often asked to read longer text. Below, tiny
# character-level models are trained at $L_\text{train} = 32$ (three paired seeds: seed r gives each method the same
# batches), then read at 4 and 16 times that length. They differ only in how they know positions:
# - **learned positions**: a trained table with one vector per position $0 \dots L_\text{train}-1$, added to each
#   token's embedding;
# - **sinusoidal positions**: fixed vectors of sines and cosines of the position, added the same way;
# - **ALiBi**: no position vectors; a penalty on each attention score that grows with distance (this notebook).
#
# A quick preview (it prints its time); ± is the paired difference's standard error over seeds.

# %%
import math
import time

import torch
from IPython.display import display

from alibi_edu import alibi_bias, attention_weights, causal_mask, linear_bias
from alibi_edu.exercises import check, progress, quiz
from alibi_edu.lm.preview import preview
from alibi_edu.plots import bias_row_and_map, heatmap_row, weight_bars
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
# The learned table has no row for position $L_\text{train}$: it cannot read one character more. Sinusoidal's
# loss rose at 16 × $L_\text{train}$ in 3 of 3 seeds; ALiBi's change is not distinguishable from 0 at these sizes.
# A longer window changes two things: positions past $L_\text{train}$, and fewer characters read with little
# context. Notebook 05 measures it properly; exercise 05.6 lets you measure ALiBi at $L_\text{train} = 16$.
# How a penalty on distance enters attention is what this notebook builds.
#
# ## 2. The bias term
#
# Query at position $i$, key at position $j$. The book (Xiao & Zhu, Chapter 2) adds a penalty that grows linearly
# with distance, with no learned parameters:
#
# $$\mathrm{PE}(i,j) = -\beta\,(i-j) = \beta\,(j-i)$$
#
# The complete formula for the weight of key $j$ seen from query $i$, with $d$ the length of $q_i$ and $k_j$:
#
# $$\alpha(i,j) = \mathrm{Softmax}_j\!\left(\frac{q_i^\top k_j + \beta\,(j-i)}{\sqrt d} + \mathrm{Mask}(i,j)\right)$$
#
# Mask(i, j) hides the keys after the query (notebook 02). β is always the book's strength.
#
# ### Worked example
# Query $i = 10$, keys $j = 5$ and $j = 2$, equal content scores, $\beta = 0.5$.
#
# **Exercise 01.1** — By hand, before the next cell shows it: the bias for key j = 5 and for key j = 2, as a list
# `[bias for j=5, bias for j=2]`.

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

# %% [markdown]
# Row $i = 10$, and the whole matrix: each step back costs β.

# %%
bias_row_and_map(bias, i, row_title=f"row i = {i}, β = {beta}", map_title="β·(j − i)")

# %% [markdown]
# ## 3. A question with β < 0: keys after the query
#
# **Exercise 01.3** — A fixed *negative* β = −0.5, query i = 10, keys j = 12 and j = 20: what is β·(j − i) for each
# key, before the next cells show it? Give `[bias for j=12, bias for j=20]`.

# %%
answer = ...   # [bias(10, 12), bias(10, 20)]
check("01.3", answer)

# %% tags=["nbval-check-output"]
beta_neg = -0.5
by_hand = [beta_neg * (j - i) for j in (12, 20)]
assert linear_bias(21, beta=beta_neg)[i, [12, 20]].tolist() == by_hand
print("bias:", by_hand, f"-> the key at j = 20 is penalised {by_hand[1] / by_hand[0]:g} times as much")

# %% [markdown]
# A negative β penalises distance here, **but those keys are in the future**, and a causal model masks them.
#
# **Exercise 01.4** — Causal attention only sees past keys, j ≤ i, so j − i ≤ 0. In the book's bias β·(j − i), which
# sign must β have so that distant past keys are penalised more than near ones?
#
# - **A.** Negative, as in the question above: β < 0 makes β·(j − i) fall as the key moves back.
# - **B.** Either sign works: softmax only sees the size |β|, so flipping β changes no weight.
# - **C.** Positive: β > 0 makes β·(j − i) ≤ 0, falling further as the key moves back.
# - **D.** Zero: the causal mask already removes far keys, so the bias needs no sign at all.

# %%
quiz("01.4")

# %%
answer = ...   # or your letter, as a string
check("01.4", answer)

# %% [markdown]
# Both signs below, with equal content (every $q\cdot k = 0$) and the causal mask. With $d = 16$ the book's form
# divides the bias by $\sqrt{16} = 4$: each step back changes the score by β/4.

# %%
L, d = 12, 16
q = k = torch.zeros(L, d)                          # equal content: only the bias speaks
mask = causal_mask(L)
signed = {b: linear_bias(L, beta=b) for b in (0.5, -0.5)}
weights = {b: attention_weights(q, k, bias=bias_b, mask=mask) for b, bias_b in signed.items()}
display(heatmap_row({f"β = {b:+g}: bias + mask": bias_b + mask for b, bias_b in signed.items()},
                    highlight_row=L - 1))
weight_bars({f"β = {b:+g}": w[L - 1] for b, w in weights.items()}, query=L - 1)

# %% tags=["nbval-check-output"]
last = L - 1
for b, w in weights.items():
    print(f"β = {b:+g}: weight on j = {last - 1} (near) = {w[last, last - 1]:.4f}, on j = 0 (far) = {w[last, 0]:.4f}")
# guards the next sentence: β > 0, the near key wins; β < 0, the farthest
assert weights[0.5][last, last - 1] > weights[0.5][last, 0] and weights[-0.5][last, 0] > weights[-0.5][last, last - 1]

# %% [markdown]
# Among past keys $j - i < 0$, so β < 0 makes $\beta\,(j-i) > 0$: it **rewards** distance. Causal ALiBi needs
# $\beta > 0$; the paper writes $-m\,(i-j)$ with $m > 0$, the slope.
#
# ## 4. Where the bias sits: book, paper, Falcon
#
# | | score before softmax |
# |---|---|
# | book (and Falcon, which scales the bias) | $\big(q\cdot k + \beta\,(j-i)\big)/\sqrt d$ |
# | paper, BLOOM, MPT | $q\cdot k/\sqrt d - m\,(i-j)$ |
#
# (BLOOM and MPT are open models trained with ALiBi; Falcon's code offers it.) The book's β is divided by $\sqrt d$,
# so $\beta = \sqrt d \cdot m$ gives the same weights. The paper's bias $-m\,(i-j)$ is `alibi_bias`
# (notebook 03 gives each head its own $m$). Checked on random q, k:

# %% tags=["nbval-check-output"]
torch.manual_seed(0)
L, d, m = 8, 64, 0.25
q, k = torch.randn(2, L, d, dtype=torch.float64)
mask = causal_mask(L, dtype=torch.float64)
paper_bias = alibi_bias(1, L, slopes=torch.tensor([m]), dtype=torch.float64)[0]      # -m·(i - j)
paper = attention_weights(q, k, bias=paper_bias, mask=mask, bias_in_scale=False)
book = attention_weights(q, k, bias=linear_bias(L, beta=math.sqrt(d) * m, dtype=torch.float64), mask=mask)
naive = attention_weights(q, k, bias=linear_bias(L, beta=m, dtype=torch.float64), mask=mask)  # β = m, inside
print(f"β = √d·m = {math.sqrt(d) * m:g}: same weights as the paper? {torch.allclose(book, paper)}")
print(f"β = m = {m:g}: same weights? {torch.allclose(naive, paper)}, largest gap {(naive - paper).abs().max():.3f}")
assert torch.allclose(book, paper) and not torch.allclose(naive, paper)

# %% [markdown]
# ## 5. Semantic vs positional: when does content win?
#
# Two keys seen from query $i$: a near one at distance $\delta_1$, a far one at $\delta_2$. In the book's form the
# far key wins when its content advantage beats the extra penalty:
#
# $$q\cdot k_\text{far} - q\cdot k_\text{near} \;>\; \beta\,(\delta_2 - \delta_1) \qquad
# \text{(paper's form: } > \sqrt d\, m\,(\delta_2 - \delta_1)\text{)}$$
#
# Query $i = 10$, near key $j = 9$, far key $j = 2$, $\beta = 0.5$; every other key gets a very low content score.

# %% tags=["nbval-check-output"]
beta, d, i, near, far = 0.5, 16, 10, 9, 2
threshold = beta * ((i - far) - (i - near))       # beta times the far key's extra distance
row_bias = linear_bias(1, i + 1, beta=beta)        # one query i, keys 0..i
q = torch.zeros(1, d)
q[0, 0] = 1.0                                      # q . k_j = first coordinate of k_j
print(f"threshold = β·{(i - far) - (i - near)} = {threshold:g}")
for advantage in (threshold - 1, threshold, threshold + 0.1, threshold + 1):
    k = torch.zeros(i + 1, d)
    k[:, 0] = -50.0                                # every other key: no chance
    k[near, 0], k[far, 0] = 0.0, advantage
    w = attention_weights(q, k, bias=row_bias)[0]
    print(f"q.k advantage {advantage:4g}: near weight {w[near]:.3f}, far weight {w[far]:.3f}")
    assert torch.isclose(w[near], w[far]) if advantage == threshold else (w[far] > w[near]) == (advantage > threshold)

# %% [markdown]
# At exactly β × (difference of distances) the two keys tie.
#
# ## 6. Explorer
#
# Move β (both signs), the query, the length; switch the mask and the bias's placement. Set query i and key j: that
# cell is outlined in every panel, and the readout gives its bias, score and weight.

# %%
bias_explorer()

# %% [markdown]
# ## 7. Exercises
#
# Replace each `...` and run the cell. Stuck? Each wrong try adds to the hint; the third offers
# `%load solutions/01_k.py`.
#
# **Exercise 01.2** — Implement `linear_bias`: `my_linear_bias(L, beta)` returns an (L, L) tensor whose entry (i, j)
# is β·(j − i) (rows are queries, columns keys).

# %%
def my_linear_bias(L, beta):
    ...   # your code here


answer = ...   # when your function is ready: answer = my_linear_bias
check("01.2", answer)

# %% [markdown]
# **Exercise 01.5** — The bias lowers every query–key score by an amount that grows linearly with the distance
# between them. What behaviour follows?
#
# - **A.** A smooth recency bias: near keys are preferred, yet a far key still wins if its content score is high enough.
# - **B.** A hard window: keys beyond a fixed distance get exactly zero weight, whatever their content scores are.
# - **C.** A strict recency order: the nearest key gets the largest weight, whatever the content of the others.
# - **D.** A rescaling only: every score shrinks in proportion, so keys keep their order by content score.

# %%
quiz("01.5")

# %%
answer = ...   # or your letter
check("01.5", answer)

# %% [markdown]
# **Exercise 01.6** — “The bias is a positive value that decreases as distance grows.” Is this right for the book's
# β·(j − i) with β > 0 and past keys (j ≤ i)?
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
# **Exercise 01.7** — Paper's placement q·k/√d − m·(i − j), with d = 64 and m = 0.25. Query i = 20, near key
# j = 19, far key j = 11. By how much must q·k for the far key exceed q·k for the near key so that the two get
# equal weight?

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
# - Past $L_\text{train}$ a learned table fails, sinusoidal positions raised the loss; ALiBi's change was not distinguishable.
# - ALiBi's bias is β·(j − i): a fixed penalty per step of distance, no parameters. Causal attention needs β > 0.
# - The book puts the bias inside the 1/√d, the paper after it: β = √d·m.
# - Content beats position when its q·k advantage exceeds the extra penalty β·Δdistance.
#
# **Try this.**
# 1. In the explorer, set β to 2 and move the query away from key j = 0. How fast does that key's weight fall?
# 2. Rerun section 1 with `preview(train_len=16)`. Does ALiBi's verdict line change?
# 3. In section 5, keep the advantage at the threshold and set `near = 8`. Which key wins, and does the inequality
#    say so?
#
# Where you are: `progress()`. **What next.** Notebook 02: the causal mask, why −∞, and what goes wrong without it.
