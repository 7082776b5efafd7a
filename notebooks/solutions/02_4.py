answer = "B"   # 02.4 — -inf: NaN (loud); -1e9: a uniform row over hidden keys (silent)
