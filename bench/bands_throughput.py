"""Throughput at five bands against three: GalSim rendering (`simulate`) and FITS curation (`curate`, one file per
band), measured side by side in one run, one process, one thread.

    python bench/bands_throughput.py                       # 10 train + 2 test galaxies per class; 270 FITS cutouts
    python bench/bands_throughput.py --per_class 40 --cutouts 900

Rendering draws every band through its own PSF (one GalSim FFT per band), so its cost grows with the bands;
curation reads one FITS file per band and resizes each plane. CPU seconds are reported beside wall seconds.
"""
import os, sys, tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import cpu_seconds, parser, record, Timer  # noqa: E402

os.environ.setdefault('GD_PROGRESS', '0')
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import torch  # noqa: E402
from astropy.io import fits  # noqa: E402
from galaxy_distill.curate import curate  # noqa: E402
from galaxy_distill.simulate import SimulationConfig, simulate  # noqa: E402


def timed(fn):
    c0 = cpu_seconds(children=False)
    with Timer() as t: fn()
    return t.seconds, cpu_seconds(children=False) - c0


def render(bands, per_class, size, repeat):
    cfg = SimulationConfig(per_class, max(1, per_class // 5), size, 0, bands)
    n = 9 * (cfg.n_per_class + cfg.test_per_class)
    best = min((timed(lambda: simulate(cfg, workers=1, show=False)) for _ in range(repeat)), key=lambda t: t[0])
    return {'bands': bands, 'images': n, 'wall_s': round(best[0], 2), 'cpu_s': round(best[1], 2), 'ms_per_image': round(1000 * best[0] / n, 1)}


def curation(bands, folder, n, size, repeat):
    "One FITS file per band (`<id>_<band>.fits`, 64² float32) for `n` galaxies of 9 classes, curated to `size`²."
    img = folder/f'fits_{bands}'; img.mkdir()
    rng = np.random.default_rng(0)
    for i in range(n):
        for b in bands: fits.writeto(img/f'{i}_{b}.fits', rng.normal(1.0, 0.1, (64, 64)).astype(np.float32))
    pd.DataFrame({'id': range(n), 'label': [f'c{k % 9}' for k in range(n)]}).to_csv(folder/f'labels_{bands}.csv', index=False)
    per = n // 9
    runs = []
    for r in range(repeat):
        out = folder/f'out_{bands}_{r}'
        runs.append(timed(lambda: curate(folder/f'labels_{bands}.csv', img, out, scheme='labels', label_col='label',
                                         per_class=per - max(1, per // 5), test_per_class=max(1, per // 5), size=size,
                                         bands=','.join(bands), workers=1, show=False, figure=False)))
    wall, cpu = min(runs, key=lambda t: t[0])
    return {'bands': bands, 'images': n, 'files': n * len(bands), 'wall_s': round(wall, 2), 'cpu_s': round(cpu, 2),
            'ms_per_image': round(1000 * wall / n, 1)}


def main():
    ap = parser(__doc__, per_class=(10, 'train galaxies per class rendered'), size=32)
    ap.add_argument('--cutouts', type=int, default=270, help='FITS galaxies curated (a multiple of 9)')
    ap.add_argument('--repeat', type=int, default=2, help='timings per setting (the fastest is kept)')
    a = ap.parse_args()
    torch.set_num_threads(1)
    simulate(SimulationConfig(1, 1, a.size, 99, 'ugriz'), workers=1, show=False)   # warm GalSim's tables
    rend = [render(b, a.per_class, a.size, a.repeat) for b in ('gri', 'ugriz')]
    with tempfile.TemporaryDirectory() as d:
        cur = [curation(b, Path(d), a.cutouts, a.size, a.repeat) for b in ('gri', 'ugriz')]
    lines = ['| stage | bands | images | wall s | CPU s | ms per image (wall) | 5 bands / 3 bands (CPU s) |', '|---|---|---|---|---|---|---|']
    for name, (three, five) in (('rendering (GalSim, 1 process)', rend), ('FITS curation (one file per band, 1 process)', cur)):
        for r in (three, five):
            ratio = f"**×{five['cpu_s'] / three['cpu_s']:.2f}**" if r is five else ''
            lines.append(f"| {name} | {r['bands']} | {r['images']} | {r['wall_s']} | {r['cpu_s']} | {r['ms_per_image']} | {ratio} |")
    md = (f"{a.size}² images; rendering: {a.per_class} + {max(1, a.per_class // 5)} galaxies per class, every band through its own PSF "
          f"(simulator version 2); curation: {a.cutouts} galaxies, one 64² float32 FITS file per band, resized to {a.size}². "
          f"Fastest of {a.repeat} timings each; load average {os.getloadavg()[0]:.1f} at the end (wall time counts the "
          f"neighbours, CPU time much less: the ratio is of CPU seconds, measured side by side).\n\n" + '\n'.join(lines))
    record('bands_throughput', 'Five bands against three: rendering and FITS curation throughput', md, {'render': rend, 'curate': cur})


if __name__ == '__main__':
    main()
