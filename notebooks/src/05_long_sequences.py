# %% [markdown]
# # 05 — Train short, test long
#
# **Goals.** After this notebook you can
# - name the usual ways a transformer knows where a token is (sinusoidal, learned, rotary, none) and what each does
#   at a position it never saw in training;
# - explain why a penalty that grows with distance lets ALiBi run on sequences longer than it was trained on;
# - train the five kinds of model at L_train = 64 (three seeds each) and measure their loss on sequences up to 1024
#   characters, comparing lengths and methods seed by seed;
# - read the result like Figure 1 of the ALiBi paper (Press, Smith & Lewis, ICLR 2022), and check it with
#   sliding-window evaluation (the paper's Appendix B);
# - compute how far back an ALiBi head can see, and check it against a trained model.
# - predict, then measure, what a shorter L_train does to ALiBi's loss past it.
#
# **Prerequisites.** Notebook 03 (geometric slopes), notebook 04 (the tiny model, seeds and spread, validation loss).
# Runs on a laptop CPU in about a minute.

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
# L_train = 64), trained side by side, each evaluated on the same 8 192 validation characters at every length
# (as in notebook 04: from position 1 024 of each of 8 validation blocks, windows never leaving their block).
#
# **For a longer, better run** set `LONGER_RUN = True` (5× the steps; expect about five times as long).

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
# We compare them by validation loss in nats per character, as in notebook 04 (its **perplexity**, e^loss, is the
# number of equally likely characters the model is, on average, choosing between). Lower is better.

# %% [markdown]
# ## 1. What a penalty on distance does past L_train
#
# ALiBi adds $-m\,(i-j)$ to the score of query $i$ and key $j$. It depends only on the **distance** $i-j$,
# never on $i$ itself: a query at position 5 000 gets exactly the same penalties for its last few keys as a query
# at position 5.
#
# That alone does not make long inputs safe. Past L_train a query meets keys at distances it never saw in
# training (more than 63 steps back) and more keys than ever; depending only on distance is not enough by itself.
# What ALiBi adds is a penalty that **grows** with distance: the weight of a key Δ steps back
# carries a factor $e^{-m\Delta}$, so the further back an unseen key is, the less it can count. For a steep head
# that settles it (m = 1/4: $e^{-64/4} \approx 10^{-7}$ at the edge of the training window). For the flattest of our
# 4 heads, m = 1/256, the bias alone still leaves $e^{-64/256} \approx 0.78$ there. So what keeps the model from
# breaking? Sections 3–5 measure what happens.
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
    learned(corpus.val[:1, :65])
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
# Same data, seeds, sizes and steps; only the positional method differs. Three seeds per method, paired as in
# notebook 04 (seed r: the same initial weights where the shapes agree, the same batches), so every difference below
# is compared seed by seed with notebook 04's rule: every seed agrees in sign and the mean difference exceeds twice
# its standard error.

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
# Every length reads the **same** validation characters in back-to-back windows of L characters; every L = 64
# number in this notebook is on these characters. Bands and the table's ± are the spread (SD) over the three
# seeds; in a verdict line ± is the standard error of the paired difference, as in notebook 04. The grey line is
# the bigram baseline (each character guessed from the one before it, counted on the training text). The learned
# table can only be drawn at L = 64. Note that the sinusoidal vectors are added at 0.1 times their
# usual size (the model's `SINUSOIDAL_SCALE`), a choice made for this course's small model: another scale gives
# other sinusoidal numbers, so read that curve as one configuration, not as the best the method can do.

# %%
runs = lm.length_runs(sweep, methods, corpus.val, LENGTHS, n_tokens=EVAL_TOKENS)
means = {name: {L: v.mean().item() for L, v in curve.items()} for name, curve in runs.items()}
spreads = {name: {L: v.std().item() for L, v in curve.items()} for name, curve in runs.items()}
bigram = lm.baseline_losses(corpus, config.seq_len, n_tokens=EVAL_TOKENS)["bigram (counted on train)"]
loss_vs_length(means, spreads=spreads, train_len=config.seq_len, title="trained at L = 64, evaluated at L",
               baselines={"bigram (counted on train)": bigram});

# %%
longest = LENGTHS[-1]
print(f"{'method':>11} " + " ".join(f"{'L = ' + str(L):>13}" for L in LENGTHS))
for name in methods:
    print(f"{name:>11} " + " ".join(f"{means[name][L]:7.3f} ± {spreads[name][L]:.3f}" if L in means[name]
                                    else f"{'—':>13}" for L in LENGTHS))
print(f"\nchange 64 → {longest}, the same models at two lengths, seed by seed:")
change = {name: lm.paired(runs[name][longest], runs[name][64], names=(f"{name} at {longest}", "at 64"))
          for name in methods if longest in runs[name]}
for c in change.values():
    print(" ", c)
print("\nthe rise, method against none, seed by seed:")
rise_vs_none = {name: lm.paired(change[name].diffs, change["none"].diffs, names=(f"{name}'s rise", "none's"))
                for name in ("sinusoidal", "rope") if name in change}
for c in rise_vs_none.values():
    print(" ", c)
print("\nat L = 64, method against method, seed by seed:")
at_64 = {pair: lm.paired(runs[pair[0]][64], runs[pair[1]][64], names=pair) for pair in
         [("rope", "alibi"), ("none", "alibi"), ("sinusoidal", "none"), ("learned", "none")]}
for c in at_64.values():
    print(" ", c)
if not lm.quick_mode():
    assert change["alibi"].direction != 1 and all(change[n].direction == 1 for n in ("sinusoidal", "rope", "none"))
    assert all(c.direction == 1 for c in rise_vs_none.values()), rise_vs_none
    assert at_64["none", "alibi"].direction == 1 and at_64["sinusoidal", "none"].direction == 1

# %% [markdown]
# What to see (the printed verdicts, seed by seed):
# - **alibi** does not rise all the way to 16 × L_train: it is even a little lower at 1024 in every seed;
# - **sinusoidal** and **rope** rise past 64 in every seed, and by more than none in every seed: they meet
#   positions, or rotation angles, the model never saw, but since none rises too, unseen position inputs are not
#   the whole story (and the sinusoidal curve is one configuration, at 0.1 scale);
# - **none** has no position signal, so it cannot easily tell which character came just before; at L = 64 it is
#   behind alibi in every seed. It rises too, by less than sinusoidal and rope. A likely reason, not measured
#   here: a causal model without positions can infer position from how many tokens it sees (a query at position
#   i averages over i + 1 keys, so its attention output depends on i), and past L_train it meets counts it never
#   saw. Notebook 04's β = 0 is the same kind of model;
# - **learned** cannot even be evaluated past its table.
#
# At L = 64, where no method meets anything new, sinusoidal and learned are both behind none in every seed: adding position vectors made these small models worse after 200 steps. This notebook does not
# measure why.
#
# ## 4. Sliding-window evaluation (the paper's Appendix B)
#
# In back-to-back windows the first characters of each window see almost no context, and a longer window has
# fewer such "early" characters. Does ALiBi at long L use far-away characters, or does it only have fewer early ones?
# The control: slide the window by s = 32 and score only its last 32 characters, so every scored character sees at
# least L − 32 earlier ones, all from its own block of text. The same three models per length, the same 8 192
# characters.

# %%
stride = config.seq_len // 2
sliding = lm.length_runs(sweep, ["alibi"], corpus.val, LENGTHS, n_tokens=EVAL_TOKENS, stride=stride)["alibi"]
back_to_back = runs["alibi"]
loss_vs_length({"alibi, back-to-back windows": {L: v.mean().item() for L, v in back_to_back.items()},
                f"alibi, sliding windows (stride {stride})": {L: v.mean().item() for L, v in sliding.items()}},
               spreads={"alibi, back-to-back windows": spreads["alibi"],
                        f"alibi, sliding windows (stride {stride})": {L: v.std().item() for L, v in sliding.items()}},
               train_len=config.seq_len, title=f"ALiBi (3 seeds) on the same {EVAL_TOKENS} characters");
for L in LENGTHS:
    print(f"L = {L:5}: back-to-back {back_to_back[L].mean():.3f}   sliding {sliding[L].mean():.3f}")
early = lm.paired(back_to_back[64], sliding[64], names=("back-to-back at 64", "sliding at 64"))
far = lm.paired(sliding[longest], sliding[64], names=(f"sliding at {longest}", "sliding at 64"))
print(" ", early)
print(" ", change["alibi"])
print(" ", far)
if not lm.quick_mode():
    assert early.direction == 1 and far.direction != -1
    assert 0.5 < -change["alibi"].mean / early.mean < 2, (change["alibi"], early)

# %% [markdown]
# Read the three lines. At L = 64 the sliding windows beat the back-to-back ones in every seed: that gap is the cost
# of the early, context-starved characters. Back-to-back at 1024 gains about as much, since a longer window has
# fewer early characters. And with sliding windows, where every scored character has at least L − 32 characters of
# its own text before it, going from 64 to 1024 does not lower the loss. At L = 64 those scored characters see
# 32–63 earlier ones, so what this shows is: characters further back than that do not help this model. (The
# control was run for alibi only.) The paper found the same for ALiBi (Appendix B): its gain at long lengths comes mostly from
# fewer early characters.
#
# ## 5. How far back can a head see?
#
# Give two keys equal content scores. The key Δ steps further back gets the weight of the nearest one times
# $e^{-m\Delta}$. It stays at least 1% of the nearest key's weight while $e^{-m\Delta} \ge 0.01$.

# %% [markdown]
# **Exercise 05.2** — Write `reach(m)`: the largest whole number of steps Δ for which $e^{-m\Delta} \ge 0.01$.
#
# <sub>Stuck? Each wrong try gives a more specific hint, and the third offers the solution: `%load solutions/05_2.py` in a new cell loads it; run it and it checks itself.</sub>

# %%
def reach(m):
    return ...

answer = ...   # the function itself: answer = reach
check("05.2", answer)

# %% [markdown]
# Now check against a trained ALiBi model (seed 0; the reach is computed from the formula, since `reach` above may
# still be a placeholder). Measured: for each head of layer 1, the median over queries of weight(Δ back) / weight(nearest key),
# on 256 validation characters. Dashed: the bias alone, $e^{-m\Delta}$; dotted: the computed reach (heads 3 and 4
# reach past the plotted range). Compare each measured curve with its dashed line: the printed ratios put numbers on
# how close they are.

# %%
slopes = geometric_slopes(4)
computed = [math.floor(math.log(100) / m) for m in slopes.tolist()]
print("slopes:", [f"{m:g}" for m in slopes.tolist()], " computed reach:", computed)

alibi = sweep.models["alibi"][0]
maps = alibi.attention_maps(corpus.val[:1, 1000:1256])[:, 0]  # (layers, H, 256, 256)
ratios = weight_by_distance(maps[0], max_distance=128)
weight_by_distance_plot(ratios, slopes);
for h, r in enumerate(computed):
    if r <= 128:
        print(f"head {h + 1}: measured weight ratio at Δ = {r}: {ratios[h, r]:.4f} (bias alone: {math.exp(-slopes[h] * r):.4f})")
flat = slopes[-1].item()
print(f"flattest head (head 4, m = 1/{1 / flat:g}): bias alone at the edge of the training window, Δ = 64: "
      f"e^(−64·m) = {math.exp(-64 * flat):.2f}; measured ratio at Δ = 64: {ratios[3, 64]:.3f}")

# %% [markdown]
# How much weight lands beyond the training window? For each layer and head of the three trained ALiBi models:
# the share of each query's attention on keys 64 or more steps back (distances never seen in training), averaged over
# the queries i ≥ 64 (the only ones that have such keys) of windows of L = 1 024 (the last 1 024 characters of 4
# validation blocks), then over the seeds. Next to it: the share the bias alone would give, with equal content
# scores for every key.

# %%
far_mass = lm.mass_beyond(sweep.models["alibi"], corpus.val, config.seq_len, length=longest)  # (seeds, layers, H)
mass = far_mass.mean(0)
print(f"weight on keys ≥ {config.seq_len} back, at L = {longest} (mean of {len(SEEDS)} seeds):")
for layer in range(mass.shape[0]):
    print(f"  layer {layer + 1}: " + "  ".join(f"head {h + 1} (m = 1/{1 / m:g}): {mass[layer, h]:.3f}"
                                             for h, m in enumerate(slopes.tolist())))
if not lm.quick_mode():
    head = mass.mean(0)
    assert head[0] < 0.001 and head[1] < 0.05 and head[2] > 0.2 and head[3] > 0.5, mass
distance = torch.arange(longest, dtype=torch.float64)        # Δ = 0 … 1023
bias_only = []
for m in slopes.tolist():
    w = torch.exp(-m * distance)
    share = [w[config.seq_len:i + 1].sum() / w[:i + 1].sum() for i in range(config.seq_len, longest)]
    bias_only.append(torch.stack(share).mean().item())
print("  bias alone:", "  ".join(f"head {h + 1}: {b:.3f}" for h, b in enumerate(bias_only)))
if not lm.quick_mode():
    assert (mass - torch.tensor(bias_only)).abs().max() < 0.01, (mass, bias_only)

# %% [markdown]
# In both layers every head's measured share matches the bias alone to within 0.01 (asserted above): at distances
# past the training window the content scores, on average, shift almost none of the weight: the share there is
# set by the slopes.
#
# ## 6. Multiple choice
#
# **Exercise 05.3** — Which property lets an ALiBi model process sequences longer than any it was trained on?
#
# - **A.** It learns a larger table of position embeddings, with spare rows reserved for positions past L_train.
# - **B.** Any relative position scheme extrapolates: scores that depend only on i − j, as with RoPE, never meet anything new.
# - **C.** Every head's penalty makes keys further back than L_train negligible, so each query still sees its usual window.
# - **D.** A penalty on distance that grows with it: the steep heads ignore far keys, and the measured loss does not rise.
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
# - **A.** Learned absolute position embeddings, trained at the longest length the team can afford to train on.
# - **B.** An ALiBi-style fixed linear bias on the attention scores: no position parameters, and it runs past L_train.
# - **C.** Sinusoidal position embeddings: they have no parameters, so they carry over to any length unchanged.
# - **D.** No positional information at all: zero parameters, and nothing position-specific that could break.
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
# - **A.** True: the rule's slopes are chosen for the training length, which is exactly why it works well there.
# - **B.** True, but only for sequence lengths that are powers of two, because the slopes are powers of two.
# - **C.** False: the same rule holds at every length, so it is fitted to none, and it can run past L_train.
# - **D.** False: a fixed rule cannot be tuned at all, which makes it worse than a learned table at every length.
#
# <sub>Stuck? Each wrong try gives a more specific hint, and the third offers the solution: `%load solutions/05_5.py` in a new cell loads it; run it and it checks itself.</sub>

# %%
quiz("05.5")

# %%
answer = ...   # or answer in code: the letter you chose, as a string
check("05.5", answer)

# %% [markdown]
# ## 7. What if L_train were shorter?
#
# **Exercise 05.6** — *Predict, then run.* Section 2 trained at L_train = 64, and ALiBi's loss did not rise up to
# 1024. Now train the same ALiBi model (4 heads, slopes 1/4 to 1/256) on windows of **16** characters, and evaluate
# it at 16 and at 256 (16 × L_train). Will its loss at 256 be higher or lower than at 16? Write your prediction, then
# run the cell: it trains three models (one per seed, the settings of section 2 but L_train = 16; a few seconds),
# prints what they measured, and checks your prediction against it. With the placeholder still in place the cell
# trains nothing.
#
# <sub>Stuck? Each wrong try gives a more specific hint, and the third offers the solution: `%load solutions/05_6.py` in a new cell loads it; run it and it checks itself.</sub>

# %%
prediction = ...   # "higher" or "lower": ALiBi's loss at 256 against its loss at L_train = 16

answer = ...
if prediction is not ...:
    short_config = lm.TrainConfig(steps=config.steps, batch_size=config.batch_size, seq_len=16)
    short_run = lm.seed_sweep(corpus, {"alibi": dict(method="alibi")}, seeds=SEEDS, config=short_config,
                              n_tokens=EVAL_TOKENS, **MODEL)
    short_at = lm.length_runs(short_run, ["alibi"], corpus.val, [16, 256], n_tokens=EVAL_TOKENS)["alibi"]
    print(f"ALiBi trained at L_train = 16 ({len(SEEDS)} seeds, {short_run.seconds:.0f} s); bigram baseline "
          f"{bigram:.3f}")
    for L in (16, 256):
        print(f"  at L = {L:>3}: " + "  ".join(f"{v:.3f}" for v in short_at[L].tolist()))
    print(" ", lm.paired(short_at[256], short_at[16], names=("at 256", "at 16")))
    answer = {"prediction": prediction, "at 16": short_at[16].tolist(), "at 256": short_at[256].tolist()}
check("05.6", answer)

# %%
from alibi_edu.exercises import progress

progress()   # every exercise of the course: not tried, tried or passed

# %% [markdown]
# ## Summary
#
# - ALiBi's penalty depends only on distance and **grows** with it. Past L_train the model does meet distances it
#   never saw. The steep heads give them next to no weight; the two flattest heads put a large share of their
#   attention there (section 5 measured it). Yet the loss does not rise: back-to-back it is even a little lower at
#   L = 1024, because fewer characters are context-starved, and with sliding windows the characters beyond the
#   32–63 a scored character sees at L = 64 do not lower it. The far weight is what the bias alone gives with equal
#   content scores. This notebook shows that the far weight does no harm here, not why.
# - Sinusoidal and rotary positions past L_train are positions or angles never seen in training: their loss rises.
#   A learned table cannot run at all. A model with no positions (`none`) rises too, by less (perhaps because a
#   causal model can infer position from how many tokens it sees).
# - Every comparison above is seed by seed over three seeds on the same validation characters: "unlikely to be
#   noise with 3 seeds" when all seeds agree and the mean difference exceeds twice its standard error.
# - A head with slope m reaches about ln(100)/m ≈ 4.6/m tokens back before its weight drops under 1%.
# - Does the curve stay flat at a shorter training length? Exercise 05.6 trains at L_train = 16: your run
#   answers it.
#
# Your progress so far: `from alibi_edu.exercises import progress; progress()`.
#
# **What next.** Notebook 06: ALiBi in production code — the forms BLOOM, MPT and FlashAttention use, and bugs that shipped.

# %%
print(f"notebook wall time: {time.perf_counter() - notebook_start:.0f} s"
      + ("  (quick mode)" if lm.quick_mode() else ""))
