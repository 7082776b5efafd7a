# 03.8 — ALiBi attention from your own pieces: softmax(q·kᵀ/√d + m_k·(j - i) + Mask)·v, the queries being the
# last L_q of the L_k positions (a KV cache): take the last L_q rows of the (L_k, L_k) bias and mask
import math

import torch

from alibi_edu.exercises import check


def my_linear_bias(L, beta):                        # notebook 01, 01.2: beta·(j - i)
    i = torch.arange(L).unsqueeze(1)
    j = torch.arange(L).unsqueeze(0)
    return beta * (j - i).float()


def my_causal_mask(L):                              # notebook 02, 02.1
    future = torch.ones(L, L, dtype=torch.bool).triu(diagonal=1)
    return torch.zeros(L, L).masked_fill(future, float("-inf"))


def my_alibi_attention(q, k, v, slopes):
    L_q, L_k, d = q.shape[-2], k.shape[-2], q.shape[-1]
    bias = torch.stack([my_linear_bias(L_k, m) for m in slopes.tolist()])   # (H, L_k, L_k): m_k·(j - i)
    bias = (bias + my_causal_mask(L_k))[:, L_k - L_q:]                       # the last L_q query rows
    scores = q @ k.transpose(-2, -1) / math.sqrt(d) + bias.to(q.dtype)       # (B, H, L_q, L_k)
    return torch.softmax(scores, dim=-1) @ v                                 # (B, H, L_q, d)


answer = my_alibi_attention
check("03.8", answer)
