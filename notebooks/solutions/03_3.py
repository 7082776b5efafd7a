answer = "C"   # 03.3 — no per-head search, local and global heads, robust
