# 01.7 — paper's placement: q.k / sqrt(d) - m * (i - j). Equal weights when the far key's q.k advantage,
# divided by sqrt(d), cancels the extra penalty m * (distance_far - distance_near).
import math

from alibi_edu.exercises import check

d, m, i, near, far = 64, 0.25, 20, 19, 11
answer = math.sqrt(d) * m * ((i - far) - (i - near))   # 8 * 0.25 * 8 = 16
check("01.7", answer)
