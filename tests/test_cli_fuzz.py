"""The command line under fuzzing: every option, with bad and extreme values.

Whatever the options, ``l1l2`` either runs (exit 0, nothing on stderr, no NaN passed off as a
result) or refuses (exit 2, exactly one line on stderr that starts with the program's name), and
it refuses fast: never a traceback, never a warning (warnings are errors in the test run), never
a run that takes minutes.
"""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from l1l2.cli import main

REFUSE_WITHIN_S = 2.0  # a refusal comes well under a few seconds, even on a busy machine

_FLOAT_TEXTS = (
    "nan", "NaN", "inf", "-inf", "1e308", "-1e308", "1.7976931348623157e308", "1e309", "5e-324",
    "1e-320", "-1e-320", "0", "-0", "-0.0", "1", "-1", "0.5", "2", "1e-12", "1e12", "abc", "",
    "0x10", "1_000", " 3", "1e", "--1", "True",
)  # fmt: skip
_INT_TEXTS = (
    "-1", "0", "1", "2", "3", "7", "20", "50", "10000000", str(10**20), str(2**63), str(-(2**63)),
    "1.5", "1e3", "", "abc", "0x10", " 4", "nan",
)  # fmt: skip
# Small integers only among the valid ones, so that an accepted run stays short.
_INTS = st.one_of(st.sampled_from(_INT_TEXTS), st.integers(-3, 40).map(str))
_FLOATS = st.one_of(
    st.sampled_from(_FLOAT_TEXTS),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.floats(min_value=-100, max_value=100).map(repr),
)

OPTIONS: dict[str, st.SearchStrategy[str]] = {
    "--loss": st.sampled_from(["signed", "l1", "l2", "huber", "L1", "l3", "", "mse"]),
    "--noise": _FLOATS,
    "--lr": _FLOATS,
    "--schedule": st.sampled_from(["constant", "inverse_time", "exponential", "cosine", ""]),
    "--decay": _FLOATS,
    "--rate": _FLOATS,
    "--epochs": _INTS,
    "--batch-size": _INTS,
    "--n": _INTS,
    "--w0": _FLOATS,
    "--reduction": st.sampled_from(["sum", "mean", "none", "SUM"]),
    "--seed": st.one_of(_INTS, st.just(str(10**30))),
    "--delta": _FLOATS,
    "--save": st.sampled_from(
        ["figure.pdf", "/etc/hostname/run.png", "no/such/dir/run.png", "/", ".png", "x"]
    ),
}


@st.composite
def argvs(draw: st.DrawFn) -> list[str]:
    chosen = draw(st.lists(st.sampled_from(sorted(OPTIONS)), unique=True, max_size=6))
    argv = ["experiment"]
    for option in chosen:
        argv += [f"{option}={draw(OPTIONS[option])}"]
    return argv


def run_in_process(argv: list[str]) -> tuple[int, str, str, float]:
    out, err = io.StringIO(), io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(argv)
        except SystemExit as exit_info:
            status = exit_info.code if isinstance(exit_info.code, int) else 1
    return status, out.getvalue(), err.getvalue(), time.perf_counter() - start


def check_outcome(argv: list[str], status: int, out: str, err: str, seconds: float) -> None:
    assert "Traceback" not in out + err, (argv, err)
    assert "Warning" not in err, (argv, err)
    if status == 0:
        assert err == "", (argv, err)
        assert "= nan" not in out.lower(), (argv, out)
        assert "w = inf" not in out.lower(), (argv, out)
        return
    assert status == 2, (argv, status, err)
    assert out == "", (argv, out)
    assert err.count("\n") == 1, (argv, err)
    assert err.endswith("\n"), (argv, err)
    assert err.startswith("l1l2"), (argv, err)
    assert ": error: " in err, (argv, err)
    assert seconds < REFUSE_WITHIN_S, (argv, seconds)
    # The line names the option to fix (or says the command line itself is malformed).
    given_options = {arg.split("=")[0] for arg in argv if arg.startswith("--")}
    assert any(option in err for option in given_options) or "unrecognized" in err, (argv, err)


@settings(
    max_examples=250,
    deadline=None,  # the time of a refusal is checked by check_outcome
    suppress_health_check=[HealthCheck.too_slow],
)
@given(argvs())
def test_any_options_run_or_are_refused_in_one_line(argv: list[str]) -> None:
    check_outcome(argv, *run_in_process(argv))


@pytest.mark.parametrize("option", sorted(set(OPTIONS) - {"--save"}))
@pytest.mark.parametrize("value", ["nan", "-inf", "1e308", "-1", "abc", "", str(10**20)])
def test_every_option_with_every_bad_value(option: str, value: str) -> None:
    argv = ["experiment", f"{option}={value}"]
    check_outcome(argv, *run_in_process(argv))


@pytest.mark.parametrize(
    "argv",
    [
        ["experiment", "--epochs", "100000000"],
        ["experiment", "--epochs", str(10**20)],
        ["experiment", "--save", "/etc/hostname/x.png"],
        ["experiment", "--lr", "nan"],
        ["bogus"],
    ],
    ids=lambda argv: " ".join(argv[1:]) or argv[0],
)
def test_a_real_process_refuses_in_one_line(argv: list[str]) -> None:
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "l1l2", *argv],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    seconds = time.perf_counter() - start
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("l1l2")
    assert "Traceback" not in result.stderr
    assert seconds < 15.0  # the interpreter and NumPy start in about a second; the check is instant
