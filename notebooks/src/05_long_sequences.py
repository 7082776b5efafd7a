# %% [markdown]
# # 05 — Train short, test long
#
# **Goals.** After this notebook you can
# - name the usual ways a transformer knows where a token is (sinusoidal, learned, rotary, none) and what each does
#   at a position it never saw in training;
# - explain why a penalty that grows with distance lets ALiBi run on sequences longer than it was trained on;
# - train the five kinds of model at L_train = 64 (three seeds each) and measure their loss on sequences up to 1024
#   characters, reading differences against the seed-to-seed spread;
# - read the result like Figure 1 of the ALiBi paper (Press, Smith & Lewis, ICLR 2022), and check it with
#   sliding-window evaluation (the paper's Appendix B);
# - compute how far back an ALiBi head can see, and check it against a trained model.
#
# **Prerequisites.** Notebook 03 (geometric slopes), notebook 04 (the tiny model, seeds and spread, validation loss).
# Runs on a laptop CPU in under a minute.

# %%
# Ready for any kernel: where the course package is missing (Colab, a new kernel), install it from ALIBI_EDU_SOURCE
# with --no-deps, so this kernel's torch, ipywidgets and ipykernel stay as they are; on Colab, allow the course's
# widgets. Everywhere else this cell does nothing.
import importlib, os, subprocess, sys
from importlib.util import find_spec

if find_spec("alibi_edu") is None:
    source = os.environ.get("ALIBI_EDU_SOURCE", "git+https://github.com/alibi-edu/alibi-course")
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", source, "ipyevents", "platformdirs",
                    "tqdm"], check=True)
    importlib.invalidate_caches()
if "google.colab" in sys.modules:
    from google.colab import output
    output.enable_custom_widget_manager()

# %%
import math
import time

import matplotlib.pyplot as plt
import torch

from alibi_edu import geometric_slopes, lm, relative_positions
from alibi_edu.exercises import check, quiz
from alibi_edu.plots import loss_vs_length, training_curves, weight_by_distance, weight_by_distance_plot

notebook_start = time.perf_counter()

# %% [markdown]
# ### Settings
#
# Defaults: five kinds of model × three seeds = 15 small models (d = 32, 2 layers, 4 heads, batch 16, 200 steps at
# L_train = 64), trained side by side, each evaluated on the same 8 192 validation characters at every length.
#
# **For a longer, better run** set `LONGER_RUN = True` (5× the steps; expect about two minutes).

# %%
LONGER_RUN = False   # ← True: a longer, better run

SEEDS = [0, 1, 2]
config = lm.TrainConfig(steps=1000 if LONGER_RUN else 200, batch_size=16, seq_len=64)
MODEL = dict(d_model=32, n_heads=4, n_layers=2)
LENGTHS = [64, 128, 256, 512, 1024]
EVAL_TOKENS = 8192
if lm.quick_mode():
    SEEDS, LENGTHS, EVAL_TOKENS = [0, 1], [64, 128], 256
    config = lm.TrainConfig(steps=4, batch_size=4, seq_len=64)
    print("QUICK MODE (ALIBI_EDU_QUICK=1): tiny runs that only check the page works; the numbers mean nothing.")
print(config, "| seeds", SEEDS)

# %% [markdown]
# ### The alternatives, and how we compare them
#
# Five ways for the same small transformer to know where a token is:
# - **sinusoidal** (the original transformer's): a fixed vector of sines and cosines of the position, at geometric
#   frequencies, added to each token's embedding;
# - **learned positions** (`learned`): a trained table with one vector per position 0 … L_train − 1, added the same way;
# - **rope** (rotary position embedding, RoPE): queries and keys are rotated by angles proportional to their
#   positions, so the score q·k depends on the distance between them;
# - **alibi**: no position vectors at all; the distance penalty −m·(i − j) on every score (4 heads, geometric
#   slopes 1/4, 1/16, 1/64, 1/256);
# - **none** (sometimes called NoPE): no positional information besides the causal mask.
#
# We compare them by validation loss in nats per character, as in notebook 04, and by **perplexity** = e^loss: the
# number of equally likely characters the model is, on average, choosing between (lower is better).

# %% [markdown]
# ## 1. Why a penalty that grows with distance has no length limit
#
# ALiBi adds $-m\,(i-j)$ to the score of query $i$ and key $j$. It depends only on the **distance** $i-j$,
# never on $i$ itself: a query at position 5 000 gets exactly the same penalties for its last few keys as a query
# at position 5.
#
# That alone does not make long inputs safe. Past L_train a query meets keys at distances it never saw in
# training (more than 63 steps back) and more keys than ever; rotary positions are relative too, and section 3
# shows them fail. What ALiBi adds is a penalty that **grows** with distance: the weight of a key Δ steps back
# carries a factor $e^{-m\Delta}$, so the further back an unseen key is, the less it can count. For a steep head
# that settles it (m = 1/4: $e^{-64/4} \approx 10^{-7}$ at the edge of the training window). For the flattest of our
# 4 heads, m = 1/256, the bias alone still leaves $e^{-64/256} \approx 0.78$ there. So what keeps the model from
# breaking? Sections 3–5 measure it.
#
# A learned position table is the opposite: one trained vector per position $0 \dots L_\text{train}-1$, and simply
# no vector for position $L_\text{train}$.
#
# **By hand** (m = 1/4): keys 0, 1, 2, 3 steps back get 0, −0.25, −0.5, −0.75 — at any position.

# %% tags=["nbval-check-output"]
m = 0.25
for i in (5, 5000):
    row = m * relative_positions(1, i + 1)[0].double()    # the bias row of query i: m·(j − i), j = 0..i
    print(f"query at i = {i}: last four keys get {row[-4:].flip(0).tolist()}")
assert (m * relative_positions(1, 6)[0, -4:] == m * relative_positions(1, 5001)[0, -4:]).all()

corpus = lm.load_corpus()
learned = lm.TinyLM(lm.ModelConfig(corpus.vocab_size, "learned", max_len=64))
try:
    learned(corpus.val[None, :65])
except ValueError as err:
    print("learned table, 65 characters:", err)

# %% [markdown]
# **Exercise 05.1** — *Predict before you train.* The models below are the same small transformer and differ only
# in how they know where each token is: **sinusoidal** positions add a fixed vector of sines and cosines of the
# position to each token's embedding; **rope** (rotary positions, RoPE) rotates queries and keys by an angle
# proportional to their position; **alibi** adds this course's distance penalty; **none** gives no positional
# information at all. Past L_train = 64, which loss curves will **rise**? Answer with a set of names from
# `{"alibi", "sinusoidal", "rope", "none"}`.
#
# <sub>Stuck? Each wrong try gives a more specific hint, and the third offers the solution: `%load solutions/05_1.py` in a new cell loads it; run it and it checks itself.</sub>

# %%
answer = ...   # a set of names, e.g. {"name", "other name"}
check("05.1", answer)

# %% [markdown]
# ## 2. Train every method at L_train = 64
#
# Same data, seeds, sizes and steps; only the positional method differs. Three seeds per method, so that every
# difference below can be read against the spread between seeds.

# %%
methods = ["alibi", "sinusoidal", "rope", "learned", "none"]
n_models = len(methods) * len(SEEDS)
print(f"{n_models} models ({len(methods)} methods × {len(SEEDS)} seeds, {config.steps} steps each): "
      f"about {lm.estimate_seconds(n_models, config, corpus, **MODEL):.0f} s here and now")
sweep = lm.seed_sweep(corpus, {name: dict(method=name) for name in methods}, seeds=SEEDS, config=config,
                      n_tokens=EVAL_TOKENS, **MODEL)
print(f"trained in {sweep.seconds:.0f} s")

# %%
training_curves({name: sweep.losses[:, sweep.labels.index(name)] for name in methods},
                start=math.log(corpus.vocab_size), title="training loss, 3 seeds per method (faint: each seed)");

# %% [markdown]
# ## 3. Loss against evaluation length (the shape of the paper's Figure 1)
#
# Every length reads the **same** validation characters (the 8 192 after the first 1 024) in back-to-back windows
# of L characters; every L = 64 number in this notebook is on this slice. Bands and ± are the spread over the three
# seeds. The learned table can only be drawn at L = 64. Note that the sinusoidal vectors are added at 0.1 times their
# usual size (the model's `SINUSOIDAL_SCALE`), a choice made for this course's small model: another scale gives
# other sinusoidal numbers, so read that curve as one configuration, not as the best the method can do.

# %%
means, spreads = lm.length_curves(sweep, methods, corpus.val, LENGTHS, n_tokens=EVAL_TOKENS)
loss_vs_length(means, spreads=spreads, train_len=config.seq_len, title="trained at L = 64, evaluated at L");

# %%
longest = LENGTHS[-1]
print(f"{'method':>11} " + " ".join(f"{'L = ' + str(L):>13}" for L in LENGTHS) + f"   change 64 → {longest}")
for name in methods:
    cells = " ".join(f"{means[name][L]:7.3f} ± {spreads[name][L]:.3f}" if L in means[name] else f"{'—':>13}"
                     for L in LENGTHS)
    change = f"{means[name][longest] - means[name][64]:+.3f}" if longest in means[name] else "cannot run"
    print(f"{name:>11} {cells}   {change}")
for name in methods:
    if longest in means[name]:
        change, noise = means[name][longest] - means[name][64], spreads[name][64] + spreads[name][longest]
        print(f"{name}: change 64 → {longest} {change:+.3f}, "
              + ("within the seed spread" if abs(change) <= noise else f"more than the seed spread ({noise:.3f})"))
        flat = abs(change) <= noise
        if not lm.quick_mode():
            assert flat == (name == "alibi") or name == "none", (name, change, noise)

# %% [markdown]
# What to see (read each change against the ± spread printed next to it):
# - **alibi** stays flat all the way to 16 × L_train: its change from 64 to 1024 is smaller than its seed spread;
# - **sinusoidal** and **rope** rise past 64, by more than their spread: positions, or rotation angles, the model
#   never saw;
# - **none** has no position signal, so it cannot easily tell which character came just before; at L = 64 it is
#   well behind alibi and rope. It still changes with length, because a causal model without positions can infer
#   position from how many tokens it sees (a query at position i averages over i + 1 keys, so its attention output
#   depends on i), and past L_train it meets counts it never saw. Notebook 04's β = 0 is the same kind of model;
# - **learned** cannot even be evaluated past its table.
#
# ## 4. Sliding-window evaluation (the paper's Appendix B)
#
# In back-to-back windows the first characters of each window see almost no context, and a longer window has
# fewer such "early" characters. Is ALiBi's slight gain at long L from using far-away characters, or just from
# having fewer early ones? The control: slide the window by s = 32 and score only its last 32 characters, so every
# scored character sees at least L − 32 earlier ones. (One model, seed 0, on the same 8 192 characters; its
# back-to-back numbers are that seed's, not the three-seed mean of the table.)

# %%
stride = config.seq_len // 2
alibi = sweep.models["alibi"][0]
back_to_back = lm.length_curve(alibi, corpus.val, LENGTHS, n_tokens=EVAL_TOKENS)
sliding = lm.length_curve(alibi, corpus.val, LENGTHS, n_tokens=EVAL_TOKENS, stride=stride)
loss_vs_length({"alibi, back-to-back windows": back_to_back, f"alibi, sliding windows (stride {stride})": sliding},
               train_len=config.seq_len, title=f"ALiBi (seed 0) on the same {EVAL_TOKENS} characters");
for L in LENGTHS:
    print(f"L = {L:5}: back-to-back {back_to_back[L]:.3f}   sliding {sliding[L]:.3f}")


# %% [markdown]
# The sliding-window curve is the one to read for "does the model use far-away characters": compare its values
# across L with the back-to-back ones above. Both score the same characters, so the comparison is fair; the paper
# found that ALiBi's back-to-back gain at long L comes mostly from having fewer early, context-starved characters.
#
# ## 5. How far back can a head see?
#
# Give two keys equal content scores. The key Δ steps further back gets the weight of the nearest one times
# $e^{-m\Delta}$. It stays at least 1% of the nearest key's weight while $e^{-m\Delta} \ge 0.01$.

# %% [markdown]
# **Exercise 05.2** — Write `reach(m)`: the largest whole number of steps Δ for which $e^{-m\Delta} \ge 0.01$.
#
# <sub>Stuck? `%load solutions/05_2.py` in a new cell shows a solution.</sub>

# %%
def reach(m):
    return ...

answer = ...   # the function itself: answer = reach
check("05.2", answer)

# %% [markdown]
# Now check against a trained ALiBi model (seed 0; the reach is computed from the formula, since `reach` above may
# still be a placeholder). Measured: for each head, the median over queries of weight(Δ back) / weight(nearest key),
# on 256 validation characters. Dashed: the bias alone, $e^{-m\Delta}$; dotted: the computed reach (heads 3 and 4
# reach past the plotted range). Content scores pull the measured curves away from the dashed ones; the plot shows
# by how much.

# %%
slopes = geometric_slopes(4)
computed = [math.floor(math.log(100) / m) for m in slopes.tolist()]
print("slopes:", [f"{m:g}" for m in slopes.tolist()], " computed reach:", computed)

maps = alibi.attention_maps(corpus.val[None, 1000:1256])[:, 0]  # (layers, H, 256, 256)
ratios = weight_by_distance(maps[0], max_distance=128)
weight_by_distance_plot(ratios, slopes);
for h, r in enumerate(computed):
    if r <= 128:
        print(f"head {h + 1}: measured weight ratio at Δ = {r}: {ratios[h, r]:.4f} (bias alone: {math.exp(-slopes[h] * r):.4f})")
flat = slopes[-1].item()
print(f"flattest head (head 4, m = 1/{1 / flat:g}): bias alone at the edge of the training window, Δ = 64: "
      f"e^(−64·m) = {math.exp(-64 * flat):.2f}; measured ratio at Δ = 64: {ratios[3, 64]:.3f}")

# %% [markdown]
# ## 6. Multiple choice
#
# **Exercise 05.3** — Which property lets an ALiBi model process sequences longer than any it was trained on?
#
# <sub>Stuck? Each wrong try gives a more specific hint, and the third offers the solution: `%load solutions/05_3.py` in a new cell loads it; run it and it checks itself.</sub>

# %%
quiz("05.3")

# %%
answer = ...   # or answer in code: the letter you chose, as a string
check("05.3", answer)

# %% [markdown]
# **Exercise 05.4** — A team wants long-sequence extrapolation and as few positional parameters as possible. Which strategy fits?
#
# <sub>Stuck? Each wrong try gives a more specific hint, and the third offers the solution: `%load solutions/05_4.py` in a new cell loads it; run it and it checks itself.</sub>

# %%
quiz("05.4")

# %%
answer = ...   # or answer in code: the letter you chose, as a string
check("05.4", answer)

# %% [markdown]
# **Exercise 05.5** — “A fixed rule-based bias is best because it can be finely tuned to one fixed input length.” True or false?
#
# <sub>Stuck? Each wrong try gives a more specific hint, and the third offers the solution: `%load solutions/05_5.py` in a new cell loads it; run it and it checks itself.</sub>

# %%
quiz("05.5")

# %%
answer = ...   # or answer in code: the letter you chose, as a string
check("05.5", answer)

# %%
from alibi_edu.exercises import progress

progress()   # every exercise of the course: not tried, tried or passed

# %% [markdown]
# ## Summary
#
# - ALiBi's penalty depends only on distance and **grows** with it. Past L_train the model does meet distances it
#   never saw, and the further back a key is, the less weight it gets: for the steep heads, next to none. For the
#   flattest head the bias alone still leaves e^(−64/256) ≈ 0.78 at the edge of the training window (section 5
#   measured about the same), so for that head the bias by itself does not cut far keys off. What the
#   sliding-window result of section 4 shows is that the model's loss does not depend on characters further back
#   than about L_train: with every scored character given L − 32 characters of context, the loss hardly moves from
#   L = 64 to L = 1024. Little use of far keys, and weights that shrink with distance, keep it from breaking.
# - Sinusoidal and rotary positions past L_train are positions or angles never seen in training: their loss rises.
#   A learned table cannot run at all. A model with no positions (`none`) also changes with length: a causal model
#   can infer position from how many tokens it sees.
# - Every comparison above is a mean over three seeds on one validation slice; read differences against the spread.
# - A head with slope m reaches about ln(100)/m ≈ 4.6/m tokens back before its weight drops under 1%.
#
# Your progress so far: `from alibi_edu.exercises import progress; progress()`.
#
# **What next.** Notebook 06: ALiBi in production code — the forms BLOOM, MPT and FlashAttention use, and bugs that shipped.

# %%
print(f"notebook wall time: {time.perf_counter() - notebook_start:.0f} s"
      + ("  (quick mode)" if lm.quick_mode() else ""))
