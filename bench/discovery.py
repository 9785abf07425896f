"""Discovery checks: can the real galaxies pass them, and do the prototypes of several distillation seeds?

Part 1 (always): the real simulated test galaxies at each `--sizes`, measured by the six `GZ2_CHECKS` side by side with
the plain Fourier amplitudes the bar and arm checks used before (`m2_inner`, `m2_outer`): z in standard errors per
check. Part 2 (with `--runs`): for each run folder of `gd_demo` (one per distillation seed), the prototypes', their
start's and the real test galaxies' z per check, the checks passed, and the fraction of prototype measurements inside
the 16-84 % range of their class's real training galaxies, per metric, and what a set of each `--ipcs` size can
pass at all: the typical set (each member at its class's mean) and members drawn at random from the real classes.
With `--datasets`: the checks on each split of other dataset folders (real survey cutouts through `gd_curate`), their
galaxies their own control.

    python bench/discovery.py                                        # part 1 only: ~1 min
    python bench/discovery.py --runs runs/discovery_s0 runs/discovery_s1 runs/discovery_s2 --title "64², IPC 1"
"""
import os, sys
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))
from _common import parser, record, torch_threads
import numpy as np
import pandas as pd
os.environ.setdefault('GD_PROGRESS', '0')
from galaxy_distill import morphology as M
from galaxy_distill.core import load_json
from galaxy_distill.data import load_dataset
from galaxy_distill.visualize import load_run, start_set

p = parser(__doc__, test_per_class=(40, 'simulated test galaxies per class (part 1)'), seed=1, threads=1,
           name=('discovery', 'results name'), title=('real galaxies and prototypes', 'section title'))
p.add_argument('--sizes', default='32,64', help='image sizes of part 1, comma-separated')
p.add_argument('--runs', nargs='*', default=[], help='gd_demo output folders (data/ and distill/ inside), one per seed')
p.add_argument('--ipcs', default='1,10', help='set sizes of the power table (typical and random real members per class)')
p.add_argument('--draws', type=int, default=200, help='random real draws per run and set size (power table)')
p.add_argument('--datasets', nargs='*', default=[], help='dataset folders (e.g. real cutouts through gd_curate): their checks on each split')
a = p.parse_args()
torch_threads(a.threads)
PLAIN = [('barred > unbarred in inner m=2 (plain)', 'm2_inner', [5, 6], [7, 8], 0.),
         ('spiral > non-spiral in outer m=2 (plain)', 'm2_outer', [5, 7], [6, 8], 0.)]

def markdown(df):
    "A DataFrame as a Markdown table (index first), without the optional tabulate."
    head = [str(df.index.name or '')] + [str(c) for c in df.columns]
    rows = [[str(i)] + [str(v) for v in row] for i, row in zip(df.index, df.to_numpy())]
    return '\n'.join('| ' + ' | '.join(r) + ' |' for r in [head, ['---'] * len(head), *rows])

def z_table(df, classes, checks):
    return M.discovery_check(df, df, classes, checks).set_index('check')['real_z']

data, lines = {'real': {}, 'runs': {}}, []
from galaxy_distill.simulate import simulate_dataset
real_rows = {}
for size in (int(s) for s in a.sizes.split(',')):
    ds = simulate_dataset(n_per_class=1, test_per_class=a.test_per_class, size=size, seed=a.seed, cache_dir=False, show=False)
    real = M.measure_imageset(ds.test)
    real_rows[f'{size}²'] = pd.concat([z_table(real, ds.classes, M.GZ2_CHECKS), z_table(real, ds.classes, PLAIN)])
part1 = pd.DataFrame(real_rows).round(1)
data['real'] = part1.to_dict()
lines += [f"Real simulated test galaxies ({a.test_per_class} per class, seed {a.seed}): z of each check (pass: ≥ 2); "
          "the last two rows are the plain Fourier amplitudes the bar and arm checks replace.", '',
          markdown(part1), '']

if a.datasets:   # real survey cutouts: can their bars and arms be measured at all?
    found = {}
    for folder in map(Path, a.datasets):
        ds = load_dataset(folder)
        for split in ('train', 'test'):
            found[f'{folder.name} {split} ({len(getattr(ds, split))})'] = z_table(M.measure_imageset(getattr(ds, split)), ds.classes, M.GZ2_CHECKS)
    found = pd.DataFrame(found).round(1)
    data['datasets'] = found.to_dict()
    lines += ["Dataset folders (`--datasets`), each split's galaxies as their own control: z of each check.", '', markdown(found), '']

if a.runs:
    demos = [Path(f) for f in a.runs if (Path(f)/'results.csv').is_file()]   # gd_demo's table: every row by one protocol
    if demos:
        rows = pd.concat([pd.read_csv(f/'results.csv').assign(run=f.name) for f in demos])
        acc = rows.pivot_table(index='row', columns='run', values='acc_mean', sort=False) * 100
        full = acc.loc[[r for r in acc.index if str(r).startswith('full')][0]].mean()
        quality = acc.round(1).assign(mean=acc.mean(axis=1).round(1), worst=acc.min(axis=1).round(1),
                                      times_full=(acc.mean(axis=1) / full).round(2))
        seconds = {f.name: load_json(f/'summary.json').get('seconds') for f in demos if (f/'summary.json').is_file()}
        data['quality'], data['seconds'] = quality.to_dict(), seconds
        lines += ["Test accuracy (%) of `gd_demo`'s table, every row by its one protocol (5 networks × 1000 epochs at the step "
                  "size a grid picks on the train split; full data: 1 network, 100 epochs):", '', markdown(quality), '',
                  'Stage seconds per run: ' + '; '.join(f'{k}: {v}' for k, v in seconds.items()), '']
    per_seed, inside, power, powered = [], [], {}, set()
    for folder in map(Path, a.runs):
        ds = load_dataset(folder/'data')
        r = load_run(folder/'distill')
        proto, real_test, real_train = M.measure_synset(r.synset), M.measure_imageset(ds.test), M.measure_imageset(ds.train)
        checks = M.discovery_check(proto, real_test, ds.classes, start=M.measure_synset(start_set(r, ds)))
        per_seed.append(checks.assign(run=folder.name))
        comp = M.compare_to_real(proto, real_train)
        inside.append(comp.assign(inside=comp.value.between(comp.real_p16, comp.real_p84), run=folder.name))
        if ds.fingerprint() in powered: continue   # the power table once per dataset (runs may share one, or copies of one)
        powered.add(ds.fingerprint())
        for ipc in (int(i) for i in a.ipcs.split(',')):   # what a set of this size can pass: typical and random real members
            rng = np.random.default_rng(a.seed)
            draws = [M.discovery_check(real_train.groupby('class', sort=False).sample(ipc, random_state=int(rng.integers(2**31))),
                                       real_test, ds.classes)['passed'].sum() for _ in range(a.draws)]
            typical = M.discovery_check(pd.concat([proto.drop_duplicates('class')] * ipc), real_test, ds.classes)
            power[(folder.name, ipc)] = {'typical set: checks passed': int(typical['typical_passed'].sum()),
                                         'typical set: z per check': ' / '.join(f'{z:.1f}' for z in typical['typical_z']),
                                         f'random real ({a.draws} draws): mean passed': round(float(np.mean(draws)), 2),
                                         'random real: P(≥ 5 passed)': round(float(np.mean(np.array(draws) >= 5)), 3)}
    checks = pd.concat(per_seed)
    wide = checks.pivot_table(index='check', columns='run', values=['prototype_z', 'start_z', 'typical_z', 'real_z'], sort=False).round(1)
    wide.columns = [f'{v.split("_")[0]} {run}' for v, run in wide.columns]   # each run simulated its own galaxies
    passed = checks.groupby('run')[['passed', 'start_passed', 'typical_passed', 'real_passed']].sum()
    power = pd.DataFrame(power).T.rename_axis(['run', 'IPC'])
    power.index = [f'{run}, IPC {ipc}' for run, ipc in power.index]
    frac = pd.concat(inside).groupby(['run', 'metric'], sort=False)['inside'].mean().unstack().round(2)
    data['runs'] = {'z': wide.to_dict(), 'passed': passed.to_dict(), 'inside_16_84': frac.to_dict(), 'power': power.to_dict()}
    lines += [f"Prototypes of {len(a.runs)} runs (`{'`, `'.join(a.runs)}`): z per check for the prototypes and the start set "
              "they were distilled from, and the run's real test galaxies (the spreads every z is measured in):", '', markdown(wide), '',
              'Checks passed (of six; `typical`: the same number of members per class, each at its class\'s mean real '
              'measurement — what a set of this size can show):', '', markdown(passed), '',
              f"What a set of IPC {a.ipcs.replace(',', ' and ')} can pass on each run's galaxies: the typical set, and members "
              f"drawn at random from each class's real training galaxies ({a.draws} draws, seed {a.seed}); the spreads are the "
              "real test galaxies', as for the prototypes:", '', markdown(power), '',
              "Fraction of prototype measurements between the 16th and 84th percentile of their class's real training "
              "galaxies (68 % for a typical real galaxy):", '', markdown(frac), '']
record(a.name, a.title, '\n'.join(lines), data)
