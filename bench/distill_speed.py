"""Per-iteration time and peak memory of one distillation iteration: MTT vs STM (probe every iteration and
every k-th) vs constant-memory matching, at N = 10, 20, 40 student steps.

ConvNet-3 (width 64, instance norm), 32×32×3 images, 9 classes, IPC 1, random-walk expert trajectories (the
values do not change the cost). Each (variant, N) runs in its own subprocess so that its peak resident memory
(ru_maxrss) is its own; we report the peak and the growth above the RSS measured just before the first step.

    python bench/distill_speed.py                    # default: N = 10,20,40, 3 timed iterations after 1 warm-up
    python bench/distill_speed.py --steps 10,20 --iters 5 --probe_k 4
"""
import argparse, json, os, resource, subprocess, sys, time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import parser, quiet_env, record, torch_threads  # noqa: E402

VARIANTS = ('mtt', 'stm', 'stm_k', 'constant_memory')


def setup(variant, steps, iters, probe_k):
    "A Distiller of `variant` on ConvNet-3 with random-walk experts."
    import torch
    from torch.nn.utils import parameters_to_vector
    from galaxy_distill.data import SynSet
    from galaxy_distill.buffers import MemoryBuffer
    from galaxy_distill.distill import Distiller
    from galaxy_distill.matching import flat_model
    from galaxy_distill.settings import make_config
    from galaxy_distill.models import create_model
    torch.manual_seed(0)
    net = create_model('convnet', channels=3, num_classes=9, image_size=32, width=64, depth=3)
    theta = parameters_to_vector(net.parameters()).detach()
    trajs = []
    for e in range(2):   # random walk from the initial parameters: 12 recorded epochs
        steps_ = torch.randn(12, theta.numel(), generator=torch.Generator().manual_seed(e)) * 1e-2
        trajs.append(torch.cat([theta[None], theta[None] + steps_.cumsum(0)]))
    method = 'mtt' if variant in ('mtt', 'constant_memory') else 'stm'
    cfg, _ = make_config(method=method, ipc=1, syn_steps=steps, expert_epochs=2, max_start_epoch=10, iterations=iters + 1,
                         probe_every=probe_k if variant == 'stm_k' else 1, constant_memory=variant == 'constant_memory',
                         eval_every=0, checkpoint_every=0, initial_cap=2)
    g = torch.Generator().manual_seed(1)
    init = SynSet(torch.randn(9, 3, 32, 32, generator=g), torch.arange(9), 0.01, [f'c{k}' for k in range(9)],
                  torch.zeros(3), torch.ones(3))
    return Distiller(cfg, MemoryBuffer(trajs), flat_model(net), init, show=False), theta.numel()


def memory_worker(variant, steps):
    "Peak RSS of a process doing one warm-up and one measured iteration of `variant`."
    dist, n_params = setup(variant, steps, 2, 1)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    dist.step(); dist.step()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {'variant': variant, 'syn_steps': steps, 'rss_before_mb': before, 'peak_rss_mb': peak,
            'step_peak_mb': peak - before, 'n_params': n_params}


def timing_worker(steps, iters, probe_k):
    "Median seconds per iteration of every variant, interleaved round-robin in one process (fair under load)."
    dists = {v: setup(v, steps, iters, probe_k)[0] for v in VARIANTS}
    times = {v: [] for v in VARIANTS}
    for v in VARIANTS: dists[v].step()   # warm-up
    for _ in range(iters):
        for v in VARIANTS:
            t0 = time.perf_counter(); dists[v].step(); times[v].append(time.perf_counter() - t0)
    return {v: {'seconds': sorted(ts)[len(ts) // 2], 'all_seconds': ts} for v, ts in times.items()}


def _sub(args, threads):
    out = subprocess.run([sys.executable, __file__, *args, '--threads', str(threads)], capture_output=True, text=True,
                         env=quiet_env())
    if out.returncode: raise SystemExit(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    p = parser(__doc__, threads=1)
    p.add_argument('--steps', default='10,20,40', help='N: student steps per iteration, comma-separated')
    p.add_argument('--iters', type=int, default=5)
    p.add_argument('--probe_k', type=int, default=4)
    p.add_argument('--worker', nargs='+', metavar='ARG', help=argparse.SUPPRESS)
    a = p.parse_args()
    torch_threads(a.threads)
    if a.worker:
        res = (memory_worker(a.worker[1], int(a.worker[2])) if a.worker[0] == 'mem'
               else timing_worker(int(a.worker[1]), a.iters, a.probe_k))
        print(json.dumps(res)); return
    steps = [int(s) for s in a.steps.split(',')]
    rows = []
    load_before = os.getloadavg()[0]
    for n in steps:
        timing = _sub(['--worker', 'time', str(n), '--iters', str(a.iters), '--probe_k', str(a.probe_k)], a.threads)
        for v in VARIANTS:
            rows.append({**_sub(['--worker', 'mem', v, str(n)], a.threads), **timing[v]})
            print(f"{v:16s} N={n:3d} {rows[-1]['seconds']:.3f} s/it  peak {rows[-1]['peak_rss_mb']:.0f} MiB "
                  f"(step +{rows[-1]['step_peak_mb']:.0f})", flush=True)
    by = {(r['variant'], r['syn_steps']): r for r in rows}
    lines = ["| N | MTT s/it | STM s/it (×MTT) | STM probe every "
             f"{a.probe_k} s/it (×MTT) | const-mem s/it (×MTT) | peak RSS MTT / const-mem MiB | step growth MTT / const-mem MiB |",
             "|---|---|---|---|---|---|---|"]
    for n in steps:
        m, s, k, c = (by[(v, n)] for v in VARIANTS)
        lines.append(f"| {n} | {m['seconds']:.3f} | {s['seconds']:.3f} ({s['seconds']/m['seconds']:.2f}×) | "
                     f"{k['seconds']:.3f} ({k['seconds']/m['seconds']:.2f}×) | {c['seconds']:.3f} ({c['seconds']/m['seconds']:.2f}×) | "
                     f"{m['peak_rss_mb']:.0f} / {c['peak_rss_mb']:.0f} | {m['step_peak_mb']:.0f} / {c['step_peak_mb']:.0f} |")
    lo, hi = min(steps), max(steps)
    stm_ratio = max(by[('stm', n)]['seconds'] / by[('mtt', n)]['seconds'] for n in steps)
    k_ratio = max(by[('stm_k', n)]['seconds'] / by[('mtt', n)]['seconds'] for n in steps)
    cm_peak = by[('constant_memory', hi)]['peak_rss_mb'] / by[('constant_memory', lo)]['peak_rss_mb']
    cm_growth = by[('constant_memory', hi)]['step_peak_mb'] / max(by[('constant_memory', lo)]['step_peak_mb'], 1e-9)
    mtt_peak = by[('mtt', hi)]['peak_rss_mb'] / by[('mtt', lo)]['peak_rss_mb']
    ok = lambda b: 'met' if b else 'NOT met'
    md = '\n'.join(lines) + f"""

ConvNet-3 width 64 ({rows[0]['n_params']} parameters), 32×32×3, 9 classes, IPC 1 (all 9 images per step), no
augmentation; median of {a.iters} iterations after one warm-up, the four variants interleaved round-robin in one process per N
(fair under a shared machine's load); memory: each (variant, N) in its own process, {a.threads} thread(s).
Load average (1 min) {load_before:.1f} before / {os.getloadavg()[0]:.1f} after the run on {os.cpu_count()} cores: absolute times
scale with the machine's load, ratios are interleaved to stay comparable. Peak = ru_maxrss of the process (includes ~the torch runtime); step growth = peak minus RSS just before the first step.

- STM (probe every iteration, forward only) costs at most {stm_ratio:.2f}× MTT per iteration (target ≤ 1.25×: {ok(stm_ratio <= 1.25)}).
- STM probing every {a.probe_k}th iteration: at most {k_ratio:.2f}× (target ≈ 1.1×: {ok(k_ratio <= 1.12)}).
- Constant-memory peak RSS at N={hi} is {cm_peak:.2f}× its N={lo} peak (target ≤ 1.2×: {ok(cm_peak <= 1.2)}); step growth
  ratio {cm_growth:.2f}×. The plain unroll's peak grows {mtt_peak:.2f}× over the same range. Constant memory keeps the N
  parameter vectors θ_k (N × P floats, {rows[0]['n_params'] * 4 / 2**20:.2f} MiB each) and one step's graph.
"""
    record('distill_speed', 'Distillation iteration: time and memory vs N (MTT, STM, constant memory)', md,
           {'rows': rows, 'stm_ratio_max': stm_ratio, 'stm_k_ratio_max': k_ratio, 'constant_memory_peak_ratio': cm_peak,
            'constant_memory_growth_ratio': cm_growth, 'mtt_peak_ratio': mtt_peak, 'probe_k': a.probe_k})


if __name__ == '__main__':
    main()
