"""One table over distillation seeds from `gd_eval --baselines` folders: every row's test accuracy per seed, the mean
over seeds, the worst seed, the ratio to full data, and the distilled set's margin over each baseline per seed.

    python bench/seeds_table.py RUN_SEED0 RUN_SEED1 RUN_SEED2 [--json OUT.json]
"""
import json, sys
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))
from _common import parser  # noqa: E402

import pandas as pd  # noqa: E402

NAMES = {'synset': 'distilled (STM)', 'start': 'start set (no matching)', 'full': 'full data'}

def read_runs(runs: list[Path]) -> pd.DataFrame:
    "One row per (seed run, set) with the accuracy of the set's networks."
    frames = []
    for run in runs:
        table = pd.read_csv(run/'eval'/'results.csv')
        table['run'] = run.name
        frames.append(table[table.model == table.model.iloc[0]])   # the first architecture
    return pd.concat(frames, ignore_index=True)

def summarise(rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    "Per set: per-seed accuracies, mean, worst and ratio to full data; and the distilled set's margin over each set per seed."
    wide = rows.pivot_table(index='set', columns='run', values='acc_mean', sort=False)
    full = wide.loc['full'].mean()
    out = pd.DataFrame({'per seed (%)': [' / '.join(f'{100 * v:.1f}' for v in r) for r in wide.values],
                        'mean (%)': 100 * wide.mean(axis=1), 'worst (%)': 100 * wide.min(axis=1), '× full': wide.mean(axis=1) / full})
    out.index = [NAMES.get(s, s) for s in wide.index]
    margin = 100 * (wide.loc['synset'] - wide.drop(index=['synset']))
    margin.index = [NAMES.get(s, s) for s in margin.index]
    return out, margin

def main():
    p = parser(__doc__)
    p.add_argument('runs', nargs='+', type=Path)
    p.add_argument('--json', type=Path, help='also write the numbers here')
    a = p.parse_args()
    rows = read_runs(a.runs)
    table, margin = summarise(rows)
    print(table.round(3).to_string())
    print('\nDistilled minus each set, per seed (points):')
    print(margin.round(1).to_string())
    recalls = {r.name: json.loads((r/'eval'/'summary.json').read_text())['per_class_recall'] for r in a.runs}
    print('\nDistilled set, per-class recall per seed:')
    print(pd.DataFrame(recalls).round(2).to_string())
    if a.json:
        a.json.write_text(json.dumps({'table': table.reset_index().to_dict('records'), 'margin': margin.to_dict(),
                                      'recall': recalls}, indent=1))

if __name__ == '__main__':
    main()
