"""Does a five-band distilled set carry class information that three bands do not, and in which band?

The paper's question as a measurement, on the same simulated galaxies at two band sets:

1. `gd_simulate --bands ugriz` renders the set once (float32, one asinh stretch over the five bands);
   `data.select_bands` takes its g, r and i channels as the three-band set: the same galaxies, the same pixel
   values and normalisation, so the only difference between the two sets is the u and z channels.
2. For each band set: experts with the demo's `gd_buffers` line, then `bench/distill_levers.py` — STM IPC 1
   over the distillation seeds (selection on the train split) and the full-data / random-real / class-mean
   baselines, every row trained by one protocol (`gd_eval`'s: step size from the grid on the train split,
   `--eval_epochs` epochs, 'galaxy' augmentation).
3. Which band's prototype pixels carry the class signal: for every selected set and every band, that band of
   the prototypes is set to the dataset mean (0 after normalisation) and fresh networks are trained on the
   ablated prototypes at the set's own step size; the drop in test accuracy is the band's share.

    python bench/bands.py --out /tmp/bands                      # demo-sized: 100 + 50 galaxies per class, 32²
    python bench/bands.py --out /tmp/bands --report             # the BENCHMARKS.md section from what is there

Every stage is skipped when its output exists, so a stopped run resumes; the two band sets run side by side
(one process each, one thread each).
"""
import argparse, json, subprocess, sys, time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import BIN, REQUIRED, parser, quiet_env, read_rows as rows, record  # noqa: E402

import numpy as np
import torch

HERE = Path(__file__).parent
SETS = ('gri', 'ugriz')
VARIANT = 'STM IPC 1'
BASE = {'method': 'stm', 'syn_steps': 10, 'lr_teacher': 0.03, 'max_start_epoch': 10}   # the demo's distillation


def sh(cmd, log):
    "Run `cmd` (a list), appending its output to `log`; stop with its tail on failure."
    with open(log, 'a') as f:
        f.write(f"$ {' '.join(map(str, cmd))}\n"); f.flush()
        r = subprocess.run(list(map(str, cmd)), stdout=f, stderr=subprocess.STDOUT,
                           env=quiet_env(OMP_NUM_THREADS='1'))
    if r.returncode: sys.exit(f"failed (exit {r.returncode}): {' '.join(map(str, cmd))}; see {log}")


def prepare(a, out):
    "The ugriz rendering and its gri part."
    from galaxy_distill.data import load_dataset, save_dataset, select_bands
    if not (out/'ugriz'/'summary.json').exists():
        t0 = time.perf_counter()
        sh([BIN/'gd_simulate', '--out', out/'ugriz', '--n_per_class', a.n_per_class, '--test_per_class', a.test_per_class,
            '--size', a.size, '--seed', a.seed, '--bands', 'ugriz'], out/'log.txt')
        (out/'ugriz_render_seconds.txt').write_text(f'{time.perf_counter() - t0:.1f}\n')
    if not (out/'gri'/'summary.json').exists():
        five, manifest = load_dataset(out/'ugriz', with_manifest=True)
        save_dataset(select_bands(five, 'gri'), out/'gri', manifest)


def one_set(a, out, bands):
    "Experts, distillation over the seeds and the baselines of one band set (run as its own process)."
    data, buf, lev = out/bands, out/f'{bands}_experts', out/f'{bands}_levers'
    log = out/f'{bands}_log.txt'
    if not (buf/'summary.json').exists():   # the demo's gd_buffers line
        sh([BIN/'gd_buffers', '--data', data, '--out', buf, '--experts', a.experts, '--epochs', 15, '--depth', 3, '--width', 32,
            '--lr_teacher', 0.03, '--batch_size', 32, '--augment', 'galaxy', '--eval_every', 0, '--seed', a.seed], log)
    sh([sys.executable, HERE/'distill_levers.py', '--data', data, '--buffers', buf, '--out', lev, '--base', json.dumps(BASE),
        '--variants', json.dumps({VARIANT: {'ipc': 1}}), '--seeds', a.seeds, '--iterations', a.iterations,
        '--eval_every', a.eval_every, '--eval_epochs', a.eval_epochs, '--num_eval', a.num_eval,
        '--baselines', '--ipcs', '1', '--full_epochs', a.full_epochs], log)


def ablate(a, out, bands):
    "Per-band ablation of every selected set of `bands`: rows appended to OUT/ablation.jsonl (skips those done)."
    from galaxy_distill.buffers import TrajectoryBuffer
    from galaxy_distill.data import SynSet, load_dataset
    from galaxy_distill.distill import student_for
    from galaxy_distill.evaluate import evaluate_synset, without_band
    path = out/'ablation.jsonl'
    done = {(r['bands'], r['seed'], r['removed']) for r in rows(path)}
    ds = load_dataset(out/bands)
    spec = student_for(TrajectoryBuffer(out/f'{bands}_experts'), 'cpu')[1]
    runs = {r['seed']: r for r in rows(out/f'{bands}_levers'/'results.jsonl') if r['variant'] == VARIANT}
    for seed, run in sorted(runs.items()):
        syn = SynSet.load(out/f'{bands}_levers'/f'{VARIANT}_s{seed}'/'synset.safetensors')
        for k, band in enumerate(ds.info['channel_bands']):
            if (bands, seed, band) in done: continue
            r = evaluate_synset(without_band(syn, k), ds, spec, split='test', num_eval=a.num_eval, epochs=a.eval_epochs, lr=run['eval_lr'],
                                device='cpu', seed=0, show_progress=False)
            row = {'bands': bands, 'seed': seed, 'removed': band, 'test_acc_mean': r.acc_mean, 'test_accs': r.accs,
                   'intact_acc_mean': run['test_acc_mean'], 'lr': run['eval_lr']}
            with open(path, 'a') as f: f.write(json.dumps(row) + '\n')
            print(f"{bands} seed {seed} without {band}: {100*r.acc_mean:.1f} % (intact {100*run['test_acc_mean']:.1f} %)", flush=True)


def report(a, out):
    "The BENCHMARKS.md section: 3 vs 5 bands, then the per-band ablation."
    table = ['| row (same protocol) | gri | ugriz | ugriz − gri |', '|---|---|---|---|']
    res, data = {}, {'sets': {}, 'ablation': rows(out/'ablation.jsonl')}
    for bands in SETS:
        rs = rows(out/f'{bands}_levers'/'results.jsonl')
        data['sets'][bands] = rs
        runs = sorted((r for r in rs if r['variant'] == VARIANT), key=lambda r: r['seed'])
        base = {r['variant'].split(':', 1)[1]: r for r in rs if r['variant'].startswith('baseline:')}
        res[bands] = {'full data': base['full']['test_acc_mean'], 'random real IPC 1': base['random_ipc1']['test_acc_mean'],
                      'class mean IPC 1': base['class_mean']['test_acc_mean'],
                      'STM IPC 1 (mean over seeds)': np.mean([r['test_acc_mean'] for r in runs]),
                      'STM IPC 1 (worst seed)': min(r['test_acc_mean'] for r in runs),
                      'seeds': ', '.join(f"{100*r['test_acc_mean']:.1f}" for r in runs),
                      'best': ', '.join(str(r['best_iteration']) for r in runs)}
    for key in ('full data', 'random real IPC 1', 'class mean IPC 1', 'STM IPC 1 (mean over seeds)', 'STM IPC 1 (worst seed)'):
        g, u = res['gri'][key], res['ugriz'][key]
        table.append(f"| {key} | {100*g:.1f} % | {100*u:.1f} % | {100*(u - g):+.1f} |")
    table.append(f"| STM IPC 1 per seed | {res['gri']['seeds']} | {res['ugriz']['seeds']} | |")
    table.append(f"| iteration selected on the train split, per seed (0: the starting set) | {res['gri']['best']} | {res['ugriz']['best']} | |")
    table.append(f"| STM IPC 1 / full data | {res['gri']['STM IPC 1 (mean over seeds)'] / res['gri']['full data']:.2f} | "
                 f"{res['ugriz']['STM IPC 1 (mean over seeds)'] / res['ugriz']['full data']:.2f} | |")
    abl = ['| prototypes of | band set to the mean | test accuracy (mean over seeds) | drop (points) |', '|---|---|---|---|']
    for bands in SETS:
        rs = [r for r in data['ablation'] if r['bands'] == bands]
        for band in dict.fromkeys(r['removed'] for r in rs):
            sel = [r for r in rs if r['removed'] == band]
            acc, intact = np.mean([r['test_acc_mean'] for r in sel]), np.mean([r['intact_acc_mean'] for r in sel])
            abl.append(f"| {bands} ({len(sel)} seeds) | {band} | {100*acc:.1f} % | {100*(intact - acc):.1f} |")
    render = (out/'ugriz_render_seconds.txt').read_text().strip() if (out/'ugriz_render_seconds.txt').exists() else '?'
    md = (f"Simulated set: {a.n_per_class} train + {a.test_per_class} test galaxies per class, {a.size}², seed {a.seed}, rendered "
          f"once in ugriz ({render} s) — the gri set is its g, r, i channels (`data.select_bands`): same galaxies, pixels and "
          f"normalisation. Experts: the demo's line ({a.experts} × 15 epochs, ConvNet-3 width 32). STM IPC 1: the demo's "
          f"settings (`{json.dumps(BASE)}`), {a.iterations} iterations, selection on the train split every {a.eval_every}; seeds "
          f"{a.seeds}. Protocol of every row: {a.num_eval} networks, step size from the grid on the train split, "
          f"{a.eval_epochs} epochs (full data {a.full_epochs}), 'galaxy' augmentation, test split.\n\n" + '\n'.join(table) +
          "\n\nWhich band's prototype pixels carry the class signal: each band of the selected prototypes set to the "
          "dataset mean, then the same protocol at the set's own step size (drop = intact − ablated).\n\n" + '\n'.join(abl) +
          "\n\nA selected iteration of 0 means that no snapshot beat the starting set (the real galaxies the experts classify "
          "most confidently, with the experts' soft labels) on the train split: that row then measures the start.")
    args = f"--out {out} --n_per_class {a.n_per_class} --test_per_class {a.test_per_class} --size {a.size} --seeds {a.seeds} --iterations {a.iterations}"
    record('bands', 'Three bands against five: full data, random real and STM IPC 1 on the same galaxies; per-band ablation', md, data,
           command=f"python bench/bands.py {args} (then --report to rewrite this section)")


def main():
    p = parser(__doc__, out=REQUIRED, test_per_class=50, size=32, seed=0, seeds=('0,1,2', 'distillation seeds'), num_eval=5)
    p.add_argument('--n_per_class', type=int, default=100, help='train images per class')
    p.add_argument('--experts', type=int, default=5)
    p.add_argument('--iterations', type=int, default=600); p.add_argument('--eval_every', type=int, default=100)
    p.add_argument('--eval_epochs', type=int, default=1000); p.add_argument('--full_epochs', type=int, default=100)
    p.add_argument('--only', choices=SETS, help=argparse.SUPPRESS)   # internal: one band set's stages
    p.add_argument('--report', action='store_true', help='write the BENCHMARKS.md section from OUT and stop')
    a = p.parse_args()
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
    torch.set_num_threads(1)
    if a.report: return report(a, out)
    if a.only:
        one_set(a, out, a.only); ablate(a, out, a.only); return
    prepare(a, out)
    args = [a for a in sys.argv[1:]]
    procs = [subprocess.Popen([sys.executable, __file__, *args, '--only', bands]) for bands in SETS]
    codes = [p.wait() for p in procs]
    if any(codes): sys.exit(f"a band set failed (exit codes {codes}); see {out}/*_log.txt")
    report(a, out)


if __name__ == '__main__':
    main()
