"""Cost of recording an expert trajectory: `train_expert` vs the same `train_classifier` run without recording.

Same model (ConvNet-3, width 128, 32×32, P ≈ 320k), same data, same seed and the experts' training settings (SGD,
lr_teacher, DSA augmentation). The variants run alternately, `--repeats` times each, in this one process:

- plain: `train_classifier` alone (baseline);
- recorded: `train_expert` — τ[0] and τ[t] after every epoch written atomically (parameters + optimizer state), the
  final (E+1)×P tensor, its fingerprint and sidecar — with a no-op evaluator, so only the recording is measured;
- recorded + eval: `train_expert` with the default per-epoch train/test accuracy (`eval_every=1`), for information.
"""
import argparse, statistics, sys, tempfile, time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import record, Timer, peak_rss_mb, machine

import torch
from galaxy_distill.buffers import ExpertConfig, teacher_config, train_expert
from galaxy_distill.models import ModelSpec
from galaxy_distill.test_utils import tiny_dataset
from galaxy_distill.train import train_classifier


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--epochs', type=int, default=4)
    ap.add_argument('--per_class', type=int, default=40, help='train images per class (10 classes)')
    ap.add_argument('--width', type=int, default=128)
    ap.add_argument('--size', type=int, default=32)
    ap.add_argument('--repeats', type=int, default=3)
    ap.add_argument('--device', default='cpu')
    a = ap.parse_args()
    ds = tiny_dataset(n_classes=10, per_class=a.per_class, test_per_class=a.per_class // 5, size=a.size)
    spec = ModelSpec('convnet', channels=3, num_classes=10, image_size=a.size, kwargs={'depth': 3, 'width': a.width})
    cfg = ExpertConfig(num_experts=1, expert_epochs=a.epochs, batch_size=128)
    x, y = ds.tensors('train', a.device)
    times = {'plain': [], 'recorded': [], 'recorded_eval': []}

    def plain():
        model = spec.build(cfg.expert_seed(0))
        train_classifier(model, x, y, teacher_config(cfg), device=a.device, seed=cfg.expert_seed(0), show_progress=False)
        return model

    def recorded(evaluate):
        with tempfile.TemporaryDirectory() as d:
            kwargs = {} if evaluate else {'evaluator': lambda model, x, y: 0.0}
            train_expert(0, d, ds, spec, cfg, a.device, **kwargs)

    plain()   # warm-up (allocator, kernels)
    for _ in range(a.repeats):
        for name, fn in (('plain', plain), ('recorded', lambda: recorded(False)), ('recorded_eval', lambda: recorded(True))):
            with Timer() as t: fn()
            times[name].append(t.seconds)
    med = {k: statistics.median(v) for k, v in times.items()}
    overhead = med['recorded'] / med['plain'] - 1
    overhead_min = min(times['recorded']) / min(times['plain']) - 1
    eval_cost = med['recorded_eval'] / med['plain'] - 1
    P = sum(p.numel() for p in spec.build(0).parameters())
    data = {'epochs': a.epochs, 'n_train': len(ds.train), 'n_params': P, 'times': times, 'median': med,
            'recording_overhead': overhead, 'recording_overhead_best_of': overhead_min,
            'recording_plus_eval_overhead': eval_cost, 'target': 0.05, 'met': overhead <= 0.05, 'peak_rss_mb': peak_rss_mb()}
    md = f"""ConvNet-3 (width {a.width}, {a.size}², P = {P:,}), {len(ds.train)} train images, {a.epochs} epochs, batch 128, DSA on;
median of {a.repeats} alternating runs (seconds per whole expert).

| variant | median (s) | runs (s) |
|---|---:|---|
| plain `train_classifier` (baseline) | {med['plain']:.2f} | {', '.join(f'{v:.2f}' for v in times['plain'])} |
| `train_expert`, recording only | {med['recorded']:.2f} | {', '.join(f'{v:.2f}' for v in times['recorded'])} |
| `train_expert`, recording + per-epoch train/test accuracy | {med['recorded_eval']:.2f} | {', '.join(f'{v:.2f}' for v in times['recorded_eval'])} |

Recording overhead: **{overhead:+.1%}** (median; best-of: {overhead_min:+.1%}) — target ≤ 5 %: {'met' if overhead <= 0.05 else 'NOT met'}.
Per-epoch evaluation of both splits (default `eval_every=1`) adds {eval_cost - overhead:+.1%} on top; `--eval_every` lowers it.
The machine's 2 cores are shared, so single runs vary by several percent.
"""
    record('buffer_overhead', 'Trajectory buffer: recording overhead', md, data)


if __name__ == '__main__':
    main()
