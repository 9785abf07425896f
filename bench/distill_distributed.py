"""Distillation over processes: wall-clock per iteration and time to a train-split accuracy, one process against
K `torchrun` processes (gloo on CPU cores, NCCL on GPUs: `--processes` = the number of GPUs, `--extra '… --device cuda'`).

Three runs of `gd_distill` on the same data, experts and settings, one after another on the idle machine:

- `K=1, S=1`: one process (all cores as torch threads), one trajectory segment per iteration (the classic loop);
- `K=1, S=K`: one process, K segments per iteration (the work of the next row, in one process);
- `K=K, S=K`: `torchrun --nproc_per_node K`, cores / K threads each, one segment per process per iteration.

The last two rows compute the same synthetic set (bit for bit; `nbs/10_distill.ipynb` tests it), so their wall-clock
ratio is the speed-up of the processes at fixed per-process work. Quality: the runs' own periodic evaluation on the
real *train* split (`metrics.csv`), against `elapsed`, the distillation wall-clock that excludes those evaluations.

    python bench/distill_distributed.py --data D --buffers B --out /tmp/dd --iterations 300
"""
import json, os, shlex, subprocess, sys, time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import BIN, REQUIRED, parser, quiet_env, record  # noqa: E402

import pandas as pd


def run(name, out, args, processes, threads, segments):
    "One gd_distill run into `out/name`; returns its metrics and summary."
    folder = Path(out)/name
    cmd = [str(BIN/'gd_distill'), *args, '--out', str(folder), '--segments', str(segments)]
    if processes > 1:   # one node over loopback: no host-name lookup (the flags of test_utils.torchrun_local)
        cmd = [str(BIN/'torchrun'), '--nnodes=1', f'--nproc_per_node={processes}', '--rdzv-backend=c10d',
               '--rdzv-endpoint=127.0.0.1:0', '--local-addr=127.0.0.1', *cmd]
    env = quiet_env(OMP_NUM_THREADS=str(threads))
    t0 = time.perf_counter()
    done = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode: sys.exit(f"{name} failed (exit {done.returncode}):\n{done.stderr[-3000:]}")
    wall = time.perf_counter() - t0
    m = pd.read_csv(folder/'metrics.csv')
    s = json.loads((folder/'summary.json').read_text())
    it = m[m.iteration > 0]
    return {'name': name, 'processes': processes, 'threads': threads, 'segments': segments, 'wall': wall,
            'distill_seconds': s['distill_seconds'], 'seconds_per_iteration': float(it.seconds.iloc[1:].median()),
            'best_train_acc': s['best_train_acc'], 'best_iteration': s['best_iteration'],
            'curve': m[m.train_acc.notna()][['iteration', 'elapsed', 'train_acc']].fillna(0).values.tolist(),
            'command': shlex.join(cmd)}


def main():
    p = parser(__doc__, data=REQUIRED, buffers=REQUIRED, out=REQUIRED, num_eval=2, name='distill_distributed')
    p.add_argument('--iterations', type=int, default=300); p.add_argument('--eval_every', type=int, default=50)
    p.add_argument('--processes', type=int, default=2, help='K of the torchrun run (GPUs: one per GPU)')
    p.add_argument('--k1_threads', default=None, help='torch threads of the one-process runs, comma-separated (default: all cores)')
    p.add_argument('--extra', default='--ipc 1 --syn_steps 10 --max_start_epoch 10 --lr_teacher 0.03 --seed 0',
                   help='further gd_distill options, the same for every run')
    a = p.parse_args()
    cores = os.cpu_count() or 1
    args = ['--data', a.data, '--buffers', a.buffers, '--iterations', str(a.iterations), '--eval_every', str(a.eval_every),
            '--num_eval', str(a.num_eval), *shlex.split(a.extra)]
    k = a.processes
    threads = [int(t) for t in (a.k1_threads or str(cores)).split(',')]
    rows = [run(f'K1_S{s}' + ('' if t == threads[0] else f'_T{t}'), a.out, args, 1, t, s) for s in (1, k) for t in threads]
    rows.append(run(f'K{k}_S{k}', a.out, args, k, max(1, cores // k), k))
    base = {r['name']: r for r in rows}
    points = sorted({int(i) for r in rows for i, _, _ in r['curve']})
    lines = ['| run | processes × threads | segments / iteration | s / iteration | segments / s | × K=1, S=1 (segments / s) | '
             'train acc at iteration ' + ' / '.join(map(str, points)) + ' | distillation s to the last point |',
             '|---|---|---|---|---|---|---|---|']
    ref = 1 / base['K1_S1']['seconds_per_iteration']
    for r in rows:
        rate = r['segments'] / r['seconds_per_iteration']
        accs = {int(i): a for i, _, a in r['curve']}
        lines.append(f"| {r['name']} | {r['processes']} × {r['threads']} | {r['segments']} | {r['seconds_per_iteration']:.3f} | "
                     f"{rate:.2f} | {rate / ref:.2f} | {' / '.join(f'{accs[i]:.3f}' if i in accs else '–' for i in points)} | "
                     f"{r['curve'][-1][1]:.0f} |")
    k2, k1s2 = base[f'K{k}_S{k}'], base[f'K1_S{k}']
    md = (f"Data `{a.data}`, experts `{a.buffers}`; `gd_distill {' '.join(args[4:])}` plus `--segments S` (and `torchrun` for K = {k}); "
          f"median seconds per iteration over iterations 2…{a.iterations} (evaluations excluded); train accuracy from each "
          f"run's periodic evaluation ({a.num_eval} networks, shared out over the ranks under torchrun).\n\n" + '\n'.join(lines) +
          f"\n\n{k} processes against one process doing the same {k} segments per iteration (the same set, bit for bit): "
          f"{k1s2['seconds_per_iteration'] / k2['seconds_per_iteration']:.2f}× faster per iteration; against the one-segment "
          f"loop, {k2['seconds_per_iteration'] / base['K1_S1']['seconds_per_iteration']:.2f}× its time per iteration for {k}× "
          f"the segments (ideal: 1.00)." + (
          f" At fixed work per process (one thread each: K{k}_S{k} against K1_S1_T1) that is "
          f"{base['K1_S1_T1']['seconds_per_iteration'] / k2['seconds_per_iteration']:.2f} of a linear speed-up." if 'K1_S1_T1' in base else '')
          + f" K{k}_S{k} and K1_S{k}_T1 log the same train accuracies (one thread per network in both): the evaluation too is "
          "the same whether one process or K compute it. The train accuracies come from 2 networks each and move by a few points between evaluations (thread counts "
          "change the evaluation networks' arithmetic too), so they show that every row distils alike, not which is faster "
          "to a given accuracy.\n")
    record(a.name, f'Distillation over torchrun processes: K = 1 against K = {k}', md, {'rows': rows})


if __name__ == '__main__':
    main()
