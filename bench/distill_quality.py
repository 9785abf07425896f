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
import argparse, dataclasses, json, math, os, sys, tempfile, time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import record, Timer  # noqa: E402

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils import parameters_to_vector

from galaxy_distill.core import derive_seed, make_generator
from galaxy_distill.data import SynSet, class_mean_init, load_dataset, real_init
from galaxy_distill.distill import Distiller, MemoryBuffer, flat_model, make_config
from galaxy_distill.core import RunDir


# ---------------------------------------------------------------- data, model, experts
def get_dataset(a):
    "The dataset folder `--data`, else the simulated default (galaxy_distill.simulate), cached under bench/.cache."
    if a.data: return load_dataset(a.data), str(a.data)
    cache = Path(__file__).parent/'.cache'/f'sim_{a.size}_{a.per_class}_{a.test_per_class}'
    if (cache/'summary.json').exists(): return load_dataset(cache), str(cache)
    if a.fallback_blobs:   # stand-in while no simulator is available: separable blobs of test_utils
        from galaxy_distill.test_utils import tiny_dataset
        return tiny_dataset(n_classes=9, per_class=a.per_class, test_per_class=a.test_per_class, size=a.size, seed=a.seed), 'test_utils.tiny_dataset (blobs)'
    from galaxy_distill import simulate   # noqa: F401  (raises ImportError when the simulator has not landed)
    fn = getattr(simulate, 'simulate_dataset', None) or getattr(simulate, 'make_dataset')
    ds = fn(per_class=a.per_class, test_per_class=a.test_per_class, image_size=a.size, seed=a.seed)
    from galaxy_distill.data import save_dataset
    save_dataset(ds, cache)
    return load_dataset(cache), str(cache)


def build_net(ds, width, seed):
    try:
        from galaxy_distill.models import create_model
        return create_model('convnet', ds.channels, ds.num_classes, ds.image_size[0], seed=seed, width=width, depth=3)
    except ImportError:
        torch.manual_seed(seed)
        layers, c = [], ds.channels
        for _ in range(3):
            layers += [nn.Conv2d(c, width, 3, padding=1), nn.GroupNorm(width, width, affine=True), nn.ReLU(), nn.AvgPool2d(2)]
            c = width
        return nn.Sequential(*layers, nn.Flatten(), nn.Linear(width * (ds.image_size[0] // 8) ** 2, ds.num_classes))


def train_experts(ds, a):
    "K trajectories of plain SGD (lr_teacher, no momentum, as MTT's experts), parameters after every epoch."
    x, y = ds.tensors('train')
    xt, yt = ds.tensors('test')
    trajs, accs = [], []
    for k in range(a.experts):
        net = build_net(ds, a.width, seed=derive_seed(a.seed, 'expert', k) % 2**31)
        opt = torch.optim.SGD(net.parameters(), lr=a.lr_teacher, momentum=0)
        g = make_generator(derive_seed(a.seed, 'expert_batches', k))
        snaps = [parameters_to_vector(net.parameters()).detach().clone()]
        for _ in range(a.expert_epochs):
            perm = torch.randperm(len(x), generator=g)
            for i in range(0, len(x), 256):
                b = perm[i:i + 256]
                opt.zero_grad(); F.cross_entropy(net(x[b]), y[b]).backward(); opt.step()
            snaps.append(parameters_to_vector(net.parameters()).detach().clone())
        with torch.no_grad(): accs.append(float((net(xt).argmax(1) == yt).float().mean()))
        trajs.append(torch.stack(snaps))
    return MemoryBuffer(trajs, dataset_fingerprint=ds.fingerprint()), accs


# ---------------------------------------------------------------- evaluation protocol
def evaluate(syn, ds, a, split, num_eval, seed, name='synset'):
    "Mean/std accuracy of `num_eval` fresh ConvNets trained on `syn` (galaxy_distill.evaluate when available)."
    try:
        from galaxy_distill.evaluate import evaluate_synset
        from galaxy_distill.models import ModelSpec
    except ImportError:
        return _evaluate_local(syn.images, syn.labels, syn.syn_lr, ds, a, split, num_eval, seed, a.eval_epochs)
    spec = ModelSpec('convnet', ds.channels, ds.num_classes, ds.image_size[0], {'width': a.width, 'depth': 3})
    r = evaluate_synset(syn, ds, spec, split=split, num_eval=num_eval, epochs=a.eval_epochs, device='cpu', seed=seed,
                        augment=a.eval_augment, name=name, show_progress=False)
    return r.acc_mean, r.acc_std


def _evaluate_local(x, y, lr, ds, a, split, num_eval, seed, epochs, batch=256):
    xe, ye = ds.tensors(split)
    accs = []
    for k in range(num_eval):
        net = build_net(ds, a.width, seed=derive_seed(seed, 'eval', k) % 2**31)
        opt = torch.optim.SGD(net.parameters(), lr=lr, momentum=0.9, weight_decay=5e-4)
        g = make_generator(derive_seed(seed, 'eval_batches', k))
        for ep in range(epochs):
            if ep == epochs // 2:
                for pg in opt.param_groups: pg['lr'] *= 0.1
            perm = torch.randperm(len(x), generator=g)
            for i in range(0, len(x), batch):
                b = perm[i:i + batch]
                opt.zero_grad(); F.cross_entropy(net(x[b]), y[b]).backward(); opt.step()
        with torch.no_grad(): accs.append(float((net(xe).argmax(1) == ye).float().mean()))
    return float(np.mean(accs)), float(np.std(accs))


def baselines(ds, a, ipcs):
    "Full data, random real (per IPC) and class means on the test split."
    out = {}
    x, y = ds.tensors('train')
    out['full'] = _evaluate_local(x, y, a.lr_teacher, ds, a, 'test', a.num_eval, a.seed, a.full_epochs)
    for ipc in ipcs:
        syn = real_init(ds, ipc, make_generator(derive_seed(a.seed, 'random_real', ipc)), syn_lr=a.real_lr)
        out[f'random_ipc{ipc}'] = evaluate(syn, ds, a, 'test', a.num_eval, a.seed, f'random_ipc{ipc}')
    out['class_mean'] = evaluate(class_mean_init(ds, syn_lr=a.real_lr), ds, a, 'test', a.num_eval, a.seed, 'class_mean')
    return out


# ---------------------------------------------------------------- distillation runs
def distill(ds, buffer, a, method, ipc, folder):
    cfg, _ = make_config(method=method, ipc=ipc, syn_steps=a.syn_steps, expert_epochs=1 if method == 'stm' else a.mtt_m,
                         max_start_epoch=a.stm_max_cap if method == 'stm' else a.mtt_max_start, lr_img=a.lr_img,
                         lr_lr=a.lr_lr, lr_teacher=a.lr_teacher, iterations=a.iterations, eval_every=a.eval_every,
                         checkpoint_every=0, augment=False, batch_syn=a.batch_syn, seed=a.seed, stage_max=a.stage_max,
                         probe_every=a.probe_every)
    init = real_init(ds, ipc, make_generator(derive_seed(a.seed, 'init', ipc)), a.lr_teacher)
    evaluator = lambda syn: evaluate(syn, ds, a, 'train', 1, derive_seed(a.seed, 'select'))[0]
    net_fn = flat_model(build_net(ds, a.width, seed=0))
    rd = RunDir(folder, dataclasses.asdict(cfg), overwrite=True)
    dist = Distiller(cfg, buffer, net_fn, init, evaluator=evaluator, run=rd, show=False,
                     meta={'dataset_fingerprint': ds.fingerprint()})
    with Timer() as t: summary = dist.run()
    summary['wall_seconds'] = t.seconds
    return summary


def snapshot_curve(ds, a, folder):
    "Test accuracy of every snapshot, with the distillation time (evaluation excluded) at which it was taken."
    m = pd.read_csv(Path(folder)/'metrics.csv')
    elapsed = dict(zip(m['iteration'], m['elapsed'].fillna(0)))
    curve = []
    for p in sorted((Path(folder)/'snapshots').glob('synset_*.safetensors')):
        syn = SynSet.load(p)
        it = int(p.stem.split('_')[1])
        acc = evaluate(syn, ds, a, 'test', a.snap_eval, derive_seed(a.seed, 'snap'))[0]
        curve.append({'iteration': it, 'elapsed': float(elapsed.get(it, 0.)), 'test_acc': acc})
    return curve


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--data', default=None, help='dataset folder (default: the simulated galaxies)')
    p.add_argument('--size', type=int, default=32); p.add_argument('--per_class', type=int, default=100)
    p.add_argument('--test_per_class', type=int, default=50)
    p.add_argument('--width', type=int, default=32); p.add_argument('--experts', type=int, default=4)
    p.add_argument('--expert_epochs', type=int, default=15); p.add_argument('--lr_teacher', type=float, default=0.01)
    p.add_argument('--ipcs', default='1,10'); p.add_argument('--iterations', type=int, default=100)
    p.add_argument('--syn_steps', type=int, default=10); p.add_argument('--batch_syn', type=int, default=None)
    p.add_argument('--lr_img', type=float, default=100.); p.add_argument('--lr_lr', type=float, default=1e-5)
    p.add_argument('--mtt_max_start', type=int, default=4); p.add_argument('--mtt_m', type=int, default=2)
    p.add_argument('--stm_max_cap', type=int, default=12); p.add_argument('--stage_max', type=int, default=1000)
    p.add_argument('--probe_every', type=int, default=1)
    p.add_argument('--eval_every', type=int, default=25); p.add_argument('--num_eval', type=int, default=5)
    p.add_argument('--snap_eval', type=int, default=2); p.add_argument('--eval_epochs', type=int, default=300)
    p.add_argument('--full_epochs', type=int, default=30); p.add_argument('--real_lr', type=float, default=0.01)
    p.add_argument('--eval_augment', default='none'); p.add_argument('--target', type=float, default=0.7)
    p.add_argument('--fallback_blobs', action='store_true', help='use test_utils blobs instead of simulated galaxies')
    p.add_argument('--seed', type=int, default=0); p.add_argument('--threads', type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    os.environ.setdefault('GD_PROGRESS', '0')
    ipcs = [int(i) for i in a.ipcs.split(',')]
    t_all = time.perf_counter()
    ds, source = get_dataset(a)
    print(ds, flush=True)
    with Timer() as t_exp: buffer, expert_accs = train_experts(ds, a)
    print(f"experts: {buffer}, test acc {np.mean(expert_accs):.3f} in {t_exp.seconds:.0f}s", flush=True)
    base = baselines(ds, a, ipcs)
    print('baselines', base, flush=True)
    full = base['full'][0]
    runs = {}
    with tempfile.TemporaryDirectory() as tmp:
        for ipc in ipcs:
            for method in ('stm', 'mtt'):
                folder = Path(tmp)/f'{method}_ipc{ipc}'
                s = distill(ds, buffer, a, method, ipc, folder)
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
    lines.append(f"| full data | {fmt(base['full'])} |" + ' |' * (len(ipcs) - 1))
    i0 = ipcs[0]
    stm, mtt = runs[f'stm_ipc{i0}'], runs[f'mtt_ipc{i0}']
    tt = lambda r: f"{r['time_to_target']:.0f} s (iteration {r['iteration_to_target']})" if r['time_to_target'] is not None else 'not reached'
    ratio = stm['test_acc'][0] / full if full else float('nan')
    md = '\n'.join(lines) + f"""

Test accuracy (%) of {a.num_eval} fresh ConvNet-3 (width {a.width}) per set, {a.eval_epochs} epochs, augmentation
`{a.eval_augment}`. Data: {ds!r} from `{source}`. Experts: {a.experts} × {a.expert_epochs} epochs of SGD
(lr {a.lr_teacher}), test acc {100 * np.mean(expert_accs):.1f} %. Distillation: {a.iterations} iterations, N = {a.syn_steps},
lr_img {a.lr_img}, no augmentation in the unroll; STM M = 1 with cap up to {a.stm_max_cap} (final caps:
{', '.join(f"IPC {i} → {runs[f'stm_ipc{i}']['summary']['start_epoch_cap']}" for i in ipcs)}); MTT M = {a.mtt_m}, T⁺ = {a.mtt_max_start}.
The reported set is the snapshot with the best accuracy on the real *train* split (1 network each {a.eval_every} iterations).

- STM IPC {i0}: {100 * ratio:.0f} % of full-data accuracy (target ≥ 75 %: {'met' if ratio >= 0.75 else 'NOT met'}).
- Time to {a.target:.0%} of full-data accuracy (IPC {i0}, snapshots every {a.eval_every} iterations, {a.snap_eval} networks each,
  distillation time only): STM {tt(stm)}, MTT {tt(mtt)}.
- Distillation seconds per iteration (IPC {i0}): STM {stm['summary']['seconds_per_iteration']:.3f}, MTT {mtt['summary']['seconds_per_iteration']:.3f}.
- Whole benchmark: {time.perf_counter() - t_all:.0f} s.
"""
    record('distill_quality', 'Distilled-set quality and time to quality (simulated galaxies, STM vs MTT)', md,
           {'baselines': base, 'runs': runs, 'expert_test_acc': expert_accs, 'args': vars(a), 'source': source})


if __name__ == '__main__':
    main()
