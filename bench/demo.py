"""The README's first command, measured: run (or resume) `gd_demo` and record its stage times and results table.

Usage: python bench/demo.py [--out runs/demo] [--scale cpu]
A finished demo folder is not rerun (gd_demo skips completed steps), so the recorded times are those of the
run that produced the folder; delete the folder to measure afresh.
"""
import json, sys, time
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))
from _common import parser, record

from galaxy_distill.demo import gd_demo

p = parser(__doc__, out=('runs/demo', 'the demo folder (a finished one is not rerun)'))
p.add_argument('--scale', default='cpu')
a = p.parse_args()
t0 = time.perf_counter()
gd_demo(out=a.out, scale=a.scale)
summary = json.loads((Path(a.out)/'summary.json').read_text())
table = (Path(a.out)/'results.csv').read_text().strip().splitlines()
rows = [r.split(',') for r in table]
header, body = rows[0], rows[1:]
md = '| ' + ' | '.join(header) + ' |\n|' + '---|' * len(header) + '\n' + '\n'.join('| ' + ' | '.join(r) + ' |' for r in body)
secs = summary['seconds']
md = (f"Stage times (s): {', '.join(f'{k} {v}' for k, v in secs.items())}; total {summary['total_seconds']} s "
      f"(target: at most about 360 s here, so that a 2-core machine 3× slower stays near 15 min). STM start-epoch cap reached {summary.get('start_epoch_cap')}, best iteration "
      f"{summary.get('best_iteration')}; discovery checks passed: {summary.get('discovery_passed')} "
      f"(the starting set, real images: {summary.get('discovery_passed_start')}).\n\n" + md)
record('demo', f'gd_demo --scale {a.scale}: clone to prototypes', md, summary,
       command=f'python bench/demo.py --out {a.out} --scale {a.scale}')
