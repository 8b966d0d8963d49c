"""The command line with hostile input and a hostile environment: files, pipes, full disks."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from l1l2 import cli
from l1l2.cli import main

pytest.importorskip("matplotlib")


def write_csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def fit_args(csv: Path, *extra: str) -> list[str]:
    return ["fit", str(csv), "--x", "x", "--y", "y", "--loss", "l2", *extra]


SMALL = "x,y\n0,1\n1,3\n2,5\n3,8\n"


def one_line_error(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    return err


# --- --save: never replaces a file without --force, never writes through a symbolic link ----------


@pytest.mark.parametrize("command", ["fit", "experiment"])
def test_save_refuses_an_existing_file_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    png = tmp_path / "out.png"
    png.write_bytes(b"keep me")
    csv = write_csv(tmp_path / "d.csv", SMALL)
    argv = fit_args(csv) if command == "fit" else ["experiment", "--epochs", "1"]
    err = one_line_error(capsys, [*argv, "--save", str(png)])
    assert "exists: add --force to replace it" in err
    assert png.read_bytes() == b"keep me"
    assert main([*argv, "--save", str(png), "--force"]) == 0
    assert png.read_bytes().startswith(b"\x89PNG")


def test_save_never_writes_through_a_symbolic_link(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "precious.txt"
    target.write_text("precious", encoding="utf-8")
    link = tmp_path / "link.png"
    link.symlink_to(target)
    csv = write_csv(tmp_path / "d.csv", SMALL)
    for extra in ([], ["--force"]):
        err = one_line_error(capsys, fit_args(csv, "--save", str(link), *extra))
        assert "symbolic link" in err
    assert target.read_text(encoding="utf-8") == "precious"


def test_a_link_that_appears_after_the_check_is_not_followed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from matplotlib.figure import Figure  # noqa: PLC0415

    target = tmp_path / "precious.txt"
    target.write_text("precious", encoding="utf-8")
    link = tmp_path / "late.png"
    link.symlink_to(target)
    for force in (False, True):
        assert cli._write_png(Figure(), link, "figure", force=force) == 1
    assert target.read_text(encoding="utf-8") == "precious"
    assert capsys.readouterr().err.count("\n") == 2


# --- the CSV ------------------------------------------------------------------------------------


def test_a_duplicated_column_name_is_an_error_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = write_csv(tmp_path / "d.csv", "x,y,x\n0,1,5\n1,3,6\n2,5,7\n")
    err = one_line_error(capsys, fit_args(csv))
    assert "2 columns named 'x'" in err


def test_integers_beyond_2_53_are_an_error_not_rounded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    big = 2**53 + 1
    csv = write_csv(tmp_path / "d.csv", f"x,y\n0,1\n1,{big}\n2,5\n")
    err = one_line_error(capsys, fit_args(csv))
    assert f"line 3, column 'y': the integer '{big}' is beyond 2**53" in err
    exact = write_csv(tmp_path / "e.csv", f"x,y\n0,1\n1,{2**53}\n2,5\n")
    assert main(fit_args(exact)) == 0


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("1,3,9", "line 3 has 3 field(s) but the header names 2 column(s)"),
        ("1", "line 3 has 1 field(s) but the header names 2 column(s)"),
        ("1,1_000", "line 3, column 'y': '1_000' is not a finite number written in plain"),
        ("1,\uff11\uff12", "line 3, column 'y': '\uff11\uff12' is not a finite number"),
        ("1,\u0663", "line 3, column 'y': '\u0663' is not a finite number"),
        ("1,infinity", "line 3, column 'y': 'infinity' is not a finite number"),
        ("1,0x10", "line 3, column 'y': '0x10' is not a finite number"),
        ("1,1e-400", "line 3, column 'y': '1e-400' is too small for float64"),
        ("1,1.2345678901e-315", "the number '1.2345678901e-315' is below 2.23e-308"),
        (
            "1,12345678901234567890.0",
            "the number '12345678901234567890.0' is beyond 2**53 and has more digits than "
            "float64 holds there, so it would be rounded to 12345678901234567168",
        ),
        ("1,1.00000000000000000001e20", "the number '1.00000000000000000001e20' is beyond"),
        ("1,-100000000000000000000000", "the integer '-100000000000000000000000' is beyond"),
        # Only an empty line is skipped: a line of empty fields is a row with no numbers.
        (",", "line 3, column 'x': '' is not a finite number"),
        # Spaces and tabs around a number are dropped; no-break spaces and line breaks are not.
        ("1,\xa04", "line 3, column 'y': '\\xa04' is not a finite number"),
        ('1,"4\n"', "line 3, column 'y': '4\\n' is not a finite number"),
    ],
)
def test_rows_must_have_every_field_and_plain_decimal_numbers_float64_keeps(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], row: str, message: str
) -> None:
    csv = write_csv(tmp_path / "d.csv", f"x,y\n0,1\n{row}\n2,5\n3,8\n")
    err = one_line_error(capsys, fit_args(csv))
    assert message in err


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("1e300", 1e300),  # beyond 2**53, but float64 keeps the one digit written
        ("6.02214076e23", 6.02214076e23),
        ("9007199254740994", 2.0**53 + 2),  # beyond 2**53 and held exactly
        ("-1e20", -1e20),
        ("5e-324", 5e-324),  # the smallest float64: one digit, held
        ("+3.", 3.0),
        ("-.5", -0.5),
        ("0.30000000000000001", 0.3),  # below 2**53: a fraction rounds, as everywhere
    ],
)
def test_plain_numbers_that_float64_holds_to_the_digits_written_are_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], cell: str, value: float
) -> None:
    csv = write_csv(tmp_path / "d.csv", f"x,y\n0,{cell}\n1,{cell}\n2,{cell}\n")
    assert main(["fit", str(csv), "--x", "x", "--y", "y", "--loss", "l1"]) == 0
    line = capsys.readouterr().out.splitlines()[-1].split()
    assert (float(line[1]), float(line[2])) == (pytest.approx(value, rel=1e-6), 0.0)


def test_empty_lines_and_blanks_around_numbers_are_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = write_csv(tmp_path / "d.csv", "x,y\n0,1\n\n 1 ,\t3\t\n2,5\n\n")
    assert main(fit_args(csv)) == 0
    assert "3 rows" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("1.2345678912345e-320", "the number '1.2345678912345e-320' is below 2.23e-308"),
        ("1e-400", "'1e-400' is too small for float64"),
        ("\xa01", "invalid float value: '\\xa01'"),
    ],
)
def test_number_options_follow_the_csv_number_rule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str, message: str
) -> None:
    csv = write_csv(tmp_path / "d.csv", SMALL)
    argv = ["fit", str(csv), "--x", "x", "--y", "y", "--loss", "huber", "--delta", option]
    err = one_line_error(capsys, argv)
    assert "argument --delta" in err
    assert message in err


def test_a_tiny_delta_is_shown_as_written_and_the_table_stays_aligned(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # All 17 digits: 6 significant digits (1.23457e-300) would not read back as the delta.
    delta = "1.2345678901234568e-300"
    csv = write_csv(tmp_path / "d.csv", SMALL)
    assert main(["fit", str(csv), "--x", "x", "--y", "y", "--loss", "all", "--delta", delta]) == 0
    table = capsys.readouterr().out.splitlines()[1:5]
    assert table[3].startswith(f"huber (delta={delta}) ")
    assert len({len(line) for line in table}) == 1  # every column ends where the header's does


def test_a_line_the_figure_cannot_draw_is_one_line_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The l2 line at x = 1e-20 is about 1e-320: predict refuses it, which was a traceback.
    csv = write_csv(tmp_path / "d.csv", "x,y\n1e-20,0\n1,1e-300\n2,2e-300\n")
    png = tmp_path / "lines.png"
    err = one_line_error(capsys, fit_args(csv, "--save", str(png)))
    assert "the l2 line cannot be drawn for --save: at x = 1e-20 or 2" in err
    assert not png.exists()
    assert main(fit_args(csv)) == 0  # the fit itself stands


def test_errors_quote_at_most_80_characters_of_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    huge = "7" * 50 + "z" * 100_000
    csv = write_csv(tmp_path / "d.csv", f"x,y\n0,1\n1,{huge}\n2,5\n")
    err = one_line_error(capsys, fit_args(csv))
    assert len(err) < 400
    assert "(100,050 characters)" in err
    err = one_line_error(capsys, [*fit_args(csv), "--loss", huge])
    assert len(err) < 400
    err = one_line_error(capsys, [*fit_args(csv)[:2], "--x", huge, "--y", "y"])
    assert len(err) < 400


# --- pipes and disks ----------------------------------------------------------------------------


class _ClosedPipe:
    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    def flush(self) -> None:
        raise BrokenPipeError(32, "Broken pipe")


def test_a_closed_pipe_exits_quietly_with_141(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdout", _ClosedPipe())
    assert main([]) == cli.EXIT_CLOSED_PIPE == 141
    assert capsys.readouterr().err == ""


def test_a_closed_pipe_in_a_real_process_prints_nothing() -> None:
    read, write = os.pipe()
    os.close(read)  # the reader is gone before the command writes a byte
    try:
        done = subprocess.run(
            [sys.executable, "-m", "l1l2"], stdout=write, stderr=subprocess.PIPE, check=False
        )
    finally:
        os.close(write)
    assert done.returncode == 141
    assert done.stderr == b""


@pytest.mark.parametrize("command", ["", "experiment", "fit {csv} --x x --y y"])
def test_a_closed_stdout_is_one_line_on_stderr_and_status_1(command: str, tmp_path: Path) -> None:
    # Started with standard output closed, Python's sys.stdout is None: the final flush was an
    # AttributeError traceback with status 1.
    csv = tmp_path / "ok.csv"
    csv.write_text("x,y\n1,2\n2,3\n3,5\n")
    arguments = command.format(csv=shlex.quote(str(csv)))
    line = f"{shlex.quote(sys.executable)} -m l1l2 {arguments} >&-"
    done = subprocess.run(["bash", "-c", line], capture_output=True, text=True, check=False)
    assert done.returncode == 1
    assert done.stderr == "l1l2: error: cannot write the output: standard output is closed\n"
    silent = subprocess.run(["bash", "-c", line + " 2>&-"], capture_output=True, check=False)
    assert (silent.returncode, silent.stdout, silent.stderr) == (1, b"", b"")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
def test_a_full_disk_gives_one_line_and_status_1() -> None:
    with open("/dev/full", "w", encoding="utf-8") as full:
        done = subprocess.run(
            [sys.executable, "-m", "l1l2"], stdout=full, stderr=subprocess.PIPE, check=False
        )
    assert done.returncode == 1
    assert done.stderr.decode() == "l1l2: error: cannot write the output: No space left on device\n"


def test_a_csv_beyond_the_limit_is_refused_before_it_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    csv = write_csv(tmp_path / "d.csv", SMALL)
    monkeypatch.setattr(cli, "MAX_CSV_BYTES", 10)
    err = one_line_error(capsys, fit_args(csv))
    assert "l1l2 fit reads at most" in err


@pytest.mark.parametrize(
    ("rows", "values"),
    [
        # Matplotlib's axes: every point at one spot of a ±0.05 axis (a blank figure)...
        (
            [(50.0 + k, float(f"{1 + k}e-290")) for k in range(6)],
            "y axis cannot show values from 1e-290 to 6e-290 (--y 'y')",
        ),
        # ... or x from 1e15 to 1e15 + 6 (the ends in all their digits, not both "1e+15").
        (
            [(1e15 + k, k % 3) for k in range(7)],
            "x axis cannot show values from 1e+15 to 1000000000000006.0 (--x 'x')",
        ),
        # ... or ticks that overflow (a traceback after the table).
        (
            [(k % 3 + 1.0, 0.0) for k in range(14)] + [(3.0, 1.7e308)],
            "y axis cannot show values from 0 to 1.7e+308 (--y 'y')",
        ),
    ],
)
def test_a_figure_matplotlib_cannot_draw_is_refused_before_the_table(
    rows: list[tuple[float, float]], values: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = write_csv(tmp_path / "d.csv", "x,y\n" + "".join(f"{a!r},{b!r}\n" for a, b in rows))
    png = tmp_path / "lines.png"
    err = one_line_error(capsys, ["fit", str(csv), "--x", "x", "--y", "y", "--save", str(png)])
    assert f"the figure cannot be drawn for --save: Matplotlib's {values}; rescale that" in err
    assert not png.exists()


@pytest.mark.parametrize("command", [["experiment"], ["fit", "{csv}", "--x", "x", "--y", "y"]])
def test_save_without_matplotlib_is_refused_before_anything_runs(
    command: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = cli.importlib.util.find_spec
    monkeypatch.setattr(
        cli.importlib.util,
        "find_spec",
        lambda name, *a: None if name == "matplotlib" else real(name, *a),
    )
    csv = write_csv(tmp_path / "d.csv", SMALL)
    argv = [part.replace("{csv}", str(csv)) for part in command]
    err = one_line_error(capsys, [*argv, "--save", str(tmp_path / "out.png")])
    assert "--save needs matplotlib: install it with pip install 'l1l2[plot]'" in err
    assert capsys.readouterr().out == ""


def test_a_constant_x_column_is_named_by_its_header(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = write_csv(tmp_path / "d.csv", "year,calls\n1950,1\n1950,2\n1950,4\n")
    err = one_line_error(capsys, ["fit", str(csv), "--x", "year", "--y", "calls"])
    assert (
        "the --x column 'year' holds one value, 1950: a line needs at least two different x" in err
    )
