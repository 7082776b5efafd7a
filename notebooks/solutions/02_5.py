answer = "B"   # 02.5 — a per-row constant cancels; m*(j - i) is ALiBi only when j > i is masked
