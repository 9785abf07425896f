"""Curation throughput on synthetic 424×424 JPEG cutouts (the Zenodo/Kaggle GZ2 format): images/s with 1 reader
(baseline, in-process) vs 2 thread readers vs 2 process readers, for the CPU default (32², no rotation) and the
paper's preprocessing (128², 10 train rotations), plus the end-to-end `curate` run and the catalogue selection time.

    python bench/curate_throughput.py [--images 270] [--rows 20000] [--repeat 2]
"""
import os, shutil, sys, tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import parser, record, Timer, peak_rss_mb

import numpy as np
import pandas as pd
from PIL import Image

from galaxy_distill.catalogs import GZOO2_CLASSES, CurateConfig, select_candidates
from galaxy_distill.test_utils import make_gz2_row
from galaxy_distill.curate import curate, read_many


def write_cutouts(folder: Path, ids, size: int = 424, seed: int = 0):
    "Galaxy-like 424² RGB JPEGs (Sérsic-ish blob + arms + noise, quality 90) named `<id>.jpg`."
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[:size, :size] - (size - 1) / 2
    folder.mkdir(parents=True, exist_ok=True)
    for i in ids:
        q, theta = rng.uniform(0.4, 1), rng.uniform(0, np.pi)
        u, v = xx * np.cos(theta) + yy * np.sin(theta), -xx * np.sin(theta) + yy * np.cos(theta)
        r = np.sqrt(u**2 + (v / q)**2)
        arms = 1 + 0.5 * np.cos(2 * (np.arctan2(v, u) - np.log1p(r) * 1.5))
        img = 200 * np.exp(-(r / rng.uniform(15, 40))**0.7)[..., None] * arms[..., None] * np.array([1.0, 0.85, 0.7])
        img = np.clip(img + 8 + rng.normal(0, 6, img.shape), 0, 255).astype(np.uint8)
        Image.fromarray(img).save(folder/f'{i}.jpg', quality=90)


def main():
    p = parser(__doc__)
    p.add_argument('--images', type=int, default=270, help='synthetic cutouts (a multiple of 9)')
    p.add_argument('--rows', type=int, default=20000, help='rows of the synthetic Hart16-style catalogue for the selection timing')
    p.add_argument('--repeat', type=int, default=2, help='timings per setting (the best is kept)')
    args = p.parse_args()
    per = args.images // 9
    tmp = Path(tempfile.mkdtemp(prefix='curate_bench_'))
    try:
        rows = [make_gz2_row(10**17 + k, name, 0.95 - 0.3 * (k % per) / per)
                for k, name in enumerate(n for n in GZOO2_CLASSES for _ in range(per))]
        pd.DataFrame(rows).to_csv(tmp/'gz2_hart16.csv', index=False)
        ids = [r['dr7objid'] for r in rows]
        with Timer() as t_write: write_cutouts(tmp/'img', ids)
        paths = [tmp/'img'/f'{i}.jpg' for i in ids]
        read_many(paths[:9], 32, workers=1, show=False)   # warm-up (imports, caches)

        results, table = {}, []
        settings = [('cpu default: 32², 1 rotation', dict(size=32, angles=(0.0,))),
                    ('paper: 128², 10 rotations', dict(size=128, angles=tuple(36.0 * k for k in range(10))))]
        for label, kw in settings:
            n = len(paths) if len(kw['angles']) == 1 else max(9, len(paths) // 3)
            for name, workers, pool in (('1 reader (baseline)', 1, 'thread'), ('2 threads', 2, 'thread'), ('2 processes', 2, 'process')):
                best = float('inf')
                for _ in range(args.repeat):   # best of `repeat`: the cores are shared, the minimum is the least disturbed
                    with Timer() as t: out = read_many(paths[:n], workers=workers, pool=pool, show=False, **kw)
                    best = min(best, t.seconds)
                assert all(not isinstance(o, str) for o in out)
                t.seconds = best
                ips = n / t.seconds
                results[f'{label} | {name}'] = {'images': n, 'seconds': round(t.seconds, 3), 'images_per_s': round(ips, 1)}
                table.append(f"| {label} | {name} | {n} | {t.seconds:.2f} | {ips:.1f} |")
            base = results[f'{label} | 1 reader (baseline)']['images_per_s']
            for name in ('2 threads', '2 processes'):
                results[f'{label} | {name}']['speedup'] = round(results[f'{label} | {name}']['images_per_s'] / base, 2)

        end_to_end = {}
        for workers in (1, 2):
            out = tmp/f'out_{workers}'
            with Timer() as t:
                s = curate(tmp/'gz2_hart16.csv', tmp/'img', out, per_class=per - per // 5, test_per_class=per // 5,
                           size=32, workers=workers, show=False)
            end_to_end[workers] = {'seconds': round(t.seconds, 2), 'images': s['images_read'],
                                   'images_per_s': round(s['images_read'] / t.seconds, 1)}
        same = all((tmp/'out_1'/f).read_bytes() == (tmp/'out_2'/f).read_bytes()
                   for f in ('train.safetensors', 'test.safetensors', 'manifest.csv'))

        big = [make_gz2_row(10**17 + k, list(GZOO2_CLASSES)[k % 9], 0.6 + 0.35 * ((k * 7919) % 1000) / 1000) for k in range(args.rows)]
        pd.DataFrame(big).to_csv(tmp/'big.csv', index=False)
        with Timer() as t_sel: sel = select_candidates(tmp/'big.csv', CurateConfig())
        assert len(sel.candidates) == args.rows

        md = [f"Synthetic {len(paths)} RGB 424² JPEGs (quality 90), centre crop of the middle half, antialiased resize "
              f"(writing them took {t_write.seconds:.1f} s). Image reading = decode + (rotate) + crop + resize, results placed by index.",
              "", f"| preprocessing | readers | images | s (best of {args.repeat}) | images/s |", "|---|---|---|---|---|", *table, "",
              "Speed-ups over 1 reader: " + ', '.join(f"{k}: ×{v['speedup']}" for k, v in results.items() if 'speedup' in v) + ".",
              "", f"End-to-end `curate` (selection, reading, split, card, save; 32², {len(paths)} images): "
              + ', '.join(f"{w} worker(s) {v['seconds']} s ({v['images_per_s']} images/s)" for w, v in end_to_end.items())
              + f"; outputs byte-identical across worker counts: {same}.",
              "", f"Selection on a {args.rows}-row Hart16-style catalogue (read + filters + scores + ranking): {t_sel.seconds:.2f} s. "
              f"Peak RSS {peak_rss_mb():.0f} MiB. Load average at the end (2 cores shared with other jobs): "
              f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}.",
              "", "PIL's JPEG decoder and torch's resize/rotate release the GIL, so thread readers can use a second core without "
              "pickling; they are the default (`--workers`; `pool='process'` is available). A second reader only helps when a "
              "second core is free: with a load average above the core count (other jobs on the shared machine) the "
              "speed-ups above shrink towards ×1. Torch runs single-threaded inside the readers (with 2 intra-op threads "
              "the serial reader was ~40× slower on the busy machine)."]
        record('curate_throughput', 'Galaxy Zoo curation throughput (424² JPEG inputs)', '\n'.join(md),
               {'reading': results, 'end_to_end': end_to_end, 'identical_outputs': same,
                'selection_seconds': round(t_sel.seconds, 2), 'catalogue_rows': args.rows, 'images': len(paths)})
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    main()
