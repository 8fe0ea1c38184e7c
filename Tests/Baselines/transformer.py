#!/usr/bin/env python3
"""NumPy baseline of dyson's character-level transformer (SPEC 2.5, Sources/LanguageModel).

The same model and the same hand-written forward/backward as Transformer.swift, in float64:
token + position embeddings, pre-LN blocks with fused QKV causal multi-head attention and a
GELU (tanh) MLP, final layer norm, untied (or tied) head, mean cross-entropy; AdamW with
warm-up + cosine schedule and decoupled weight decay on matrices. Written the way a careful
NumPy user would: every product is one batched matmul (heads batched with einsum-free
reshapes), no Python loop over tokens, heads or sequences.

Data: an order-2 Markov chain over V characters (fixed random transition table), so the loss
has something to learn; the timing is of the training loop only.

Prints one JSON line: config, tokens, seconds, tokens_per_second, initial/final loss.
"""
import argparse, json, time
import numpy as np


def gelu(x):
    return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))


def gelu_grad(x):
    k = np.sqrt(2 / np.pi)
    th = np.tanh(k * (x + 0.044715 * x ** 3))
    return 0.5 * (1 + th) + 0.5 * x * (1 - th * th) * k * (1 + 3 * 0.044715 * x * x)


def ln_fwd(x, g, b):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    rstd = 1 / np.sqrt(var + 1e-5)
    xh = (x - mu) * rstd
    return xh * g + b, xh, rstd


def ln_bwd(dy, g, xh, rstd):
    d = dy * g
    dx = rstd * (d - d.mean(-1, keepdims=True) - xh * (d * xh).mean(-1, keepdims=True))
    return dx, (dy * xh).sum(0), dy.sum(0)


def init(V, T, C, L, H, tied, std, rng):
    hw = 4 * C
    p = {"wte": rng.normal(0, std, (V, C)), "wpe": rng.normal(0, std, (T, C))}
    for l in range(L):
        p[f"{l}.g1"] = np.ones(C); p[f"{l}.b1"] = np.zeros(C)
        p[f"{l}.wqkv"] = rng.normal(0, std, (3 * C, C)); p[f"{l}.bqkv"] = np.zeros(3 * C)
        p[f"{l}.wo"] = rng.normal(0, std, (C, C)); p[f"{l}.bo"] = np.zeros(C)
        p[f"{l}.g2"] = np.ones(C); p[f"{l}.b2"] = np.zeros(C)
        p[f"{l}.wi"] = rng.normal(0, std, (hw, C)); p[f"{l}.bi"] = np.zeros(hw)
        p[f"{l}.wout"] = rng.normal(0, std, (C, hw)); p[f"{l}.bout"] = np.zeros(C)
    p["gf"] = np.ones(C); p["bf"] = np.zeros(C)
    if not tied:
        p["head"] = rng.normal(0, std, (V, C))
    return p


def loss_and_grad(p, x_tok, y_tok, L, H, tied):
    B, T = x_tok.shape
    C = p["wte"].shape[1]; d = C // H; N = B * T
    mask = np.triu(np.ones((T, T), bool), 1)
    x = (p["wte"][x_tok] + p["wpe"][None, :T]).reshape(N, C)
    cache = []
    for l in range(L):
        a, xh1, r1 = ln_fwd(x, p[f"{l}.g1"], p[f"{l}.b1"])
        qkv = a @ p[f"{l}.wqkv"].T + p[f"{l}.bqkv"]
        q, k, v = (qkv[:, i * C:(i + 1) * C].reshape(B, T, H, d).transpose(0, 2, 1, 3) for i in range(3))
        s = (q @ k.transpose(0, 1, 3, 2)) / np.sqrt(d)
        s[..., mask] = -np.inf
        s -= s.max(-1, keepdims=True)
        P = np.exp(s); P /= P.sum(-1, keepdims=True)
        y = (P @ v).transpose(0, 2, 1, 3).reshape(N, C)
        x = x + y @ p[f"{l}.wo"].T + p[f"{l}.bo"]
        c, xh2, r2 = ln_fwd(x, p[f"{l}.g2"], p[f"{l}.b2"])
        f = c @ p[f"{l}.wi"].T + p[f"{l}.bi"]
        u = gelu(f)
        x = x + u @ p[f"{l}.wout"].T + p[f"{l}.bout"]
        cache.append((a, xh1, r1, q, k, v, P, y, c, xh2, r2, f, u))
    af, xhf, rf = ln_fwd(x, p["gf"], p["bf"])
    W = p["wte"] if tied else p["head"]
    z = af @ W.T
    z -= z.max(-1, keepdims=True)
    pr = np.exp(z); pr /= pr.sum(-1, keepdims=True)
    t = y_tok.reshape(N)
    loss = -np.log(pr[np.arange(N), t]).mean()
    g = {key: np.zeros_like(val) for key, val in p.items()}
    dz = pr; dz[np.arange(N), t] -= 1; dz /= N
    g["wte" if tied else "head"] += dz.T @ af
    dx, g["gf"], g["bf"] = ln_bwd(dz @ W, p["gf"], xhf, rf)
    for l in reversed(range(L)):
        a, xh1, r1, q, k, v, P, y, c, xh2, r2, f, u = cache[l]
        g[f"{l}.wout"] += dx.T @ u; g[f"{l}.bout"] += dx.sum(0)
        df = (dx @ p[f"{l}.wout"]) * gelu_grad(f)
        g[f"{l}.wi"] += df.T @ c; g[f"{l}.bi"] += df.sum(0)
        dc, dg, db = ln_bwd(df @ p[f"{l}.wi"], p[f"{l}.g2"], xh2, r2)
        dx = dx + dc; g[f"{l}.g2"] += dg; g[f"{l}.b2"] += db
        g[f"{l}.wo"] += dx.T @ y; g[f"{l}.bo"] += dx.sum(0)
        dy = (dx @ p[f"{l}.wo"]).reshape(B, T, H, d).transpose(0, 2, 1, 3)
        dP = dy @ v.transpose(0, 1, 3, 2)
        dv = P.transpose(0, 1, 3, 2) @ dy
        dS = P * (dP - (dP * P).sum(-1, keepdims=True)) / np.sqrt(d)
        dq = dS @ k; dk = dS.transpose(0, 1, 3, 2) @ q
        dqkv = np.concatenate([t_.transpose(0, 2, 1, 3).reshape(N, C) for t_ in (dq, dk, dv)], axis=1)
        g[f"{l}.wqkv"] += dqkv.T @ a; g[f"{l}.bqkv"] += dqkv.sum(0)
        da, dg, db = ln_bwd(dqkv @ p[f"{l}.wqkv"], p[f"{l}.g1"], xh1, r1)
        dx = dx + da; g[f"{l}.g1"] += dg; g[f"{l}.b1"] += db
    dx = dx.reshape(B, T, C)
    np.add.at(g["wte"], x_tok, dx)
    g["wpe"][:T] += dx.sum(0)
    return loss, g


def lr_at(s, lr, lr_min, warm, steps):
    if s < warm:
        return lr * (s + 1) / warm
    prog = min(1.0, (s - warm) / max(1, steps - warm))
    return lr_min + 0.5 * (lr - lr_min) * (1 + np.cos(np.pi * prog))


def check_gradient(rng, tied):
    """Central differences (h = 1e-5) against the analytic gradient, 5 entries of every tensor of a
    2-layer, 2-head, C = 8, T = 5 model with O(0.4) weights; prints the worst relative error."""
    V, T, C, L, H = 7, 5, 8, 2, 2
    p = init(V, T, C, L, H, tied, 0.4, rng)
    x = rng.integers(0, V, (3, T)); y = rng.integers(0, V, (3, T))
    _, g = loss_and_grad(p, x, y, L, H, tied)
    worst = 0.0
    for k, val in p.items():
        for idx in map(tuple, rng.integers(0, val.shape, (5, val.ndim))):
            old = val[idx]
            val[idx] = old + 1e-5; up, _ = loss_and_grad(p, x, y, L, H, tied)
            val[idx] = old - 1e-5; down, _ = loss_and_grad(p, x, y, L, H, tied)
            val[idx] = old
            worst = max(worst, abs((up - down) / 2e-5 - g[k][idx]) / (1e-6 + abs(g[k][idx])))
    print(json.dumps({"gradient_check_worst_relative_error": worst}))
    if worst > 1e-4:
        raise SystemExit("gradient check failed")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--layers", type=int, default=4); ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--embedding", type=int, default=128); ap.add_argument("--context", type=int, default=64)
    ap.add_argument("--batch-size", type=int, default=16); ap.add_argument("--steps", type=int, default=50)
    ap.add_argument("--vocabulary", type=int, default=40); ap.add_argument("--tied", action="store_true")
    ap.add_argument("--learning-rate", type=float, default=1e-3); ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--check", action="store_true", help="finite-difference check of the gradient on a tiny model, then exit")
    a = ap.parse_args()
    rng = np.random.default_rng(a.seed)
    if a.check:
        check_gradient(rng, a.tied)
        return
    V, T, C, L, H, B = a.vocabulary, a.context, a.embedding, a.layers, a.heads, a.batch_size
    table = rng.dirichlet(np.full(V, 0.1), size=(V, V)).cumsum(-1)
    n_text = 200_000
    text = np.zeros(n_text, np.int64)
    u = rng.random(n_text)
    for i in range(2, n_text):
        text[i] = min(V - 1, np.searchsorted(table[text[i - 2], text[i - 1]], u[i]))
    p = init(V, T, C, L, H, a.tied, 0.02, rng)
    m = {k: np.zeros_like(v) for k, v in p.items()}; v2 = {k: np.zeros_like(v) for k, v in p.items()}
    b1, b2, eps, wd = 0.9, 0.99, 1e-8, 0.1
    losses = []
    start = time.perf_counter()
    for s in range(a.steps):
        idx = rng.integers(0, n_text - T - 1, B)
        xb = np.stack([text[i:i + T] for i in idx]); yb = np.stack([text[i + 1:i + T + 1] for i in idx])
        loss, g = loss_and_grad(p, xb, yb, L, H, a.tied)
        losses.append(loss)
        rate = lr_at(s, a.learning_rate, 1e-4, min(100, a.steps // 10 + 1), a.steps)
        c1, c2 = 1 / (1 - b1 ** (s + 1)), 1 / (1 - b2 ** (s + 1))
        for k in p:
            m[k] = b1 * m[k] + (1 - b1) * g[k]; v2[k] = b2 * v2[k] + (1 - b2) * g[k] ** 2
            decay = wd if p[k].ndim == 2 else 0.0
            p[k] -= rate * ((m[k] * c1) / (np.sqrt(v2[k] * c2) + eps) + decay * p[k])
    seconds = time.perf_counter() - start
    tokens = a.steps * B * T
    print(json.dumps({"config": vars(a), "tokens": tokens, "seconds": seconds, "tokens_per_second": tokens / seconds,
                      "initial_loss": losses[0], "final_loss": float(np.mean(losses[-5:])), "ln_V": float(np.log(V))}))


if __name__ == "__main__":
    main()
