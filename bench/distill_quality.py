"""Quality and time-to-quality of distilled sets on the simulated galaxies: STM vs MTT vs the baselines.

One run: build (or load) the dataset, train K expert trajectories of a small ConvNet-3, distil IPC 1 and 10 with
STM (automatic cap) and MTT (hand-set T⁺) under the same budget, evaluation schedule and seeds, then

- quality: the set selected by *train* accuracy, evaluated on the test split by `num_eval` fresh networks, against
  full data, a random real subset of the same IPC and the class means (same protocol);
- time to quality: distillation wall-clock (evaluation excluded) until a snapshot first reaches
  `target` × full-data test accuracy (snapshots every `eval_every` iterations, `snap_eval` networks each).

    python bench/distill_quality.py                      # CPU-sized default (see --help)
    python bench/distill_quality.py --data DIR --iterations 1000 --ipcs 1,10 --num_eval 5
"""
import os, sys, tempfile, time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import parser, record, snapshots, Timer, torch_threads  # noqa: E402

import numpy as np

from galaxy_distill.core import derive_seed
from galaxy_distill.data import SynSet, load_dataset, save_dataset
from galaxy_distill.distill import distill_folder
from galaxy_distill.settings import make_config


# ---------------------------------------------------------------- data, model, experts
def get_dataset(a):
    "The dataset folder `--data`, else the default simulated galaxies (`simulate.simulate_dataset`, cached)."
    if a.data: return load_dataset(a.data), str(a.data)
    if a.fallback_blobs:   # stand-in for machines without GalSim: separable blobs of test_utils
        from galaxy_distill.test_utils import tiny_dataset
        return tiny_dataset(n_classes=9, per_class=a.per_class, test_per_class=a.test_per_class, size=a.size, seed=a.seed), 'test_utils.tiny_dataset (blobs)'
    from galaxy_distill.simulate import simulate_dataset
    return (simulate_dataset(a.per_class, a.test_per_class, a.size, a.seed, show=False),
            f'simulate_dataset({a.per_class}, {a.test_per_class}, size={a.size}, seed={a.seed})')


def model_spec(ds, a):
    from galaxy_distill.models import ModelSpec
    return ModelSpec('convnet', ds.channels, ds.num_classes, ds.image_size[0], {'width': a.width, 'depth': 3})


def get_buffer(ds, a):
    "K expert trajectories from `buffers.build_buffer` (cached and resumable under bench/.cache)."
    from galaxy_distill.buffers import ExpertConfig, TrajectoryBuffer, build_buffer
    folder = Path(__file__).parent/'.cache'/f'experts_{ds.fingerprint()}_{a.width}_{a.experts}x{a.expert_epochs}_{a.expert_augment}_b{a.expert_batch}'
    build_buffer(folder, ds, model_spec(ds, a), ExpertConfig(num_experts=a.experts, expert_epochs=a.expert_epochs,
                 lr_teacher=a.lr_teacher, augment=a.expert_augment, eval_every=0, seed=a.seed,
                 batch_size=a.expert_batch), show_progress=False)
    buf = TrajectoryBuffer(folder)
    return buf, [float(x) for x in buf.final_test_acc]


# ---------------------------------------------------------------- evaluation protocol (galaxy_distill.evaluate)
def evaluate(syn, ds, a, split, num_eval, seed, name='synset', lr=None):
    "Mean/std accuracy of `num_eval` fresh ConvNets trained on `syn` (at `lr`, else by the grid rule of `evaluate_synset`)."
    from galaxy_distill.evaluate import evaluate_synset
    r = evaluate_synset(syn, ds, model_spec(ds, a), split=split, num_eval=num_eval, epochs=a.eval_epochs, device='cpu', lr=lr,
                        seed=seed, augment=a.eval_augment, name=name, show_progress=False)
    return r.acc_mean, r.acc_std


def baselines(ds, a, ipcs):
    "Random real (per IPC) and class means on the test split, same protocol; full data optionally."
    from galaxy_distill.evaluate import evaluate_baselines
    which = ('random', 'class_mean') + (('full',) if a.full_epochs else ())
    res = evaluate_baselines(ds, ipcs, model_spec(ds, a), baselines=which, num_eval=a.num_eval, epochs=a.eval_epochs,
                             full_epochs=a.full_epochs or None, augment=a.eval_augment, device='cpu', seed=a.seed,
                             show_progress=False)
    return {k: (r.acc_mean, r.acc_std) for k, r in res.items()}


# ---------------------------------------------------------------- distillation runs
def distill(ds, data, buffer, a, method, ipc, folder):
    "One `gd_distill` run (`distill.distill_folder`) of the dataset folder `data`, selected on the train split by our protocol."
    cfg, _ = make_config(method=method, ipc=ipc, syn_steps=a.syn_steps, expert_epochs=1 if method == 'stm' else a.mtt_m,
                         max_start_epoch=a.stm_max_cap if method == 'stm' else a.mtt_max_start, lr_img=a.lr_img,
                         image_optimizer=a.image_optimizer, labels=a.labels, init=a.init,
                         lr_lr=a.lr_lr, lr_teacher=a.lr_teacher, iterations=a.iterations, eval_every=a.eval_every,
                         checkpoint_every=0, augment=a.distill_augment, batch_syn=a.batch_syn, seed=a.seed, stage_max=a.stage_max,
                         probe_every=a.probe_every)
    evaluator = lambda syn: evaluate(syn, ds, a, 'train', 1, derive_seed(a.seed, 'select'), lr=syn.syn_lr)[0]
    return distill_folder(data, buffer.folder, folder, cfg, 'cpu', show=False, evaluator=evaluator)


def snapshot_curve(ds, a, folder):
    "Test accuracy of every snapshot, with the distillation time (evaluation excluded) at which it was taken."
    return [{'iteration': it, 'elapsed': seconds,
             'test_acc': evaluate(SynSet.load(p), ds, a, 'test', a.snap_eval, derive_seed(a.seed, 'snap'))[0]}
            for it, seconds, p in snapshots(folder)]


def main():
    p = parser(__doc__, data=(None, 'dataset folder (default: the simulated galaxies)'), size=32, per_class=100,
               test_per_class=30, width=32, num_eval=5, seed=0, threads=1)
    p.add_argument('--experts', type=int, default=4)
    p.add_argument('--expert_epochs', type=int, default=15); p.add_argument('--lr_teacher', type=float, default=0.01)
    p.add_argument('--ipcs', default='1,10'); p.add_argument('--iterations', type=int, default=100)
    p.add_argument('--syn_steps', type=int, default=10); p.add_argument('--batch_syn', type=int, default=None)
    p.add_argument('--lr_img', type=float, default=None, help='default: DistillConfig (Adam 0.01)'); p.add_argument('--lr_lr', type=float, default=1e-5)
    p.add_argument('--image_optimizer', default=None); p.add_argument('--labels', default=None); p.add_argument('--init', default=None)
    p.add_argument('--mtt_max_start', type=int, default=4); p.add_argument('--mtt_m', type=int, default=2)
    p.add_argument('--stm_max_cap', type=int, default=12); p.add_argument('--stage_max', type=int, default=1000)
    p.add_argument('--probe_every', type=int, default=1)
    p.add_argument('--eval_every', type=int, default=25)
    p.add_argument('--snap_eval', type=int, default=2); p.add_argument('--eval_epochs', type=int, default=300)
    p.add_argument('--full_epochs', type=int, default=100, help='0: the experts are the full-data reference')
    p.add_argument('--eval_augment', default='galaxy'); p.add_argument('--distill_augment', default='galaxy')
    p.add_argument('--expert_augment', default='none'); p.add_argument('--expert_batch', type=int, default=32); p.add_argument('--target', type=float, default=0.7)
    p.add_argument('--fallback_blobs', action='store_true', help='use test_utils blobs instead of simulated galaxies')
    a = p.parse_args()
    torch_threads(a.threads)
    os.environ.setdefault('GD_PROGRESS', '0')
    ipcs = [int(i) for i in a.ipcs.split(',')]
    t_all = time.perf_counter()
    ds, source = get_dataset(a)
    print(ds, flush=True)
    with Timer() as t_exp: buffer, expert_accs = get_buffer(ds, a)
    print(f"experts: {buffer}, test acc {np.mean(expert_accs):.3f} in {t_exp.seconds:.0f}s", flush=True)
    base = baselines(ds, a, ipcs)
    print('baselines', base, flush=True)
    full_ref = base['full'] if 'full' in base else (float(np.mean(expert_accs)), float(np.std(expert_accs)))
    full = full_ref[0]
    runs = {}
    with tempfile.TemporaryDirectory() as tmp:
        data = a.data or save_dataset(ds, Path(tmp)/'data')   # distill_folder reads a dataset folder
        for ipc in ipcs:
            for method in ('stm', 'mtt'):
                folder = Path(tmp)/f'{method}_ipc{ipc}'
                s = distill(ds, data, buffer, a, method, ipc, folder)
                best = SynSet.load(folder/'synset.safetensors')
                q = evaluate(best, ds, a, 'test', a.num_eval, derive_seed(a.seed, 'final'))
                curve = snapshot_curve(ds, a, folder) if ipc == ipcs[0] else []
                hit = next((c for c in curve if c['test_acc'] >= a.target * full), None)
                runs[f'{method}_ipc{ipc}'] = {'summary': s, 'test_acc': q, 'curve': curve,
                                              'time_to_target': hit['elapsed'] if hit else None,
                                              'iteration_to_target': hit['iteration'] if hit else None}
                print(f"{method} ipc{ipc}: test {q[0]:.3f}±{q[1]:.3f}, best it {s['best_iteration']}, cap {s['start_epoch_cap']}, "
                      f"{s['distill_seconds']:.0f}s distill, target hit {runs[f'{method}_ipc{ipc}']['time_to_target']}", flush=True)
    fmt = lambda v: f"{100 * v[0]:.1f} ± {100 * v[1]:.1f}"
    lines = ["| set | " + ' | '.join(f'IPC {i}' for i in ipcs) + " |", "|---|" + '---|' * len(ipcs)]
    for method in ('stm', 'mtt'):
        lines.append(f"| {method.upper()} (best by train acc) | " + ' | '.join(fmt(runs[f'{method}_ipc{i}']['test_acc']) for i in ipcs) + ' |')
    lines.append("| random real | " + ' | '.join(fmt(base[f'random_ipc{i}']) for i in ipcs) + ' |')
    lines.append("| class mean (IPC 1) | " + fmt(base['class_mean']) + ' |' + ' |' * (len(ipcs) - 1))
    lines.append(f"| full data{'' if 'full' in base else ' (the experts)'} | {fmt(full_ref)} |" + ' |' * (len(ipcs) - 1))
    i0 = ipcs[0]
    stm, mtt = runs[f'stm_ipc{i0}'], runs[f'mtt_ipc{i0}']
    tt = lambda r: f"{r['time_to_target']:.0f} s (iteration {r['iteration_to_target']})" if r['time_to_target'] is not None else 'not reached'
    ratio = stm['test_acc'][0] / full if full else float('nan')
    md = '\n'.join(lines) + f"""

Test accuracy (%) of {a.num_eval} fresh ConvNet-3 (width {a.width}) per set, {a.eval_epochs} epochs, augmentation
`{a.eval_augment}`. Data: {ds!r} from `{source}`. Experts (`buffers.build_buffer`): {a.experts} × {a.expert_epochs} epochs of
SGD (lr {a.lr_teacher}, batch {a.expert_batch}, augmentation `{a.expert_augment}`), test acc {100 * np.mean(expert_accs):.1f} ± {100 * np.std(expert_accs):.1f} %. Distillation: {a.iterations} iterations, N = {a.syn_steps},
lr_img {a.lr_img}, batch_syn {a.batch_syn}, augmentation `{a.distill_augment}` in the unroll; STM M = 1 with cap up to {a.stm_max_cap} (final caps:
{', '.join(f"IPC {i} → {runs[f'stm_ipc{i}']['summary']['start_epoch_cap']}" for i in ipcs)}); MTT M = {a.mtt_m}, T⁺ = {a.mtt_max_start}.
The reported set is the snapshot with the best accuracy on the real *train* split (1 network each {a.eval_every} iterations).

- Best iteration (0 = the initial real images, i.e. distillation did not beat its initialisation on the train split):
  {', '.join(f"{k} {r['summary']['best_iteration']}" for k, r in runs.items())}.
- STM IPC {i0}: {100 * ratio:.0f} % of full-data accuracy (target ≥ 75 %: {'met' if ratio >= 0.75 else 'NOT met'}{'' if runs[f'stm_ipc{i0}']['summary']['best_iteration'] else '; by the initial real images, not by distillation'}).
- Time to {a.target:.0%} of full-data accuracy (IPC {i0}, snapshots every {a.eval_every} iterations, {a.snap_eval} networks each,
  distillation time only): STM {tt(stm)}, MTT {tt(mtt)}.
- Distillation seconds per iteration (IPC {i0}): STM {stm['summary']['seconds_per_iteration']:.3f}, MTT {mtt['summary']['seconds_per_iteration']:.3f}.
- Whole benchmark: {time.perf_counter() - t_all:.0f} s.
"""
    record('distill_quality', 'Distilled-set quality and time to quality (simulated galaxies, STM vs MTT)', md,
           {'baselines': base, 'runs': runs, 'expert_test_acc': expert_accs, 'args': vars(a), 'source': source})


if __name__ == '__main__':
    main()
