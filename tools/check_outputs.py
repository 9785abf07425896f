"""Check the outputs stored in the notebooks (they are the docs site): no error, no failed command, no warning,
no path of the machine that ran them. One line per problem; exit status 1 when there is any.

    python tools/check_outputs.py [notebooks...]      # default: every nbs/**/*.ipynb
"""
import json, re, sys
from pathlib import Path

BAD = [(re.compile(p), why) for p, why in [
    (r'command not found', 'a failed shell command'),
    (r'Traceback \(most recent call last\)', 'a traceback'),
    (r'^gd_\w+: error:', 'a failed gd_ command'),
    (r'\b\w*(Warning|warning):', 'a warning'),
    (r'(?<![\w.])/(tmp|work|home|root|Users|var/folders)/', "a path of the machine that ran it"),
    (r'[A-Z]:\\\\Users\\\\', "a path of the machine that ran it"),
]]


def texts(output):
    "The text an output shows: streams, plain-text results, error tracebacks."
    if output.get('output_type') == 'error': yield 'Traceback (most recent call last)'
    t = output.get('text')
    if t is not None: yield ''.join(t) if isinstance(t, list) else t
    for key in ('text/plain', 'text/markdown'):
        v = output.get('data', {}).get(key)
        if v is not None: yield ''.join(v) if isinstance(v, list) else v


def problems(path):
    nb = json.loads(Path(path).read_text(encoding='utf-8'))
    for i, cell in enumerate(nb.get('cells', [])):
        for output in cell.get('outputs', []):
            for text in texts(output):
                for line in text.splitlines():
                    for pattern, why in BAD:
                        if pattern.search(line): yield f"{path}: cell {i}: {why}: {line.strip()[:120]}"


def main(paths):
    paths = paths or sorted(str(p) for p in Path('nbs').rglob('*.ipynb') if '.ipynb_checkpoints' not in p.parts)
    found = [p for path in paths for p in problems(path)]
    for p in found: print(p)
    print(f"stored outputs: {len(paths)} notebooks, {len(found)} problems")
    return 1 if found else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
