"""The attention benchmark runs at tiny sizes, its variants compute the same attention, and main() ends with the
alibi_ms=… plain_ms=… ratio=… line. No timing assertions: the machine may be shared."""
import re

import pytest
import torch

from alibi_edu import alibi_attention
from alibi_edu.bench import attention as bench

LINE = re.compile(r"^alibi_ms=(\d+\.\d+) plain_ms=(\d+\.\d+) ratio=(\d+\.\d+)$")


def test_every_alibi_variant_computes_alibi_attention():
    q, k, v = bench.qkv(3, 40, 8, batch=2)
    outputs = {name: call() for name, call in bench.variants(q, k, v).items()}
    want = alibi_attention(q, k, v)
    for name, out in outputs.items():
        assert torch.allclose(out, want, atol=1e-5) == (name != "plain"), name


def test_cost_table_and_bias_memory_at_tiny_sizes():
    rows = bench.cost_table(lengths=(16, 100), num_heads=2, head_dim=8, repeats=1)
    assert [row["L"] for row in rows] == [16, 100]
    assert all(row[f"{name}_ms"] > 0 for row in rows for name in bench.variants(*bench.qkv(1, 2, 2)))
    dense = 2 * 100 * 100 * 4
    assert rows[1]["sdpa_mask_bytes"] == dense and rows[1]["plain_bytes"] == 0
    assert dense / 2 < rows[1]["alibi_attention_bytes"] < dense  # the blocks keep about the causal half
    assert "alibi_attention" in bench.format_table(rows)


def test_full_bias_memory_is_computed():
    assert bench.full_bias_bytes(8, 8192) == 8 * 8192 ** 2 * 4 == 2 * 2 ** 30


def test_main_prints_the_ratio_line_last(monkeypatch, capsys):
    monkeypatch.setattr(bench, "LENGTHS", (16, 32))
    monkeypatch.setattr(bench, "HEADS", 2)
    monkeypatch.setattr(bench, "HEAD_DIM", 8)
    monkeypatch.setattr(bench, "RATIO_LENGTH", 64)
    monkeypatch.delenv("ALIBI_BENCH_FLEX", raising=False)
    threads = torch.get_num_threads()
    bench.main()
    lines = capsys.readouterr().out.strip().splitlines()
    alibi_ms, plain_ms, ratio = map(float, LINE.match(lines[-1]).groups())
    rounding = ratio * (0.005 / alibi_ms + 0.005 / plain_ms) + 0.0005  # the ms are printed to 2 decimals
    assert abs(ratio - alibi_ms / plain_ms) <= rounding + 1e-9
    assert any("L=32768" in line and "GiB" in line for line in lines)
    assert torch.get_num_threads() == threads  # the 1-thread line restores the thread count


# --- widgets -------------------------------------------------------------------------------------------------------

WIDGETS_LINE = re.compile(r"^update_ms=(\d+\.\d+) baseline_ms=(\d+\.\d+) speedup=(\d+\.\d+)$")


@pytest.mark.slow            # times every control of every explorer: seconds, and a tool, not a unit
def test_widget_bench_times_every_control_of_every_explorer(monkeypatch, capsys):
    from alibi_edu.bench import widgets as wbench
    monkeypatch.setattr(wbench, "LENGTH", 16)
    wbench.main(repeats=2, baseline_repeats=1)
    lines = capsys.readouterr().out.strip().splitlines()
    for name, maker in wbench.MAKERS.items():
        assert set(wbench.CHANGES[name]) == set(maker().controls), f"{name}: a control is not benchmarked"
        for control in wbench.CHANGES[name]:
            row = [line for line in lines if line.split()[:2] == [name, control]]
            assert len(row) == 1, f"no row for {name} {control}"
            n, median, p95 = row[0].split()[2:]
            assert int(n) == 2 and 0 < float(median) <= float(p95)
    update, baseline, speedup = map(float, WIDGETS_LINE.match(lines[-1]).groups())
    worst = max(float(line.split()[3]) for line in lines if line.split()[0] in wbench.MAKERS)
    assert abs(update - worst) <= 0.05 + 1e-9, "update_ms is the worst control's median"
    assert abs(speedup - baseline / update) <= speedup * (0.05 / update + 0.05 / baseline) + 0.05


def test_widget_bench_changes_are_real_changes():
    from alibi_edu.bench import widgets as wbench
    times = wbench.time_control("slopes_explorer", "heads", repeats=3)
    assert len(times) == 3 and all(t > 0 for t in times)


# --- generation with and without the KV cache ------------------------------------------------------------------------

GENERATE_LINE = re.compile(r"^cached_ms=(\d+\.\d+) uncached_ms=(\d+\.\d+) speedup=(\d+\.\d+)$")


def test_generate_bench_prints_every_method_and_the_speedup_line_last(monkeypatch, capsys):
    from alibi_edu.bench import generate as gbench
    monkeypatch.setitem(gbench.SIZES, "d_model", 16)
    gbench.main(n_new=8, repeats=1)
    lines = capsys.readouterr().out.strip().splitlines()
    assert "8 characters" in lines[0]
    assert [line.split()[0] for line in lines[2:-1]] == list(gbench.METHODS)
    cached, uncached, speedup = map(float, GENERATE_LINE.match(lines[-1]).groups())
    assert cached > 0 and uncached > 0
    assert abs(speedup - uncached / cached) <= speedup * (0.05 / cached + 0.05 / uncached) + 0.005


def test_generate_bench_times_the_same_generation_both_ways():
    from alibi_edu import lm
    from alibi_edu.bench import generate as gbench
    net = gbench.model("rope")
    prompt = torch.randint(gbench.SIZES["vocab_size"], (1, 16), generator=torch.Generator().manual_seed(0))
    assert torch.equal(lm.generate(net, prompt, 12, cache=True), lm.generate(net, prompt, 12, cache=False))
