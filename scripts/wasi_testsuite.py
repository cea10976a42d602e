#!/usr/bin/env python3
"""Runs the WebAssembly/wasi-testsuite wasm32-wasip1 tests through `capsule run`.

Not part of ctest: the suite is not in this repository. Extract it anywhere, build capsule, then from the root
of the repository:

  mkdir -p /tmp/wasi-testsuite
  git -C /path/to/wasi-testsuite.git archive prod/testsuite-base tests | tar -x -C /tmp/wasi-testsuite
  scripts/wasi_testsuite.py /tmp/wasi-testsuite build/src/runners/capsule/capsule   # [--filter NAME] [-v]

(or clone https://github.com/WebAssembly/wasi-testsuite and check out prod/testsuite-base, which holds the
prebuilt .wasm files; main holds only their sources.)

It does what the suite's own runner (test-runner/ with adapters/wasmtime.py) does for each test: reads the JSON
spec next to the .wasm (legacy keys args, env, root, stdout, stderr, exit_code, or the "operations" form), mounts
`root` as the guest's "/" (`--dir HOST:/`) and each of `dirs` (the spec key before `root`) under its own name,
passes env with --env and args after the module, reads the expected stdout/stderr prefixes from the pipes, waits
(5 s) and compares the exit code. Files and directories named *.cleanup under a mounted directory are removed
before and after. Prints one line per test and a pass count; exits 1 when any test failed, 2 on bad usage.
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

WASI_VERSION = "wasm32-wasip1"
CLI_WORLD = "wasi:cli/command"
LEGACY_KEYS = {"args", "root", "dirs", "env", "exit_code", "stderr", "stdout"}


class TestFailure(Exception):
    """One expectation of a test that did not hold."""


def operations_of(spec_path: Path) -> list:
    """The test's operations, with the legacy spec keys turned into run/read/wait as the suite's runner does."""
    if not spec_path.exists():
        return [{"type": "run"}, {"type": "wait", "exit_code": 0}]
    with open(spec_path, encoding="utf-8") as f:
        spec = json.load(f)
    if not isinstance(spec, dict):
        raise TestFailure(f"{spec_path.name} is not a JSON object")
    if any(k in spec for k in ("operations", "proposals", "servers", "world")):
        if spec.get("world", CLI_WORLD) != CLI_WORLD or spec.get("proposals") or spec.get("servers"):
            raise TestFailure("needs a WASI world, proposal or server that capsule run does not provide")
        return spec.get("operations", [])
    unknown = set(spec) - LEGACY_KEYS
    if unknown:  # the suite's runner only warns, and ignores them
        print(f"wasi_testsuite: warning: unknown keys in {spec_path}: {sorted(unknown)}", file=sys.stderr)
    ops = [{"type": "run", **{k: spec[k] for k in ("args", "env", "root", "dirs") if k in spec}}]
    for stream in ("stdout", "stderr"):
        if spec.get(stream) is not None:
            ops.append({"type": "read", "id": stream, "payload": spec[stream]})
    ops.append({"type": "wait", "exit_code": spec.get("exit_code", 0)})
    return ops


def cleanup(host_dir: Path) -> None:
    """Removes what earlier runs left behind, as the suite's runner does."""
    for f in host_dir.glob("**/*.cleanup"):
        if f.is_symlink():
            continue
        if f.is_file():
            f.unlink()
        elif f.is_dir():
            shutil.rmtree(f)


def with_output(msg: str, out: str, err: str) -> str:
    if out:
        msg += f"\n==STDOUT==\n{out}"
    if err:
        msg += f"\n==STDERR==\n{err}"
    return msg


class TestRun:
    """Runs one test's operations against capsule and raises TestFailure at the first one that fails."""

    def __init__(self, capsule: str, wasm: Path, timeout: float):
        self.capsule = capsule
        self.wasm = wasm
        self.timeout = timeout
        self.proc = None
        self.dirs = []
        self.argv = []

    def run(self, ops: list) -> None:
        try:
            for op in ops:
                kind = op.get("type") if isinstance(op, dict) else None
                if kind not in ("run", "read", "write", "wait", "kill"):
                    raise TestFailure(f"unsupported operation {op!r}")
                if (kind == "run") != (self.proc is None):
                    raise TestFailure(f"{kind}: " + ("a process is already running" if self.proc else "no process"))
                getattr(self, "do_" + kind)(op)
            if self.proc:
                raise TestFailure("the process was not waited for")
        finally:
            if self.proc:
                self.proc.kill()
                self.proc.communicate()
            for d in self.dirs:
                cleanup(d)

    def do_run(self, op: dict) -> None:
        base = self.wasm.parent
        argv = [self.capsule, "run"]
        for k, v in op.get("env", {}).items():
            argv += ["--env", f"{k}={v}"]
        mounts = []
        if op.get("root"):
            mounts.append((base / op["root"], "/"))
        mounts += [(base / d, d) for d in op.get("dirs", [])]
        for host, guest in mounts:
            cleanup(host)
            self.dirs.append(host)
            argv += ["--dir", f"{host.resolve()}:{guest}"]
        argv += [str(self.wasm), "--", *op.get("args", [])]
        self.argv = argv
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     encoding="utf-8", errors="replace")

    def do_write(self, op: dict) -> None:
        pipe = self.proc.stdin if op.get("id", "write") == "stdin" else None
        if pipe is None:
            raise TestFailure(f"cannot write to {op.get('id')}")
        pipe.write(op.get("payload", ""))
        pipe.flush()

    def do_read(self, op: dict) -> None:
        stream = op.get("id", "stdout")
        pipe = {"stdout": self.proc.stdout, "stderr": self.proc.stderr}.get(stream)
        if pipe is None:
            raise TestFailure(f"cannot read from {stream}")
        expected = op.get("payload", "")
        got = pipe.read(len(expected))
        if got != expected:
            raise TestFailure(f"{stream}: expected {expected!r}, got {got!r}")

    def do_kill(self, op: dict) -> None:
        name = op.get("signal", "SIGTERM")
        if name not in signal.Signals.__members__:
            raise TestFailure(f"unknown signal {name!r}")
        self.proc.send_signal(signal.Signals[name])

    def do_wait(self, op: dict) -> None:
        try:
            out, err = self.proc.communicate(timeout=self.timeout)
        except subprocess.TimeoutExpired:
            raise TestFailure(f"timeout: still running after {self.timeout} s")
        code = self.proc.returncode
        self.proc = None
        expected = op.get("exit_code", 0)
        if code != expected:
            raise TestFailure(with_output(f"exit code: expected {expected}, got {code}", out, err))


def suites_under(root: Path) -> list:
    """Every <lang>/testsuite/wasm32-wasip1 directory of an extracted suite (or root itself when it is one)."""
    if root.name == WASI_VERSION:
        return [root]
    return sorted(p for p in root.glob(f"tests/*/testsuite/{WASI_VERSION}") if p.is_dir())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("testsuite", type=Path, help="extracted wasi-testsuite (the directory holding tests/)")
    parser.add_argument("capsule", help="the capsule binary")
    parser.add_argument("--filter", default="", help="run only tests whose name contains this")
    parser.add_argument("--timeout", type=float, default=5.0, help="seconds each test may run (default 5)")
    parser.add_argument("-v", "--verbose", action="store_true", help="print the command line of failed tests")
    opts = parser.parse_args()

    capsule = shutil.which(opts.capsule) or opts.capsule
    if not os.access(capsule, os.X_OK):
        print(f"wasi_testsuite: {opts.capsule} is not an executable", file=sys.stderr)
        return 2
    suites = suites_under(opts.testsuite)
    if not suites:
        print(f"wasi_testsuite: no tests/*/testsuite/{WASI_VERSION} under {opts.testsuite}", file=sys.stderr)
        return 2

    passed = failed = 0
    for suite in suites:
        lang = suite.parent.parent.name
        for wasm in sorted(suite.glob("*.wasm")):
            name = f"{lang}/{wasm.stem}"
            if opts.filter not in name:
                continue
            test = TestRun(capsule, wasm.resolve(), opts.timeout)
            try:
                test.run(operations_of(wasm.with_suffix(".json")))
            except (TestFailure, OSError, ValueError) as e:
                failed += 1
                print(f"FAIL {name}: {e}")
                if opts.verbose:
                    print("     " + " ".join(test.argv))
                continue
            passed += 1
            print(f"ok   {name}")
    print(f"{passed}/{passed + failed} passed")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
