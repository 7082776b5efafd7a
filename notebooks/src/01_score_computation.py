# %% [markdown]
# # 01 — Score computation: the bias term and the complete formula
#
# **Goals.** After this notebook you can
# - compute ALiBi's bias $\beta\,(j-i)$ by hand and with `alibi_edu`;
# - say which sign $\beta$ needs in causal attention, and why;
# - place the bias inside or outside the $1/\sqrt d$ scaling and convert between the two;
# - tell when a strong content match beats the distance penalty.
#
# **Prerequisites.** Dot-product attention and softmax; notebook 00 (how the exercises work, and the
# [notation table](00_start_here.ipynb#Notation)). "The book" is Xiao & Zhu, *Foundations of Large Language
# Models*, Chapter 2; "the paper" is Press, Smith & Lewis, *Train Short, Test Long* (ICLR 2022).

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

from alibi_edu import attention_weights, causal_mask, linear_bias
from alibi_edu.exercises import check, quiz
from alibi_edu.plots import bias_heatmap, bias_row_bars
from alibi_edu.widgets import bias_explorer

# %% [markdown]
# ## 1. The bias term
#
# Query at position $i$, key at position $j$. The book (Xiao & Zhu, Chapter 2) adds a penalty that grows linearly with
# distance:
#
# $$\mathrm{PE}(i,j) = -\beta\,(i-j) = \beta\,(j-i)$$
#
# No learned parameters: a fixed rule. The complete formula for the attention weight of key $j$ seen from query $i$,
# with $d$ the length of $q_i$ and $k_j$:
#
# $$\alpha(i,j) = \mathrm{Softmax}_j\!\left(\frac{q_i^\top k_j + \beta\,(j-i)}{\sqrt d} + \mathrm{Mask}(i,j)\right)$$
#
# Mask(i, j) hides the keys after the query (notebook 02). This course writes β only for this, the book's form.
#
# ### Worked example (by hand, then with `alibi_edu`)
# Query $i = 10$, keys $j = 5$ and $j = 2$, equal content scores, $\beta = 0.5$.
#
# **Exercise 01.1** — Bias by hand, before the cell after this one shows it. Give the bias for key j = 5 and for
# key j = 2, as a list `[bias for j=5, bias for j=2]`. (Replace the `...` and run the cell: `check` answers back.)
#
# <sub>Stuck? Each wrong try gives a more specific hint, and the third offers the solution: `%load solutions/01_1.py` in a new cell loads it; run it and it checks itself.</sub>

# %%
answer = ...   # [bias(10, 5), bias(10, 2)]
check("01.1", answer)

# %% [markdown]
# The worked example, by hand and with `alibi_edu`:

# %% tags=["nbval-check-output"]
beta, i = 0.5, 10
by_hand = {j: beta * (j - i) for j in (5, 2)}
bias = linear_bias(11, beta=beta)                 # (11, 11): rows are queries i, columns keys j
with_alibi_edu = {j: bias[i, j].item() for j in (5, 2)}
assert with_alibi_edu == by_hand
print("bias:", by_hand)
print(f"the key at j = 2 is {by_hand[5] - by_hand[2]:g} lower (= β·3) before the 1/√d")

# %% [markdown]
# Each step of distance costs β: the farther key scores lower. Row $i = 10$ of the matrix, and the whole matrix:

# %%
fig, (ax_row, ax_map) = plt.subplots(1, 2, figsize=(10, 3.6), layout="constrained")
bias_row_bars(bias[i], query=i, ax=ax_row, title=f"row i = {i}, β = {beta}")
bias_heatmap(bias, ax=ax_map, title="β·(j − i)", highlight_row=i)
plt.show()

# %% [markdown]
# ## 2. A question from the book's course: β < 0 and keys after the query
#
# A question that courses built on the book ask: with $\beta$ a fixed *negative* number, query $i = 10$ and keys $j = 12$, $j = 20$, what does the
# bias do?
#
# **Exercise 01.3** — Before the next cells answer it: with β = −0.5, what is the book's bias β·(j − i) for each key?
# Give `[bias for j=12, bias for j=20]`.
#
# <sub>Stuck? Each wrong try gives a more specific hint, and the third offers the solution: `%load solutions/01_3.py` in a new cell loads it; run it and it checks itself.</sub>

# %%
answer = ...   # [bias(10, 12), bias(10, 20)]
check("01.3", answer)

# %% [markdown]
# The same by hand and with `alibi_edu`:

# %% tags=["nbval-check-output"]
beta_neg = -0.5
by_hand = [beta_neg * (j - i) for j in (12, 20)]
with_alibi_edu = linear_bias(21, beta=beta_neg)[i, [12, 20]].tolist()
assert with_alibi_edu == by_hand
print("bias:", by_hand, f"-> the key at j = 20 is penalised {by_hand[1] / by_hand[0]:g} times as much")

# %% [markdown]
# As asked, a negative β penalises distance — **but those keys are in the future**. A causal model masks them
# ($j > i$). The keys it really sees are in the past, where $j - i < 0$, so a negative β makes $\beta\,(j-i) > 0$:
# it **rewards** distance. Below: equal content (all $q\cdot k = 0$), causal mask, both signs.

# %%
L, d = 12, 16
q = k = torch.zeros(L, d)                          # equal content: only the bias speaks
mask = causal_mask(L)
fig, axes = plt.subplots(1, 3, figsize=(15, 4), layout="constrained")
weights = {}
for col, b in enumerate((0.5, -0.5)):
    bias_b = linear_bias(L, beta=b)
    weights[b] = attention_weights(q, k, bias=bias_b, mask=mask)
    bias_heatmap(bias_b + mask, ax=axes[col], title=f"β = {b:+g}: bias + mask", highlight_row=L - 1)
    axes[2].bar(torch.arange(L) + 0.2 * (1 - 2 * col), weights[b][L - 1], width=0.4, label=f"β = {b:+g}",
                color=("tab:blue", "tab:orange")[col])
axes[2].set(xlabel="key position j", ylabel="attention weight α(i, j)", title=f"weights of the last query, i = {L - 1}")
axes[2].legend()
plt.show()

# %% tags=["nbval-check-output"]
last = L - 1
for b, w in weights.items():
    print(f"β = {b:+g}: weight on j = {last - 1} (near) = {w[last, last - 1]:.4f}, on j = 0 (far) = {w[last, 0]:.4f}")
assert weights[0.5][last, last - 1] > weights[0.5][last, 0]      # beta > 0: near keys win
assert weights[-0.5][last, 0] > weights[-0.5][last, last - 1]    # beta < 0: the farthest key wins

# %% [markdown]
# **The sign lesson.** In the form $\beta\,(j-i)$, causal ALiBi needs $\beta > 0$ — the paper writes it
# $-m\,(i-j)$ with $m > 0$ and calls $m$ the slope. A widely read FlexAttention example once wrote the bias with `q_idx - kv_idx` and so
# rewarded distant past keys, until it was fixed.
#
# ## 3. Where the bias sits: book, paper, Falcon
#
# | | score before softmax |
# |---|---|
# | book (and Falcon, which scales the bias) | $\big(q\cdot k + \beta\,(j-i)\big)/\sqrt d$ |
# | paper, BLOOM, MPT | $q\cdot k/\sqrt d - m\,(i-j)$ |
#
# (BLOOM and MPT are open language models trained with ALiBi; Falcon's code offers it as an option.)
# Same family: the book's β is divided by $\sqrt d$, so $\beta_\text{book} = \sqrt d \cdot m_\text{paper}$ gives the same
# weights. Called with a slope m, `linear_bias(L, beta=m)` builds m·(j − i), the paper's form: the same function.
# Checked numerically on random q, k:

# %% tags=["nbval-check-output"]
torch.manual_seed(0)
L, d, m = 8, 64, 0.25
q, k = torch.randn(2, L, d, dtype=torch.float64)
mask = causal_mask(L, dtype=torch.float64)
paper = attention_weights(q, k, bias=linear_bias(L, beta=m, dtype=torch.float64), mask=mask, bias_in_scale=False)
book = attention_weights(q, k, bias=linear_bias(L, beta=math.sqrt(d) * m, dtype=torch.float64), mask=mask)
naive = attention_weights(q, k, bias=linear_bias(L, beta=m, dtype=torch.float64), mask=mask)  # beta = m, inside
print(f"β = √d·m = {math.sqrt(d) * m:g}: same weights as the paper? {torch.allclose(book, paper)}")
print(f"β = m = {m:g} inside the scaling:  same weights? {torch.allclose(naive, paper)}, "
      f"largest gap {(naive - paper).abs().max():.3f}")
assert torch.allclose(book, paper) and not torch.allclose(naive, paper)

# %% [markdown]
# ## 4. Semantic vs positional: when does content win?
#
# Two keys seen from query $i$: a near one at distance $\delta_1$ and a far one at $\delta_2$. In the book's form the
# far key wins when its content advantage beats the extra penalty:
#
# $$q\cdot k_\text{far} - q\cdot k_\text{near} \;>\; \beta\,(\delta_2 - \delta_1) \qquad
# \text{(paper's form: } > \sqrt d\, m\,(\delta_2 - \delta_1)\text{)}$$
#
# Below, query $i = 10$, near key $j = 9$, far key $j = 2$, $\beta = 0.5$: the threshold is β times the far key's
# extra distance.
# All other keys get a very low content score so only these two compete.

# %% tags=["nbval-check-output"]
beta, d, i, near, far = 0.5, 16, 10, 9, 2
threshold = beta * ((i - far) - (i - near))       # beta * (8 - 1): the far key's extra distance
row_bias = linear_bias(1, i + 1, beta=beta)        # one query at position i, keys 0..i
q = torch.zeros(1, d); q[0, 0] = 1.0               # q . k_j = first coordinate of k_j
print(f"threshold = β·{(i - far) - (i - near)} = {threshold:g}")
for advantage in (threshold - 1, threshold, threshold + 1):
    k = torch.zeros(i + 1, d); k[:, 0] = -50.0     # every other key: no chance
    k[near, 0], k[far, 0] = 0.0, advantage
    w = attention_weights(q, k, bias=row_bias)[0]
    print(f"q.k advantage {advantage:4g}: near weight {w[near]:.3f}, far weight {w[far]:.3f}")
    if advantage == threshold:
        assert torch.isclose(w[near], w[far])

# %% [markdown]
# At exactly β × (difference of distances) the two keys tie; one unit more and content wins.
#
# ## 5. Explorer
#
# Move β (try both signs), the query, the length; switch the mask and the placement of the bias. To read one cell,
# set query i and key j (arrow keys on a focused slider, or type the number): it is outlined in every panel and the
# readout's second line gives its bias, score and weight. A click on a cell does the same where the front end allows it.

# %%
bias_explorer()

# %% [markdown]
# ## 6. Exercises
#
# Replace each `...` and run the cell; `check` answers back. Multiple-choice questions come with a widget; you can
# also answer them in code. (Exercises 01.1 and 01.3 came earlier, in sections 1 and 2.)

# %% [markdown]
# **Exercise 01.2** — Implement `linear_bias`: `my_linear_bias(L, beta)` returns an (L, L) tensor whose entry (i, j) is β·(j − i)
# (rows are queries, columns keys). The checker calls it on several sizes and βs.
#
# <sub>Stuck? Each wrong try gives a more specific hint, and the third offers the solution: `%load solutions/01_2.py` in a new cell loads it; run it and it checks itself.</sub>

# %%
def my_linear_bias(L, beta):
    ...   # your code here


answer = ...   # when your function is ready: answer = my_linear_bias
check("01.2", answer)

# %% [markdown]
# **Exercise 01.4** — Causal attention only sees past keys, j ≤ i, so j − i ≤ 0. In the book's bias β·(j − i), which sign must β have so that distant past keys are penalised more than near ones?
#
# - **A.** Negative, as in the course's example: β < 0 makes β·(j − i) fall as the key moves back.
# - **B.** Either sign works: softmax only sees the size |β|, so flipping β changes no weight.
# - **C.** Positive: β > 0 makes β·(j − i) ≤ 0, falling further as the key moves back.
# - **D.** Zero: the causal mask already removes far keys, so the bias needs no sign at all.
#
# <sub>Stuck? Each wrong try gives a more specific hint, and the third offers the solution: `%load solutions/01_4.py` in a new cell loads it; run it and it checks itself.</sub>

# %%
quiz("01.4")

# %%
answer = ...   # or answer in code: the letter you chose, as a string
check("01.4", answer)

# %% [markdown]
# **Exercise 01.5** — The bias lowers every query–key score by an amount that grows linearly with the distance between them. What behaviour follows?
#
# - **A.** A smooth recency bias: near keys are preferred, yet a far key still wins if its content score is high enough.
# - **B.** A hard window: keys beyond a fixed distance get exactly zero weight, whatever their content scores are.
# - **C.** A preference for distant keys, which spreads attention evenly over the whole context window.
# - **D.** No change at all: softmax normalises each row, so a bias that grows with distance cancels out.
#
# <sub>Stuck? Each wrong try gives a more specific hint, and the third offers the solution: `%load solutions/01_5.py` in a new cell loads it; run it and it checks itself.</sub>

# %%
quiz("01.5")

# %%
answer = ...   # or answer in code: the letter you chose, as a string
check("01.5", answer)

# %% [markdown]
# **Exercise 01.6** — “The bias is a positive value that decreases as distance grows.” Is this right for the book's β·(j − i) with β > 0 and past keys (j ≤ i)?
#
# - **A.** Right as stated: the bias is positive for every past key and shrinks steadily with distance.
# - **B.** Wrong: the bias is positive and grows with distance, so far keys receive the largest bonus.
# - **C.** Wrong: the bias is the same for every past key, so it cannot decrease with distance at all.
# - **D.** Wrong: the bias is ≤ 0 (0 on the diagonal) and decreases, growing more negative with distance.
#
# <sub>Stuck? Each wrong try gives a more specific hint, and the third offers the solution: `%load solutions/01_6.py` in a new cell loads it; run it and it checks itself.</sub>

# %%
quiz("01.6")

# %%
answer = ...   # or answer in code: the letter you chose, as a string
check("01.6", answer)

# %% [markdown]
# **Exercise 01.7** — Content vs position, **paper's placement** q·k/√d − m·(i − j), with d = 64 and m = 0.25. Query i = 20,
# near key j = 19, far key j = 11. By how much must q·k for the far key exceed q·k for the near key so that
# the two get equal weight?
#
# <sub>Stuck? Each wrong try gives a more specific hint, and the third offers the solution: `%load solutions/01_7.py` in a new cell loads it; run it and it checks itself.</sub>

# %%
answer = ...   # a number
check("01.7", answer)

# %% [markdown]
# **Exercise 01.8** — Conversion. A paper-style model uses slope m = 0.1 with d = 36. Which book β gives exactly the same
# attention weights? (The checker runs both forms on random q, k.)
#
# <sub>Stuck? Each wrong try gives a more specific hint, and the third offers the solution: `%load solutions/01_8.py` in a new cell loads it; run it and it checks itself.</sub>

# %%
answer = ...   # a number
check("01.8", answer)

# %%
from alibi_edu.exercises import progress

progress()   # every exercise of the course: not tried, tried or passed

# %% [markdown]
# ## Summary
#
# - ALiBi's bias is β·(j − i) = −β·(i − j): a fixed penalty per step of distance, no parameters.
# - Causal attention sees past keys (j − i ≤ 0): β must be **positive** (paper: −m·(i − j), m > 0). A negative β
#   rewards distance.
# - The book puts the bias inside the 1/√d; the paper, BLOOM and MPT add it after; β_book = √d · m_paper.
# - Content beats position when its q·k advantage exceeds the extra penalty β·Δdistance.
#
# Your progress over the whole course: run `progress()` (from `alibi_edu.exercises`) to see every exercise and its state.
#
# **What next.** Notebook 02 — the causal mask: why −∞, what goes wrong without it, and why BLOOM may add m·j.
