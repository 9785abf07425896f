"""Quality levers of distillation, measured one setting at a time on one dataset and one expert buffer.

Each variant is a set of `DistillConfig` overrides (JSON). For every (variant, distillation seed) the run distils
with `Distiller` (selection on the real *train* split, `select_eval` networks every `eval_every` iterations), then
the selected set is evaluated on the test split by `num_eval` fresh networks (`evaluate.evaluate_synset`, the
protocol of `gd_eval`). Results are appended to a JSON-lines file, one line per run, so a long grid can be split
over processes and resumed.

    python bench/distill_levers.py --data D --buffers B --out DIR --variants '{"adam": {"image_optimizer": "adam", "lr_img": 0.01}}' --seeds 0,1,2
"""
import argparse, dataclasses, json, os, sys, time
from pathlib import Path

import torch

from galaxy_distill.buffers import TrajectoryBuffer
from galaxy_distill.core import RunDir, derive_seed
from galaxy_distill.data import SynSet, load_dataset
from galaxy_distill.distill import Distiller, _student, initial_synset, make_augment, make_config
from galaxy_distill.evaluate import EvalConfig, evaluate_synset


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--data', required=True); p.add_argument('--buffers', required=True); p.add_argument('--out', required=True)
    p.add_argument('--variants', required=True, help='JSON {name: {DistillConfig overrides}} or a file holding it')
    p.add_argument('--base', default='{}', help='JSON overrides shared by every variant')
    p.add_argument('--seeds', default='0'); p.add_argument('--iterations', type=int, default=1000)
    p.add_argument('--eval_every', type=int, default=200); p.add_argument('--select_eval', type=int, default=2)
    p.add_argument('--num_eval', type=int, default=5); p.add_argument('--eval_epochs', type=int, default=300)
    p.add_argument('--results', default=None, help='JSON-lines file (default OUT/results.jsonl)')
    a = p.parse_args()
    torch.set_num_threads(int(os.environ.get('OMP_NUM_THREADS', '1')))
    variants = json.loads(Path(a.variants).read_text() if Path(a.variants).is_file() else a.variants)
    base = json.loads(a.base)
    ds, buffer = load_dataset(a.data), TrajectoryBuffer(a.buffers)
    net_fn, spec = _student(buffer, 'cpu')
    results = Path(a.results or Path(a.out)/'results.jsonl'); results.parent.mkdir(parents=True, exist_ok=True)
    done = {(r['variant'], r['seed']) for r in map(json.loads, results.read_text().splitlines())} if results.exists() else set()
    for name, over in variants.items():
        for seed in map(int, a.seeds.split(',')):
            if (name, seed) in done: continue
            cfg, _ = make_config(**{'iterations': a.iterations, 'eval_every': a.eval_every, 'num_eval': a.select_eval,
                                    'eval_epochs': a.eval_epochs, 'checkpoint_every': 0, **base, **over, 'seed': seed})
            folder = Path(a.out)/f'{name}_s{seed}'
            init = initial_synset(ds, cfg, net_fn, buffer)
            def select(syn, cfg=cfg):
                return evaluate_synset(syn, ds, spec, split='train', num_eval=cfg.num_eval, epochs=cfg.eval_epochs, lr=syn.syn_lr, device='cpu',
                                       seed=derive_seed(seed, 'eval'), augment=cfg.augment, show_progress=False).acc_mean
            rd = RunDir(folder, dataclasses.asdict(cfg), overwrite=True)
            dist = Distiller(cfg, buffer, net_fn, init, make_augment(cfg.augment), select, rd, 'cpu',
                             {'dataset_fingerprint': ds.fingerprint(), 'model_spec': spec.to_dict()}, show=False)
            t0 = time.perf_counter(); summ = dist.run(); wall = time.perf_counter() - t0
            syn = SynSet.load(folder/'synset.safetensors')
            r = evaluate_synset(syn, ds, spec, split='test', num_eval=a.num_eval, epochs=a.eval_epochs, device='cpu', seed=0,
                                augment=cfg.augment, show_progress=False)
            row = {'variant': name, 'seed': seed, 'overrides': {**base, **over}, 'test_acc_mean': r.acc_mean, 'test_acc_std': r.acc_std,
                   'test_accs': r.accs, 'best_train_acc': summ['best_train_acc'], 'best_iteration': summ['best_iteration'],
                   'cap': summ['start_epoch_cap'], 'syn_lr': summ['syn_lr'], 'distill_seconds': summ['distill_seconds'],
                   'wall_seconds': wall, 'iterations': summ['iterations'], 'nan_skips': summ['nan_skips'],
                   'image_std': float(syn.images.std())}
            with open(results, 'a') as f: f.write(json.dumps(row) + '\n')
            print(f"{name} seed {seed}: test {100*r.acc_mean:.1f} ± {100*r.acc_std:.1f} % (train {summ['best_train_acc']} at "
                  f"{summ['best_iteration']}, cap {summ['start_epoch_cap']}, α {summ['syn_lr']:.3g}, {wall:.0f} s)", flush=True)


if __name__ == '__main__':
    main()
