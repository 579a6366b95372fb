#!/usr/bin/env python3
"""A small program with planted bugs over its configuration, for config-fuzz.

It "renders a report" by summing squares in tiles, and checks its answer.
Its settings are in schema.json; it reads them, each source over the last:

  * env vars:     SUBJ_FAST_MATH=1, SUBJ_CACHE__ENABLED=0, ...
  * a JSON file:  --config FILE, or the path in $CONFIG_FUZZ_FILE
  * arguments:    --set NAME=VALUE (VALUE as JSON, else as text)

and exits 0 when the answer is right. As a config-fuzz worker (--worker)
it reads one {"config": {...}} line per run on stdin and answers one
{"status": ..., "detail": ...} line on stdout; with --fork it forks a child
per run (the fork-server pattern). --startup SECONDS sleeps first, like a
program that imports a large library.

The planted bugs (what config-fuzz should find):

  * fast_math with mode "exact": a wrong answer (exit 1, or "failed");
  * cache.compress with cache.enabled off: a crash (SIGSEGV);
  * verbose with log_level "debug": a hang.

Only the standard library is used.
"""

import json
import os
import signal
import sys
import time

DEFAULTS = {
    "fast_math": False,
    "mode": "safe",
    "unroll": 1,
    "threads": 4,
    "verbose": False,
    "log_level": "info",
    "cache.enabled": True,
    "cache.compress": False,
}

ENV_PREFIX = "SUBJ_"


def parse_text(text, default):
    """An env var or --set value as the type of the field's default."""
    if isinstance(default, bool):
        low = text.strip().lower()
        if low in ("1", "true", "yes", "on"):
            return True
        if low in ("0", "false", "no", "off"):
            return False
        raise ValueError(f"{text!r} is not a bool")
    if isinstance(default, int):
        return int(text)
    return text


def load_config(argv):
    """The effective config: defaults, then env vars, then the file, then --set."""
    config = dict(DEFAULTS)
    for name, default in DEFAULTS.items():
        var = ENV_PREFIX + name.upper().replace(".", "__")
        if var in os.environ:
            config[name] = parse_text(os.environ[var], default)
    path = os.environ.get("CONFIG_FUZZ_FILE")
    sets = []
    i = 0
    while i < len(argv):
        if argv[i] == "--config":
            path = argv[i + 1]
            i += 2
        elif argv[i] == "--set":
            sets.append(argv[i + 1])
            i += 2
        else:
            i += 1
    if path:
        with open(path) as f:
            config.update(json.load(f))
    for item in sets:
        name, _, text = item.partition("=")
        if name not in DEFAULTS:
            raise KeyError(f"unknown setting {name!r}")
        try:
            value = json.loads(text)
        except ValueError:
            value = text
        if isinstance(value, str):
            value = parse_text(value, DEFAULTS[name])
        config[name] = value
    unknown = set(config) - set(DEFAULTS)
    if unknown:
        raise KeyError(f"unknown settings {sorted(unknown)}")
    return config


def render(config):
    """The job. Returns None when the answer is right, else what went wrong."""
    n = 200
    tile = 8 * config["unroll"]
    tiles = [range(start, min(start + tile, n + 1)) for start in range(1, n + 1, tile)]
    if config["fast_math"] and config["mode"] == "exact":
        tiles = tiles[:-1]  # planted bug: the last tile is dropped
    if config["cache.compress"] and not config["cache.enabled"]:
        sys.stderr.write("compressing a cache that was never allocated\n")
        sys.stderr.flush()
        os.kill(os.getpid(), signal.SIGSEGV)  # planted crash
    if config["verbose"] and config["log_level"] == "debug":
        while True:  # planted hang: waits for a log flush that never comes
            time.sleep(1)
    total = sum(i * i for t in tiles for i in t)
    expected = n * (n + 1) * (2 * n + 1) // 6
    if total != expected:
        return f"wrong answer: {total}, expected {expected}"
    return None


def answer(status, detail="", signal_number=None):
    reply = {"status": status, "detail": detail}
    if signal_number is not None:
        reply["signal"] = signal_number   # the run died by this signal: a crash
    sys.stdout.write(json.dumps(reply) + "\n")
    sys.stdout.flush()


def serve(fork):
    """The worker loop: one candidate per line in, one outcome per line out."""
    for line in sys.stdin:
        try:
            config = dict(DEFAULTS)
            config.update(json.loads(line)["config"])
        except (ValueError, KeyError, TypeError) as e:
            answer("error", f"bad request: {e}")
            continue
        if not fork:
            wrong = render(config)
            answer("failed", wrong) if wrong else answer("passed")
            continue
        # The fork-server pattern: the child starts from this warm state
        # and a crash takes down only the child.
        pid = os.fork()
        if pid == 0:
            wrong = render(config)
            if wrong:
                sys.stderr.write(wrong + "\n")
            os._exit(1 if wrong else 0)
        _, status = os.waitpid(pid, 0)
        if os.WIFSIGNALED(status):
            sig = os.WTERMSIG(status)
            answer("error", f"{signal.Signals(sig).name} in the forked child", sig)
        elif os.WEXITSTATUS(status) != 0:
            answer("failed", "wrong answer")
        else:
            answer("passed")


def main(argv):
    if "--startup" in argv:
        time.sleep(float(argv[argv.index("--startup") + 1]))
    if "--worker" in argv:
        serve(fork="--fork" in argv)
        return 0
    try:
        config = load_config(argv)
    except (KeyError, ValueError, OSError) as e:
        sys.stderr.write(f"subject: bad configuration: {e}\n")
        return 2
    wrong = render(config)
    if wrong:
        sys.stderr.write(wrong + "\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
