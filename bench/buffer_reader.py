"""Lazy `TrajectoryBuffer` vs loading every expert into memory: 1,000 random (expert, epoch) reads from 20 experts.

A buffer of `--experts` ConvNet-3 (width 128, 32×32, 10 classes: P = 320,010) trajectories of `--epochs` epochs is
written in the real on-disk layout (random parameter values: reading speed does not depend on them). Each reader then
runs in its own fresh Python process, so its peak RSS (`ru_maxrss`) is its own:

- lazy: `TrajectoryBuffer(folder)` then `buffer.params(e, t)` for each sampled pair (default 'pread' reader, and the
  'mmap' reader through safetensors' `safe_open` slices). By default each expert is verified once, on its first read
  (no NaN/Inf, sidecar fingerprint); `lazy_unverified` (`verify=False`) isolates what that check costs;
- eager (baseline): every expert file loaded into memory (a list of tensors), then indexed.

A third process only imports torch and galaxy_distill, to show the fixed cost both share. Peak RSS is the high-water
mark (VmHWM) of the reading phase: it is reset after the imports, whose transient peak would otherwise hide everything.
The files are in the page cache (just written), so this measures the readers, not the disk.
"""
import json, subprocess, sys, tempfile, time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import parser, record, peak_rss_mb

SPEC = dict(name='convnet', channels=3, num_classes=10, image_size=32, kwargs={'depth': 3, 'width': 128})


def make_buffer(folder: Path, experts: int, epochs: int):
    "Write `experts` random trajectories in the buffer layout of `galaxy_distill.buffers`."
    import torch
    from galaxy_distill.buffers import ExpertConfig, ExpertFiles, prepare_buffer, BUFFER_SCHEMA
    from galaxy_distill.models import ModelSpec, count_params
    from galaxy_distill.test_utils import tiny_dataset
    spec, ds = ModelSpec(**SPEC), tiny_dataset()
    cfg = ExpertConfig(num_experts=experts, expert_epochs=epochs)
    meta = prepare_buffer(folder, spec, ds, cfg)
    P = count_params(spec.build(0))
    g = torch.Generator().manual_seed(0)
    for k in range(experts):
        rows = list(torch.randn(epochs + 1, P, generator=g))
        ExpertFiles(folder, k).finish(rows, {'schema_version': BUFFER_SCHEMA, 'expert': k, 'seed': cfg.expert_seed(k),
                                             'model_spec': meta['model_spec'], 'dataset_fingerprint': meta['dataset_fingerprint'],
                                             'n_params': P, 'epochs': epochs, 'settings': meta['settings'],
                                             'history': [], 'final_test_acc': None})
    return P


def _status_mb(field: str) -> float:
    "A memory field of /proc/self/status (VmRSS, VmHWM) in MiB."
    for line in Path('/proc/self/status').read_text().splitlines():
        if line.startswith(field + ':'): return int(line.split()[1]) / 1024
    return float('nan')


def child(variant: str, folder: str, pairs: int, seed: int):
    "Run one reader and print its time, its peak RSS while reading, and a checksum of what it read."
    import torch
    from galaxy_distill.buffers import TrajectoryBuffer
    from galaxy_distill.core import load_tensors
    # importing torch briefly peaks far above what stays resident: reset the high-water mark (VmHWM) so the
    # peak we report is the one of the reading phase (Linux: write 5 to clear_refs)
    Path('/proc/self/clear_refs').write_text('5')
    rss0 = _status_mb('VmRSS')
    t0 = time.perf_counter()
    total = 0.
    if variant != 'imports':
        if variant.startswith('lazy'):
            buf = TrajectoryBuffer(folder, reader='mmap' if variant == 'lazy_mmap' else 'pread', verify=variant != 'lazy_unverified')
            n, E = buf.n_experts, buf.epochs
            read = buf.params
        else:
            files = sorted(Path(folder).glob('expert_*.safetensors'))
            trajs = [load_tensors(f)['trajectory'].clone() for f in files]   # clone: own memory, not a view of a map
            n, E = len(trajs), trajs[0].shape[0] - 1
            read = lambda e, t: trajs[e][t]
        g = torch.Generator().manual_seed(seed)
        es, ts = torch.randint(n, (pairs,), generator=g).tolist(), torch.randint(E + 1, (pairs,), generator=g).tolist()
        for e, t in zip(es, ts): total += float(read(e, t)[::997].sum())
    seconds = time.perf_counter() - t0
    print(json.dumps({'variant': variant, 'seconds': seconds, 'peak_rss_mb': _status_mb('VmHWM'), 'rss_after_imports_mb': rss0,
                      'process_peak_rss_mb': peak_rss_mb(), 'checksum': total}))


def run_child(variant, folder, pairs, seed):
    out = subprocess.run([sys.executable, __file__, '--child', variant, '--folder', str(folder), '--pairs', str(pairs),
                          '--seed', str(seed)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    ap = parser(__doc__, epochs=30, repeats=(2, 'runs of each reader (the best time and the largest RSS are kept)'), seed=0)
    ap.add_argument('--experts', type=int, default=20)
    ap.add_argument('--pairs', type=int, default=1000)
    ap.add_argument('--child'); ap.add_argument('--folder')
    a = ap.parse_args()
    if a.child: return child(a.child, a.folder, a.pairs, a.seed)
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d)/'buffer'
        t0 = time.perf_counter(); P = make_buffer(folder, a.experts, a.epochs); write_s = time.perf_counter() - t0
        size_mb = sum(f.stat().st_size for f in folder.glob('*.safetensors')) / 2**20
        runs = {v: [] for v in ('imports', 'lazy', 'lazy_unverified', 'lazy_mmap', 'eager')}
        for _ in range(a.repeats):
            for v in runs: runs[v].append(run_child(v, folder, a.pairs, a.seed))
    best = {v: {'seconds': min(r['seconds'] for r in rs), 'peak_rss_mb': max(r['peak_rss_mb'] for r in rs),
                'checksum': rs[0]['checksum']} for v, rs in runs.items()}
    assert len({best[v]['checksum'] for v in ('lazy', 'lazy_unverified', 'lazy_mmap', 'eager')}) == 1, "readers disagree"
    base = best['imports']['peak_rss_mb']
    lazy, raw, mmap, eager = best['lazy'], best['lazy_unverified'], best['lazy_mmap'], best['eager']
    verify_s = lazy['seconds'] - raw['seconds']
    data = {'experts': a.experts, 'epochs': a.epochs, 'n_params': P, 'pairs': a.pairs, 'buffer_mb': size_mb,
            'write_seconds': write_s, 'runs': runs, 'best': best,
            'time_ratio_eager_over_lazy': eager['seconds'] / lazy['seconds'],
            'rss_ratio_eager_over_lazy': eager['peak_rss_mb'] / lazy['peak_rss_mb'],
            'rss_above_imports_ratio': (eager['peak_rss_mb'] - base) / max(lazy['peak_rss_mb'] - base, 1e-9),
            'verify_seconds_total': verify_s, 'verify_seconds_per_expert': verify_s / a.experts,
            'verify_mb_per_second': size_mb / max(verify_s, 1e-9)}
    md = f"""Buffer: {a.experts} experts × {a.epochs + 1} recorded epochs × P = {P:,} (ConvNet-3, width 128, 32²), {size_mb:,.0f} MiB
on disk (page-cached). {a.pairs:,} random (expert, epoch) reads, each reader in a fresh process (best of {a.repeats});
peak RSS = high-water mark of the reading phase (reset after imports).

| reader | time (s) | peak RSS (MiB) | RSS above imports (MiB) |
|---|---:|---:|---:|
| imports only | – | {base:,.0f} | 0 |
| lazy `TrajectoryBuffer.params` (pread, default: each expert verified on first read) | {lazy['seconds']:.2f} | {lazy['peak_rss_mb']:,.0f} | {lazy['peak_rss_mb'] - base:,.0f} |
| lazy, `verify=False` | {raw['seconds']:.2f} | {raw['peak_rss_mb']:,.0f} | {raw['peak_rss_mb'] - base:,.0f} |
| lazy, `reader='mmap'` (safe_open slices) | {mmap['seconds']:.2f} | {mmap['peak_rss_mb']:,.0f} | {mmap['peak_rss_mb'] - base:,.0f} |
| eager: load every expert | {eager['seconds']:.2f} | {eager['peak_rss_mb']:,.0f} | {eager['peak_rss_mb'] - base:,.0f} |

Ratios eager / lazy: time {data['time_ratio_eager_over_lazy']:.1f}×, peak RSS {data['rss_ratio_eager_over_lazy']:.1f}×
(above the shared import cost: {data['rss_above_imports_ratio']:.0f}×). Every reader returned the same values (checksum).

Verifying each expert once (NaN/Inf and its sidecar fingerprint, on first read) costs {verify_s:.2f} s for all {a.experts}
experts ({1000 * verify_s / a.experts:.0f} ms per expert, {size_mb / max(verify_s, 1e-9):,.0f} MiB/s), paid once per process: a
distillation reads two rows per iteration, so over a 1,000-iteration run it adds {1000 * verify_s / 1000:.1f} ms per iteration on
average, and nothing once every expert has been seen.
"""
    record('buffer_reader', 'Trajectory buffer: lazy reader vs loading everything', md, data)


if __name__ == '__main__':
    main()
