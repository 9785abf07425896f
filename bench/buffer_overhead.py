"""Cost of recording an expert trajectory: `train_expert` vs the same `train_classifier` run without recording.

Same model (ConvNet-3, width 128, 32×32, P ≈ 320k), same data, same seed and the experts' training settings (SGD,
lr_teacher, DSA augmentation). Two measurements, because the 2 shared cores make single wall-clock runs vary by tens
of percent:

1. A/B, alternating `--repeats` times: plain `train_classifier` vs `train_expert` with a no-op evaluator (recording
   only), compared on process CPU time (insensitive to other processes) and on wall time (medians).
2. Instrumented: inside `train_expert` runs (default evaluator, `eval_every=1`), the wall time spent in the recording
   calls themselves (`flat_params`, the per-epoch atomic checkpoint, the final tensor + fingerprint + sidecar) and in
   the per-epoch evaluation, relative to the rest (training) of the same run.
"""
import statistics, sys, tempfile, time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import parser, record, Timer, peak_rss_mb

import galaxy_distill.buffers as buffers
from galaxy_distill.buffers import ExpertConfig, ExpertFiles, teacher_config, train_expert
from galaxy_distill.models import ModelSpec
from galaxy_distill.test_utils import tiny_dataset
from galaxy_distill.train import evaluate_classifier, train_classifier

SPENT = {'record': 0., 'eval': 0.}

def timed(fn, bucket):
    "`fn` with its wall time added to SPENT[bucket]."
    def run(*args, **kwargs):
        t0 = time.perf_counter()
        try: return fn(*args, **kwargs)
        finally: SPENT[bucket] += time.perf_counter() - t0
    return run

buffers.flat_params = timed(buffers.flat_params, 'record')
ExpertFiles.record = timed(ExpertFiles.record, 'record')
ExpertFiles.finish = timed(ExpertFiles.finish, 'record')


def main():
    ap = parser(__doc__, epochs=3, per_class=(30, 'train images per class (10 classes)'), width=128, size=32, repeats=3, device='cpu')
    ap.add_argument('--instrumented', type=int, default=1)
    a = ap.parse_args()
    ds = tiny_dataset(n_classes=10, per_class=a.per_class, test_per_class=a.per_class // 5, size=a.size)
    spec = ModelSpec('convnet', channels=3, num_classes=10, image_size=a.size, kwargs={'depth': 3, 'width': a.width})
    cfg = ExpertConfig(num_experts=1, expert_epochs=a.epochs, batch_size=128)
    x, y = ds.tensors('train', a.device)
    cpu, wall, parts = {'plain': [], 'recorded': []}, {'plain': [], 'recorded': []}, []

    def plain():
        model = spec.build(cfg.expert_seed(0))
        train_classifier(model, x, y, teacher_config(cfg), device=a.device, seed=cfg.expert_seed(0), show_progress=False)

    def recorded(evaluator):
        with tempfile.TemporaryDirectory() as d: train_expert(0, d, ds, spec, cfg, a.device, evaluator=evaluator)

    noop = lambda model, x, y: 0.0
    evaluate = timed(lambda model, x, y: evaluate_classifier(model, x, y, num_classes=10, device=a.device), 'eval')
    plain()   # warm-up (allocator, kernels)
    for _ in range(a.repeats):
        for name, fn in (('plain', plain), ('recorded', lambda: recorded(noop))):
            c0 = time.process_time()
            with Timer() as t: fn()
            cpu[name].append(time.process_time() - c0); wall[name].append(t.seconds)
    for _ in range(a.instrumented):
        SPENT.update(record=0., eval=0.)
        with Timer() as t: recorded(evaluate)
        parts.append({'total': t.seconds, **SPENT, 'train': t.seconds - SPENT['record'] - SPENT['eval']})
    med = lambda v: statistics.median(v)
    ab_cpu = med(cpu['recorded']) / med(cpu['plain']) - 1
    ab_wall = med(wall['recorded']) / med(wall['plain']) - 1
    inst = sum(p['record'] for p in parts) / sum(p['train'] for p in parts)
    inst_eval = sum(p['eval'] for p in parts) / sum(p['train'] for p in parts)
    P = sum(p.numel() for p in spec.build(0).parameters())
    met = inst <= 0.05 and ab_cpu <= 0.05
    data = {'epochs': a.epochs, 'n_train': len(ds.train), 'n_params': P, 'cpu_seconds': cpu, 'wall_seconds': wall,
            'instrumented': parts, 'ab_cpu_overhead': ab_cpu, 'ab_wall_overhead': ab_wall,
            'instrumented_recording_overhead': inst, 'instrumented_eval_overhead': inst_eval,
            'target': 0.05, 'met': met, 'peak_rss_mb': peak_rss_mb()}
    fmt = lambda v: ', '.join(f'{x:.1f}' for x in v)
    md = f"""ConvNet-3 (width {a.width}, {a.size}², P = {P:,}), {len(ds.train)} train images (10 classes), {a.epochs} epochs, batch 128,
DSA on. A/B: {a.repeats} alternating runs each (whole expert); instrumented: {a.instrumented} run(s) with per-epoch evaluation.

| variant | CPU s (median) | CPU s (runs) | wall s (median) | wall s (runs) |
|---|---:|---|---:|---|
| plain `train_classifier` (baseline) | {med(cpu['plain']):.1f} | {fmt(cpu['plain'])} | {med(wall['plain']):.1f} | {fmt(wall['plain'])} |
| `train_expert`, recording only | {med(cpu['recorded']):.1f} | {fmt(cpu['recorded'])} | {med(wall['recorded']):.1f} | {fmt(wall['recorded'])} |

- A/B recording overhead: **{ab_cpu:+.1%} CPU time**, {ab_wall:+.1%} wall time (wall is at the mercy of the other processes on
  the 2 shared cores).
- Instrumented, same runs: recording calls took **{inst:.2%}** of the training time
  ({sum(p['record'] for p in parts):.2f} s of {sum(p['train'] for p in parts):.1f} s: `flat_params`, {a.epochs + 1} atomic
  per-epoch checkpoints with fsync, the final {a.epochs + 1}×P tensor, its fingerprint and sidecar).
- Target ≤ 5 %: **{'met' if met else 'NOT met'}**. Per-epoch evaluation of both splits (default `eval_every=1`) costs
  {inst_eval:.1%} of training here — it is not recording; `--eval_every N` (or 0) reduces it.
"""
    record('buffer_overhead', 'Trajectory buffer: recording overhead', md, data)


if __name__ == '__main__':
    main()
