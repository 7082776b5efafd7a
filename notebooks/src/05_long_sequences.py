# %% [markdown]
# # 05 — Train short, test long
#
# **Goals.** After this notebook you can
# - say what three usual position encodings (sinusoidal, learned, rotary), and none at all, meet past the training
#   length;
# - train them and ALiBi at L_train = 64, measure their loss up to 1 024 characters and compare seed by seed, like
#   Figure 1 of the ALiBi paper (Press, Smith & Lewis, ICLR 2022);
# - check it with sliding-window evaluation (the paper's Appendix B) and compute how far back a head sees;
# - generate past L_train with a KV cache, and tell what a sample shows from what a measurement shows.
#
# **Prerequisites.** Notebooks 03 (geometric slopes) and 04 (the tiny model, paired seeds). One to two minutes
# on a laptop CPU. **Stuck?** Each wrong try gives a more specific hint; the third offers the solution
# (`%load solutions/05_N.py`).

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

import torch

from alibi_edu import geometric_slopes, lm
from alibi_edu.exercises import check, quiz
from alibi_edu.lm.model import sinusoidal_positions
from alibi_edu.plots import loss_vs_length, training_curves, weight_by_distance, weight_by_distance_plot
from alibi_edu.plots.generation import loss_by_position_plot, side_by_side

notebook_start = time.perf_counter()

# %% [markdown]
# ## Settings
#
# Five kinds of model × three seeds = 15 small models (width 32, 2 layers, 4 heads, batch 16, 200 steps at
# L_train = 64), trained side by side, each scored on the same 8 192 validation characters at every length (as in
# notebook 04). `LONGER_RUN = True` trains 5× the steps; the text describes the default run, and a longer run prints
# where it differs.

# %%
LONGER_RUN = False   # ← True: a longer, better run

SEEDS = [0, 1, 2]
config = lm.TrainConfig(steps=1000 if LONGER_RUN else 200, batch_size=16, seq_len=64)
MODEL = dict(d_model=32, n_heads=4, n_layers=2)
LENGTHS = [64, 128, 256, 512, 1024]
EVAL_TOKENS = 8192
EXERCISE_RUN = dict(seeds=SEEDS, n_tokens=EVAL_TOKENS,   # 05.6's run, at L_train = 16: this size in every mode
                    config=lm.TrainConfig(steps=config.steps, batch_size=config.batch_size, seq_len=16))
if lm.quick_mode():
    SEEDS, LENGTHS, EVAL_TOKENS = [0, 1], [64, 128], 256
    config = lm.TrainConfig(steps=4, batch_size=4, seq_len=64)
    print("QUICK MODE (ALIBI_EDU_QUICK=1): tiny runs that only check the page works; the numbers mean nothing.")
print(config, "| seeds", SEEDS)

# %% [markdown]
# ## 1. What a penalty on distance does past L_train
#
# Five ways for the same small transformer to know where a token is:
# - **sinusoidal** (the original transformer's): a fixed vector of sines and cosines of the position, at geometric
#   frequencies, added to each token's embedding;
# - **learned positions** (`learned`): a trained table, one vector per position 0 … L_train − 1, added the same way;
# - **rope** (rotary positions, RoPE): queries and keys rotated by angles proportional to their positions, so q·k
#   depends on their distance;
# - **alibi**: no position vectors; the penalty −m·(i − j) on every score (4 heads, slopes 1/4, 1/16, 1/64, 1/256);
# - **none** (NoPE): nothing but the causal mask.
#
# *Predict before reading on.*
#
# **Exercise 05.3** — Which property lets an ALiBi model process sequences longer than any it was trained on?
#
# - **A.** It learns a larger table of position embeddings, with spare rows reserved for positions past L_train.
# - **B.** Any relative position scheme extrapolates: scores that depend only on i − j, as with RoPE, never meet anything new.
# - **C.** Every head's penalty makes keys further back than L_train negligible, so each query still sees its usual window.
# - **D.** A penalty on distance that grows with it: a key further back, at a distance never trained on, weighs less.

# %%
quiz("05.3")

# %%
answer = ...   # or answer in code: the letter you chose, as a string
check("05.3", answer)

# %% [markdown]
# **Exercise 05.5** — “A fixed rule-based bias is best because it can be finely tuned to one fixed input length.”
# True or false?
#
# - **A.** True: the rule's slopes are chosen for the training length, which is exactly why it works well there.
# - **B.** True, but only for sequence lengths that are powers of two, because the slopes are powers of two.
# - **C.** False: the bias rule has no length in it, so it is tuned to none, and it can run past L_train.
# - **D.** False: a fixed rule cannot be tuned at all, which makes it worse than a learned table at every length.

# %%
quiz("05.5")

# %%
answer = ...   # or answer in code: the letter you chose, as a string
check("05.5", answer)

# %% [markdown]
# ALiBi's penalty depends only on the **distance** i − j, never on i: a query at position 5 000 gets the same
# penalties for its last keys as a query at position 5. That alone does not make long inputs safe: past L_train a
# query meets distances it never saw (more than 63 back) and more keys than ever. But the penalty **grows** with
# distance: a key Δ steps back carries a factor e^(−mΔ), so the further back an unseen key is, the less it can
# count: about 10⁻⁷ at Δ = 64 for the steepest head (m = 1/4), still 0.78 for the flattest (m = 1/256). A learned
# table has no row at all for position L_train.

# %% tags=["nbval-check-output"]
m = 0.25
for i in (5, 5000):
    last_four = [m * -delta for delta in range(4)]   # Δ = 0..3 back
    print(f"query at i = {i}: last four keys get {last_four}")
print(f"e^(−64/4) = {math.exp(-64 / 4):.1g}, e^(−64/256) = {math.exp(-64 / 256):.2f}")

corpus = lm.load_corpus()
learned = lm.TinyLM(lm.ModelConfig(corpus.vocab_size, "learned", max_len=64))
try:
    learned(corpus.val[:1, :65])
except ValueError as err:
    print("learned table, 65 characters:", err)

# %% [markdown]
# **Exercise 05.1** — *Predict before you train.* Past L_train = 64, which loss curves will **rise**? Answer with a
# set of names from `{"alibi", "sinusoidal", "rope", "none"}`.

# %%
answer = ...   # a set of names, e.g. {"name", "other name"}
check("05.1", answer)

# %% [markdown]
# ## 2. Train every method at L_train = 64
#
# Same data, seeds, sizes and steps; only the positional method differs. Seed r gives every method the same batches
# and the same initial weights wherever the shapes agree (the learned table is drawn last, from its own stream), so
# differences are compared seed by seed with notebook 04's rule.
#
# Sinusoidal vectors are added at 0.1 times their usual size (`SINUSOIDAL_SCALE`), since token embeddings start far
# smaller than a sine vector (printed below). The scale is a choice for this small model, not tuned: read that curve
# as one configuration.

# %%
methods = ["alibi", "sinusoidal", "rope", "learned", "none"]
token_size = lm.TinyLM(lm.ModelConfig(corpus.vocab_size, "sinusoidal", **MODEL)).token_embedding.weight
print(f"typical size at the start: token embedding {token_size.std():.3f}, sine vector "
      f"{sinusoidal_positions(64, MODEL['d_model']).std():.2f}, × {lm.model.SINUSOIDAL_SCALE} = "
      f"{lm.model.SINUSOIDAL_SCALE * sinusoidal_positions(64, MODEL['d_model']).std():.3f}")
n_models = len(methods) * len(SEEDS)
print(f"{n_models} models ({len(methods)} methods × {len(SEEDS)} seeds, {config.steps} steps each): "
      f"about {lm.estimate_seconds(n_models, config, corpus, **MODEL):.0f} s here and now")
sweep = lm.seed_sweep(corpus, {name: dict(method=name) for name in methods}, seeds=SEEDS, config=config,
                      n_tokens=EVAL_TOKENS, **MODEL)
print(f"trained in {sweep.seconds:.0f} s")
training_curves({name: sweep.losses[:, sweep.labels.index(name)] for name in methods},
                start=math.log(corpus.vocab_size), title="training loss, 3 seeds per method (faint: each seed)")

# %% [markdown]
# ## 3. Loss against evaluation length (the shape of the paper's Figure 1)
#
# Every length reads the **same** validation characters in back-to-back windows of L. Bands are the spread (SD) over
# seeds; in paired lines, ± is the standard error of the mean difference. The grey line is the bigram baseline. The
# learned table can only be drawn at L = 64.

# %%
runs = lm.length_runs(sweep, methods, corpus.val, LENGTHS, n_tokens=EVAL_TOKENS)
means = {name: {L: v.mean().item() for L, v in curve.items()} for name, curve in runs.items()}
spreads = {name: {L: v.std().item() for L, v in curve.items()} for name, curve in runs.items()}
bigram = lm.baseline_losses(corpus, config.seq_len, n_tokens=EVAL_TOKENS)["bigram (counted on train)"]
loss_vs_length(means, spreads=spreads, train_len=config.seq_len, title="trained at L = 64, evaluated at L",
               baselines={"bigram (counted on train)": bigram})

# %%
longest = LENGTHS[-1]
print(f"each seed's loss at L = 64 and L = {longest} (bigram baseline {bigram:.3f}):")
for name in methods:
    print(f"{name:>11}: " + "   ".join(f"L = {L}: " + " ".join(f"{v:.3f}" for v in runs[name][L].tolist())
                                       for L in (64, longest) if L in runs[name]))
print(f"\nchange 64 → {longest}, the same models at two lengths, seed by seed:")
change = {name: lm.paired(runs[name][longest], runs[name][64], names=(f"{name} at {longest}", "at 64"))
          for name in methods if longest in runs[name]}
for c in change.values():
    print(" ", c)
rise_vs_none = {name: lm.paired(change[name].diffs, change["none"].diffs, names=(f"{name}'s rise", "none's"))
                for name in ("sinusoidal", "rope") if name in change}
at_64 = {pair: lm.paired(runs[pair[0]][64], runs[pair[1]][64], names=pair) for pair in
         [("none", "alibi"), ("rope", "alibi"), ("sinusoidal", "none"), ("learned", "none")]}
print("\nthe rise against none's, and methods at L = 64, seed by seed:")
for c in [*rise_vs_none.values(), *at_64.values()]:
    print(" ", c)

# %%
# guards the verdicts below (a longer run prints where it differs)
if not lm.quick_mode():
    lm.sweep.confirm({
        "alibi does not rise up to 1024": change["alibi"].direction != 1,
        "sinusoidal, rope and none rise in every seed": all(change[n].direction == 1
                                                            for n in ("sinusoidal", "rope", "none")),
        "sinusoidal and rope rise more than none in every seed": all(c.direction == 1 for c in rise_vs_none.values()),
        "none is above alibi at 64 in every seed": at_64["none", "alibi"].direction == 1,
        "sinusoidal and learned are above none at 64 in every seed":
            at_64["sinusoidal", "none"].direction == 1 and at_64["learned", "none"].direction == 1,
        "sinusoidal, learned and none are above the bigram at 64 in every seed":
            all(runs[n][64].min() > bigram for n in ("sinusoidal", "learned", "none")),
        "rope is above the bigram at 64 in one seed of three": int((runs["rope"][64] > bigram).sum()) == 1,
        "alibi is about 0.03 below the bigram at 64": abs(bigram - means["alibi"][64] - 0.03) < 0.01,
    }, strict=not LONGER_RUN)

# %% [markdown]
# What the verdicts say, seed by seed:
# - **alibi** does not rise up to 16 × L_train.
# - **sinusoidal** and **rope** rise in every seed, by more than none. A likely reason: past 64 they meet positions
#   or rotation angles the model never saw. None rises too, so unseen position inputs are not the whole story.
# - **none** is behind alibi at L = 64 and rises a little. A likely reason, not measured here: a causal model can
#   infer position from how many keys a query averages over, and past L_train these counts are new.
#
# At L = 64, where nothing is new, sinusoidal and learned are behind none in every seed. But all are weak:
# sinusoidal, learned and none are above the bigram baseline in every seed, rope in one, alibi only 0.03 below, so
# comparing them says little about the methods.
#
# Alibi's bands at 64 and 1 024 overlap, yet it is lower at 1 024 in every seed: pairing removes each seed's level.
#
# ## 4. Sliding-window evaluation (the paper's Appendix B)
#
# In back-to-back windows the first characters see almost no context, and a longer window has fewer of them. Does
# ALiBi at long L use far characters, or does it only have fewer early ones? The control: slide the window by 32 and
# score only its last 32 characters, so each scored character sees at least L − 32 earlier ones.

# %%
stride = config.seq_len // 2
sliding = lm.length_runs(sweep, ["alibi"], corpus.val, LENGTHS, n_tokens=EVAL_TOKENS, stride=stride)["alibi"]
back_to_back = runs["alibi"]
for L in LENGTHS:
    print(f"L = {L:5}: back-to-back {back_to_back[L].mean():.3f}   sliding {sliding[L].mean():.3f}")
early = lm.paired(back_to_back[64], sliding[64], names=("back-to-back at 64", "sliding at 64"))
far = lm.paired(sliding[longest], sliding[64], names=(f"sliding at {longest}", "sliding at 64"))
for c in (early, change["alibi"], far):
    print(" ", c)
if not lm.quick_mode():   # guards the next paragraph
    lm.sweep.confirm({"sliding beats back-to-back at 64 in every seed": early.direction == 1,
                      "sliding windows do not gain from 64 to 1024": far.direction != -1,
                      "back-to-back gains about the early-character gap": 0.5 < -change["alibi"].mean / early.mean < 2},
                     strict=not LONGER_RUN)
loss_vs_length({"alibi, back-to-back windows": {L: v.mean().item() for L, v in back_to_back.items()},
                f"alibi, sliding windows (stride {stride})": {L: v.mean().item() for L, v in sliding.items()}},
               train_len=config.seq_len, title=f"ALiBi (3 seeds) on the same {EVAL_TOKENS} characters")

# %% [markdown]
# At L = 64 sliding windows beat back-to-back ones in every seed: that gap is the cost of the context-starved
# characters. Back-to-back at 1 024 gains about as much, having fewer of them. With sliding windows, 64 → 1 024 does
# not lower the loss: characters further back than the 32–63 seen at L = 64 do not help this model (run for alibi
# only). The paper found the same (Appendix B).
#
# ## 5. How far back can a head see?
#
# Give two keys equal content scores: the one Δ steps further back gets the nearer one's weight times e^(−mΔ).
#
# **Exercise 05.2** — Write `reach(m)`: the largest whole number of steps Δ for which e^(−mΔ) ≥ 0.01.

# %%
def reach(m):
    return ...

answer = ...   # the function itself: answer = reach
check("05.2", answer)

# %% [markdown]
# Now a trained ALiBi model (seed 0), layer 1: for each head, the median over queries of weight(Δ back) /
# weight(nearest key) on 256 validation characters. Dashed: the bias alone, e^(−mΔ); dotted: where it falls under 1%.

# %%
slopes = geometric_slopes(4)
alibi = sweep.models["alibi"][0]
maps = alibi.attention_maps(corpus.val[:1, 1000:1256])[:, 0]  # (layers, H, 256, 256)
ratios = weight_by_distance(maps[0], max_distance=128)
for h, m in enumerate(slopes.tolist()):
    print(f"head {h + 1} (m = 1/{1 / m:g}): " + "  ".join(f"Δ = {d}: measured {ratios[h, d]:.3g}, bias alone "
                                                          f"{math.exp(-m * d):.3g}" for d in (8, 64)))
weight_by_distance_plot(ratios, slopes)

# %% [markdown]
# Weight beyond the training window, per head of the three ALiBi models: the share of each query's attention on keys
# 64 or more steps back, in windows of L = 1 024 (averaged over the queries that have such keys, then seeds), beside
# the share the bias alone gives with equal content scores.

# %%
far_mass = lm.mass_beyond(sweep.models["alibi"], corpus.val, config.seq_len, length=longest)  # (seeds, layers, H)
mass = far_mass.mean(0)
print(f"weight on keys ≥ {config.seq_len} back, at L = {longest} (mean of {len(SEEDS)} seeds):")
for layer in range(mass.shape[0]):
    print(f"  layer {layer + 1}: " + "  ".join(f"head {h + 1} (m = 1/{1 / m:g}): {mass[layer, h]:.3f}"
                                             for h, m in enumerate(slopes.tolist())))
distance = torch.arange(longest, dtype=torch.float64)        # Δ = 0 … 1023
bias_only = []
for m in slopes.tolist():
    w = torch.exp(-m * distance)
    share = [w[config.seq_len:i + 1].sum() / w[:i + 1].sum() for i in range(config.seq_len, longest)]
    bias_only.append(torch.stack(share).mean().item())
print("  bias alone:", "  ".join(f"head {h + 1}: {b:.3f}" for h, b in enumerate(bias_only)))
if not lm.quick_mode():   # guards the next sentence: the measured share is the bias alone's
    lm.sweep.confirm({"every head's far share is within 0.01 of the bias alone's":
                      (mass - torch.tensor(bias_only)).abs().max() < 0.01}, strict=not LONGER_RUN)

# %% [markdown]
# Each head's average share beyond 64 back matches the bias alone's to within 0.01; the flattest puts 69 % there.
# The penalty does not keep flat heads near: it only guarantees that a key further back weighs less than a nearer one
# of equal content. Yet the loss did not rise, for reasons this notebook does not show.
#
# ## 6. Generate past L_train, with a KV cache
#
# To write text, a model predicts one character, appends it, and predicts again. A **KV cache** keeps every layer's
# keys and values of the characters read so far, so each step computes only the newest character's query, key and
# value. With n characters cached, that query sits at position n − 1 and attends to keys j = 0 … n − 1.
#
# **Exercise 05.7** — Write `newest_row(n, m)`: the bias the newest query adds to its scores over the n cached keys,
# for one head with slope m (the paper's form), as n numbers. What does it need to know, and what not?

# %%
def newest_row(n, m):
    return ...

answer = ...   # the function itself: answer = newest_row
check("05.7", answer)

# %% [markdown]
# Now the models of section 2 (seed 0 of each) write 8 × L_train characters from the same held-out prompt; ‖ marks
# the first character past L_train. The alibi and sinusoidal samples share a sampling seed, hence the same random
# draws: where the models predict alike they pick the same character, so the samples share stretches. The learned
# model stops at L_train, with the error its table raises.

# %%
prompt = corpus.decode(corpus.val[1, 1000:1032])   # 32 held-out characters
n_new = 8 * config.seq_len - len(prompt)
samples = {name: lm.generate(sweep.models[name][0], prompt, n_new, corpus=corpus, temperature=0.8, seed=0)
           for name in ("alibi", "sinusoidal")}
cut = config.seq_len - len(prompt)                    # characters until L_train
print("prompt:", repr(prompt), "\n")
print(side_by_side({name: text[:cut] + "‖" + text[cut:] for name, text in samples.items()}))
try:
    lm.generate(sweep.models["learned"][0], prompt, n_new, corpus=corpus, temperature=0.8, seed=0)
except ValueError as err:
    print("\nlearned:", err)

# %% [markdown]
# A sample is one draw; reading quality off it is guesswork. The measurement: the loss at each position of
# 512-character windows of held-out text, for the three seeds' models:

# %%
window = 8 * config.seq_len
by_position = {name: torch.stack([lm.loss_by_position(model, corpus.val, window, n_tokens=EVAL_TOKENS)
                                  for model in sweep.models[name]]) for name in ("alibi", "sinusoidal", "none")}
fall = {name: v[:, config.seq_len:].mean(1) - v[:, config.seq_len // 2:config.seq_len].mean(1)
        for name, v in by_position.items()}   # per seed: positions 64+ minus 32–63
falls_less = lm.paired(fall["sinusoidal"], fall["alibi"], names=("sinusoidal's change past 64", "alibi's"))
print(" ", falls_less)
if not lm.quick_mode():   # guards the next sentence
    lm.sweep.confirm({"sinusoidal's loss falls less past L_train than alibi's, in every seed":
                      all(s > a for s, a in zip(fall["sinusoidal"].tolist(), fall["alibi"].tolist()))},
                     strict=not LONGER_RUN)
loss_by_position_plot(by_position, train_len=config.seq_len, title="loss at each position of 512-character windows")

# %% [markdown]
# From positions 32–63 to 64+, sinusoidal's loss falls less than alibi's in every seed. Only the comparison means
# something: within one model the ranges differ in text as well as position, but both models read the same text.
# Generating needs nothing ALiBi does not already have: the bias of the newest query is a row you just wrote.
#
# ## 7. Choosing a method
#
# **Exercise 05.4** — A team wants long-sequence extrapolation and as few positional parameters as possible. Which
# strategy fits?
#
# - **A.** Learned absolute position embeddings, trained at the longest length the team can afford to train on.
# - **B.** An ALiBi-style fixed linear bias on the attention scores: no position parameters, and it runs past L_train.
# - **C.** Sinusoidal position embeddings: they have no parameters, so they carry over to any length unchanged.
# - **D.** No positional information at all: zero parameters, and nothing position-specific that could break.

# %%
quiz("05.4")

# %%
answer = ...   # or answer in code: the letter you chose, as a string
check("05.4", answer)

# %% [markdown]
# ## 8. What if L_train were shorter?
#
# **Exercise 05.6** — *Predict, then run.* Train the same ALiBi model on windows of **16** characters and evaluate
# it at 16 and at 256 (16 × L_train). Will its loss at 256 be higher or lower than at 16? Write your prediction, then
# run the cell: it trains three models (section 2's settings, L_train = 16; a few seconds) and checks your
# prediction against them. Two things change at once: the window, and with it the characters trained on (4× fewer),
# so the run can show a change, not which of the two causes it.

# %%
prediction = ...   # "higher" or "lower": ALiBi's loss at 256 against its loss at L_train = 16

answer = ...
if prediction is not ...:
    short_run = lm.seed_sweep(corpus, {"alibi": dict(method="alibi")}, **EXERCISE_RUN, **MODEL)
    short_at = lm.length_runs(short_run, ["alibi"], corpus.val, [16, 256],
                              n_tokens=EXERCISE_RUN["n_tokens"])["alibi"]
    print(f"ALiBi trained at L_train = 16 ({len(short_run.seeds)} seeds, {short_run.seconds:.0f} s); bigram "
          f"baseline {bigram:.3f}")
    for L in (16, 256):
        print(f"  at L = {L:>3}: " + "  ".join(f"{v:.3f}" for v in short_at[L].tolist()))
    print(" ", lm.paired(short_at[256], short_at[16], names=("at 256", "at 16")))
    answer = {"prediction": prediction, "at 16": short_at[16].tolist(), "at 256": short_at[256].tolist()}
check("05.6", answer)

# %%
from alibi_edu.exercises import progress

progress()   # your exercises so far

# %% [markdown]
# ## Summary
#
# - ALiBi's penalty depends only on distance and grows with it. Trained at 64, its loss did not rise up to 1 024,
#   though its flattest heads put a large share of weight past L_train; the far characters did not lower it either.
# - In this run sinusoidal and rotary positions rose past L_train, where they meet unseen inputs; a learned table
#   cannot run; no positions rose too, by less.
# - A head with slope m reaches about ln(100)/m ≈ 4.6/m tokens back before its weight drops under 1%.
# - With a KV cache the newest query's bias is one row, from n and m alone: no table needed.
#
# ## Try this
#
# 1. Generate with another `seed`, then with `temperature=0` (always the likeliest character): what changes past ‖?
# 2. Set `lm.model.SINUSOIDAL_SCALE = 1.0`, then rerun sections 2 and 3: does sinusoidal still rise?
# 3. Replace the geometric slopes by one shared slope (`dict(method="alibi", beta=...)`, notebook 04): which heads'
#    far share changes, and does the loss at 1 024?
#
# Where you are: `progress()`. **What next.** Notebook 06: ALiBi in production code (BLOOM, MPT, FlashAttention)
# and bugs that shipped.

# %%
print(f"notebook wall time: {time.perf_counter() - notebook_start:.0f} s"
      + ("  (quick mode)" if lm.quick_mode() else ""))
