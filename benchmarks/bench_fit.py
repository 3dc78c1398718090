"""Time ``dl_workshop.training.fit`` against a naive training loop.

The naive loop is what a first notebook draft looks like: params in a dict,
un-jitted ``jax.value_and_grad`` called once per step from Python, and a
dict comprehension for the gradient-descent update. ``fit`` runs the same
algorithm (same data, initial params, optimizer and number of steps) as one
jit-compiled ``lax.scan``; its time INCLUDES tracing and compilation, because
a reader pays for that on every fresh kernel. Both loops run in full (no
extrapolation), and their final losses are compared to show that they did the
same work.

Usage:
  python benchmarks/bench_fit.py            # print the table
  python benchmarks/bench_fit.py --write    # also write benchmarks/results.md
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

os.environ.setdefault("JAX_PLATFORMS", "cpu")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402

from dl_workshop import data, losses, models, optimizers, training  # noqa: E402

TARGET = 50.0  # required speed-up of fit over the naive loop


# ---- the naive reference: plain functions, a dict of params, a Python loop ---------------

def naive_linear(p, x):
    return x @ p["w"] + p["b"]


def naive_mlp(p, x):
    return (jax.nn.relu(x @ p["w1"] + p["b1"]) @ p["w2"] + p["b2"])[:, 0]


def naive_mse(pred, y):
    return jnp.mean((pred - y) ** 2)


def naive_bce(logits, y):
    return jnp.mean(jax.nn.softplus(logits) - y * logits)


def naive_fit(apply, loss, params, x, y, learning_rate, steps):
    """Un-jitted value_and_grad in a Python loop over a dict of params."""
    value_and_grad = jax.value_and_grad(lambda p: loss(apply(p, x), y))
    history = []
    for _ in range(steps):
        value, grads = value_and_grad(params)
        params = {k: params[k] - learning_rate * grads[k] for k in params}
        history.append(value)
    return params, jnp.stack(history)


# ---- the problems ------------------------------------------------------------------------

def problems():
    """(name, steps, lr, library apply, library loss, params, naive apply, naive loss,
    naive params, x, y) for each benchmark problem."""
    key = jax.random.key(0)
    lin = data.make_linear_data(key, n=100, w=2.0, b=-1.0)
    train, _ = data.train_test_split(key, data.load_breast_cancer())
    x_bc = data.standardize(train.x, data.fit_standardizer(train.x))
    lin_params = models.linear_init(jax.random.key(1), 1)
    log_params = models.logistic_init(jax.random.key(2), 30)
    mlp_params = models.mlp_init(jax.random.key(3), [30, 16, 1])
    mlp_flat = {"w1": mlp_params[0]["w"], "b1": mlp_params[0]["b"],
                "w2": mlp_params[1]["w"], "b2": mlp_params[1]["b"]}

    def mlp_apply(p, x):
        return models.mlp_apply(p, x)[:, 0]

    return [
        ("linear regression, 100 points", 3000, 0.01, models.linear_apply,
         losses.mean_squared_error, lin_params, naive_linear, naive_mse, lin_params,
         lin.x, lin.y),
        ("logistic regression, breast cancer (426 x 30)", 5000, 0.1, models.logistic_apply,
         losses.binary_cross_entropy, log_params, naive_linear, naive_bce, log_params,
         x_bc, train.y),
        ("MLP 30-16-1, breast cancer (426 x 30)", 3000, 0.1, mlp_apply,
         losses.binary_cross_entropy, mlp_params, naive_mlp, naive_bce, mlp_flat,
         x_bc, train.y),
    ]


def timed(fn):
    """(wall seconds, CPU seconds of this process, result) of ``fn()``."""
    wall, cpu = time.perf_counter(), time.process_time()
    out = jax.block_until_ready(fn())
    return time.perf_counter() - wall, time.process_time() - cpu, out


def run() -> list[dict]:
    # Start the backend and the jit machinery (not fit's program) before timing anything.
    jax.jit(lambda v: v + 1)(jnp.zeros(1)).block_until_ready()
    rows = []
    for (name, steps, lr, apply, loss, params, n_apply, n_loss, n_params, x, y) in problems():
        # fit first, so that any warm-up shared with the naive loop favours the naive loop.
        fit_s, fit_cpu, result = timed(lambda: training.fit(
            apply, loss, optimizers.gradient_descent(lr), params, x, y, steps=steps))
        naive_s, naive_cpu, (_, naive_losses) = timed(
            lambda: naive_fit(n_apply, n_loss, n_params, x, y, lr, steps))
        gap = float(jnp.max(jnp.abs(result.losses - naive_losses)))
        rows.append({"problem": name, "steps": steps, "naive": naive_s, "fit": fit_s,
                     "ratio": naive_s / fit_s, "cpu_ratio": naive_cpu / fit_cpu,
                     "loss_gap": gap})
        print(f"  timed: {name}", file=sys.stderr)
    return rows


def table(rows: list[dict]) -> str:
    lines = ["| problem | steps | naive loop (s) | fit, incl. compile (s) | speed-up | "
             "speed-up in CPU time | max loss difference |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        flag = "" if r["ratio"] >= TARGET else f" (below {TARGET:.0f}x)"
        lines.append(f"| {r['problem']} | {r['steps']} | {r['naive']:.2f} | {r['fit']:.3f} | "
                     f"{r['ratio']:.0f}x{flag} | {r['cpu_ratio']:.0f}x | "
                     f"{r['loss_gap']:.1e} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true",
                        help="also write the table to benchmarks/results.md")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    rows = run()
    machine = (f"JAX {jax.__version__} on {jax.default_backend().upper()}, Python "
               f"{platform.python_version()}, {platform.machine()}, {os.cpu_count()} logical "
               f"CPUs, load average {load_before:.1f} before and {os.getloadavg()[0]:.1f} "
               f"after the run")
    text = (f"{table(rows)}\n\nBoth loops run every step (no extrapolation) with plain "
            f"gradient descent from the same initial params; speed-up = naive time / fit "
            f"time (wall clock; the CPU-time column is less sensitive to other processes). "
            f"The fit time includes tracing and compilation. Target: at least "
            f"{TARGET:.0f}x. {machine}.\n")
    print(text)
    if args.write:
        out = Path(__file__).with_name("results.md")
        out.write_text("# Benchmark: `fit` against a naive training loop\n\n"
                       "Produced by `python benchmarks/bench_fit.py --write` "
                       "(`make bench` prints it)."
                       "\n\n" + text, encoding="utf-8")
        print(f"wrote {out}")
    if min(r["ratio"] for r in rows) < TARGET:
        print(f"warning: at least one problem is below the {TARGET:.0f}x target",
              file=sys.stderr)


if __name__ == "__main__":
    main()
