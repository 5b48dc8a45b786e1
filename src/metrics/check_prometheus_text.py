#!/usr/bin/env python3
"""Validates one Prometheus text exposition (format 0.0.4) read from standard input.

Usage: prometheus_text_sample | check_prometheus_text.py
       curl -s http://HOST:PORT/metrics | check_prometheus_text.py

Two independent readings of the text must both succeed and agree:
  1. prometheus_client's parser (python3-prometheus-client), which raises on malformed samples;
  2. this script's own reading, for what that lax parser lets through: name and label grammar,
     escapes, at most one HELP and one TYPE per family and before its samples, each family's
     samples kept together, no repeated series, and histograms with cumulative buckets ending at
     le="+Inf" equal to _count, plus a _sum.
Comparing the label sets and values of the two readings catches escaping mistakes. Prints
"OK: N families, M samples" and exits 0, or prints every problem and exits 1; exits 2
if prometheus_client cannot be imported.
"""

import collections
import re
import sys

try:
    from prometheus_client.parser import text_string_to_metric_families
except ImportError:
    # Exit 2, not 1: nothing was checked. Debian's package serves /usr/bin/python3 only.
    print(f'{sys.executable} cannot import prometheus_client: install '
          'python3-prometheus-client, or run this script with /usr/bin/python3', file=sys.stderr)
    sys.exit(2)

METRIC_NAME = r'[a-zA-Z_:][a-zA-Z0-9_:]*'
LABEL_NAME = r'[a-zA-Z_][a-zA-Z0-9_]*'
LABEL_VALUE = r'"(?:[^"\\\n]|\\[\\"n])*"'
# Go's strconv.ParseFloat, which Prometheus uses, minus the hexadecimal forms.
VALUE = r'[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|(?i:inf(?:inity)?|nan))'
SAMPLE_RE = re.compile(
    rf'({METRIC_NAME})(?:\{{(.*)\}})?[ \t]+({VALUE})(?:[ \t]+(-?\d+))?[ \t]*')
LABEL_RE = re.compile(rf'[ \t]*({LABEL_NAME})[ \t]*=[ \t]*({LABEL_VALUE})[ \t]*(?:,|$)')
HELP_ESCAPE_RE = re.compile(r'\\(.?)')
TYPES = ('counter', 'gauge', 'histogram', 'summary', 'untyped')
SUFFIXES = {'histogram': ('_bucket', '_sum', '_count'), 'summary': ('', '_sum', '_count')}


class Problem(Exception):
    pass


class Family:
    def __init__(self, name):
        self.name = name
        self.type = 'untyped'
        self.help_seen = False
        self.type_seen = False
        self.samples = []  # (sample name, labels dict, value)

    def sample_names(self):
        return [self.name + s for s in SUFFIXES.get(self.type, ('',))]


class Reader:
    """This script's own reading of the exposition, line by line."""

    def __init__(self):
        self.families = {}  # by name, in order of appearance
        self.current = None  # the family whose lines come last
        self.owner = {}  # sample name -> family name
        self.series = set()

    def read_line(self, line):
        line = line.lstrip(' \t')
        if not line:
            return
        if line.startswith('#'):
            parts = line.split(None, 3)
            if len(parts) >= 3 and parts[1] in ('HELP', 'TYPE'):
                self.read_descriptor(parts[1], parts[2], parts[3] if len(parts) > 3 else '')
            return
        self.read_sample(line)

    def family_to_describe(self, name):
        if not re.fullmatch(METRIC_NAME, name):
            raise Problem(f'invalid metric name {name!r}')
        family = self.families.get(name)
        if family is None:
            family = self.families[name] = Family(name)
            self.owner.setdefault(name, name)
        elif self.current is not family:
            raise Problem(f'family {name} is split: its lines are not together')
        self.current = family
        return family

    def read_descriptor(self, kind, name, rest):
        family = self.family_to_describe(name)
        if kind == 'HELP':
            if family.help_seen:
                raise Problem(f'second HELP line for {name}')
            for escape in HELP_ESCAPE_RE.findall(rest):
                if escape not in ('\\', 'n'):
                    raise Problem(f'invalid escape in the HELP of {name}')
            family.help_seen = True
            return
        if family.type_seen:
            raise Problem(f'second TYPE line for {name}')
        if family.samples:
            raise Problem(f'TYPE line for {name} after its samples')
        if rest.strip() not in TYPES:
            raise Problem(f'unknown type {rest.strip()!r} for {name}')
        family.type, family.type_seen = rest.strip(), True
        for sample_name in family.sample_names():
            if self.owner.setdefault(sample_name, name) != name:
                raise Problem(f'{sample_name} belongs to both {name} and {self.owner[sample_name]}')

    def family_of_sample(self, sample_name):
        if self.current and sample_name in self.current.sample_names():
            return self.current
        owner = self.owner.get(sample_name)
        if owner is not None:
            raise Problem(f'sample {sample_name} is apart from the rest of family {owner}')
        self.owner[sample_name] = sample_name
        family = self.current = self.families[sample_name] = Family(sample_name)
        return family

    def read_sample(self, line):
        match = SAMPLE_RE.fullmatch(line)
        if not match:
            raise Problem('malformed sample line')
        name, label_text, value = match.group(1), match.group(2) or '', float(match.group(3))
        labels = parse_labels(label_text)
        family = self.family_of_sample(name)
        key = (name, tuple(sorted(labels.items())))
        if key in self.series:
            raise Problem(f'repeated series {name}' + (f'{{{label_text}}}' if label_text else ''))
        self.series.add(key)
        if name.endswith('_bucket') and family.type == 'histogram':
            if 'le' not in labels or not re.fullmatch(VALUE, labels['le']):
                raise Problem(f'{name} needs a numeric le label')
        family.samples.append((name, labels, value))


def parse_labels(text):
    labels = {}
    position = 0
    while text[position:].strip(' \t'):
        match = LABEL_RE.match(text, position)
        if not match:
            raise Problem(f'malformed labels {{{text}}}')
        name, quoted = match.group(1), match.group(2)
        if name in labels:
            raise Problem(f'label {name} repeated')
        if name.startswith('__'):
            raise Problem(f'label name {name} is reserved')
        labels[name] = re.sub(r'\\(.)', lambda m: '\n' if m.group(1) == 'n' else m.group(1),
                              quoted[1:-1])
        position = match.end()
    return labels


def histogram_problems(family):
    """Buckets cumulative up to +Inf, which equals _count, and a _sum, for each label set."""
    groups = collections.defaultdict(dict)
    for name, labels, value in family.samples:
        rest = tuple(sorted((k, v) for k, v in labels.items() if k != 'le'))
        groups[rest].setdefault(name[len(family.name):], []).append((labels.get('le'), value))
    problems = []
    for rest, parts in groups.items():
        where = f'histogram {family.name}' + (f' {dict(rest)}' if rest else '')
        buckets = sorted((float(le), count) for le, count in parts.get('_bucket', []))
        counts = [count for _, count in buckets]
        if not buckets or buckets[-1][0] != float('inf'):
            problems.append(f'{where} has no le="+Inf" bucket')
        elif counts != sorted(counts):
            problems.append(f'{where} has bucket counts that are not cumulative')
        elif [c for _, c in parts.get('_count', [])] != [counts[-1]]:
            problems.append(f'{where} has a _count other than its +Inf bucket')
        if len(parts.get('_sum', [])) != 1:
            problems.append(f'{where} has no _sum')
    return problems


def read_own(text):
    """This script's reading: (problems, samples as (labels, value) pairs)."""
    problems = []
    if not text:
        problems.append('the text is empty')
    elif not text.endswith('\n'):
        problems.append('the text does not end with a newline')
    reader = Reader()
    for number, line in enumerate(text.split('\n'), start=1):
        try:
            reader.read_line(line)
        except Problem as problem:
            problems.append(f'line {number}: {problem}: {line[:120]!r}')
    samples = []
    for family in reader.families.values():
        if family.type == 'histogram':
            problems.extend(histogram_problems(family))
        samples.extend((labels, value) for _, labels, value in family.samples)
    return problems, samples


def read_with_prometheus_client(text):
    """prometheus_client's reading: (problems, family count, samples as (labels, value))."""
    try:
        families = list(text_string_to_metric_families(text))
    except Exception as error:  # the parser raises ValueError and others on bad input
        return [f'prometheus_client refused the text: {error!r}'], 0, []
    samples = [(s.labels, s.value) for f in families for s in f.samples]
    return [], len(families), samples


def comparable(samples):
    return collections.Counter((tuple(sorted(labels.items())), repr(value))
                               for labels, value in samples)


def main():
    try:
        text = sys.stdin.buffer.read().decode('utf-8')
    except UnicodeDecodeError as error:
        print(f'error: the text is not UTF-8: {error}', file=sys.stderr)
        print('INVALID: 1 problem', file=sys.stderr)
        return 1
    problems, own_samples = read_own(text)
    client_problems, family_count, client_samples = read_with_prometheus_client(text)
    problems.extend(client_problems)
    if not problems and comparable(own_samples) != comparable(client_samples):
        problems.append('prometheus_client read other labels or values than this script')
    if not problems and not client_samples:
        problems.append('the text holds no samples')
    for problem in problems:
        print(f'error: {problem}', file=sys.stderr)
    if problems:
        print(f'INVALID: {len(problems)} problem(s)', file=sys.stderr)
        return 1
    print(f'OK: {family_count} families, {len(client_samples)} samples')
    return 0


if __name__ == '__main__':
    sys.exit(main())
