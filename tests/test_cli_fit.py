"""``l1l2 fit FILE.csv``: a line through a reader's own data, and one-line errors on bad files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from l1l2 import data
from l1l2.cli import main

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def write_phones(path: Path) -> Path:
    year, calls = data.belgian_phones()
    lines = ["year,calls"] + [f"{y:g},{c:g}" for y, c in zip(year, calls, strict=True)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def rows(out: str) -> dict[str, list[float]]:
    table = {}
    for line in out.splitlines():
        parts = line.split()
        if parts and parts[0] in {"l1", "l2", "huber", "quantile"}:
            table[parts[0]] = [float(v) for v in parts[-3:]]
    return table


def test_fit_prints_every_line_of_the_phone_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = write_phones(tmp_path / "phones.csv")
    assert main(["fit", str(csv), "--x", "year", "--y", "calls"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    table = rows(out)
    slope, intercept = np.polyfit(*data.belgian_phones(), 1)
    assert table["l2"][:2] == pytest.approx([intercept, slope], rel=1e-5)
    year, calls = data.belgian_phones()
    # Huber's delta by default is "auto", in units of y: 1.345 times the abs-L1 line's robust
    # residual scale (median absolute residual / 0.6745), printed in the row's name.
    (huber_row,) = [line for line in out.splitlines() if line.startswith("huber (delta=auto: ")]
    delta = float(huber_row.split("auto: ")[1].split(")")[0])
    b1, a1 = table["l1"][:2]
    scale = np.median(np.abs(calls - b1 - a1 * year)) / 0.6745
    assert delta == pytest.approx(1.345 * scale, rel=1e-5)
    # every printed line's total loss is what its intercept and slope give, independently
    for loss, (b, a, total) in table.items():
        r = calls - b - a * year
        m = np.minimum(np.abs(r), delta)
        expected = {
            "l1": np.abs(r).sum(),
            "l2": (r**2).sum(),
            "huber": (m * (np.abs(r) - m / 2)).sum(),
        }[loss]
        assert total == pytest.approx(expected, rel=1e-4)
    assert table["l1"][2] < np.abs(calls - intercept - slope * year).sum()
    assert "not unique" in out


def test_fit_one_loss_with_delta_and_a_saved_figure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = write_phones(tmp_path / "phones.csv")
    png = tmp_path / "lines.png"
    argv = ["fit", str(csv), "--x", "year", "--y", "calls", "--loss", "huber", "--delta", "2.5"]
    assert main([*argv, "--save", str(png)]) == 0
    out = capsys.readouterr().out
    assert set(rows(out)) == {"huber"}
    assert "delta=2.5" in out
    assert png.read_bytes().startswith(PNG_SIGNATURE)


def test_fit_skips_blank_lines_and_reads_quoted_numbers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = tmp_path / "d.csv"
    csv.write_text('a,b,c\n0,"1",x\n\n1,3,y\n2,5,z\n', encoding="utf-8")
    assert main(["fit", str(csv), "--x", "a", "--y", "b", "--loss", "l2"]) == 0
    assert rows(capsys.readouterr().out)["l2"] == pytest.approx([1.0, 2.0, 0.0], abs=1e-9)


@pytest.mark.parametrize("q", [0.1, 0.5, 0.9])
def test_fit_a_quantile_line_is_the_pinball_minimiser(
    q: float, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = write_phones(tmp_path / "phones.csv")
    argv = ["fit", str(csv), "--x", "year", "--y", "calls", "--loss", "quantile"]
    assert main([*argv, "--quantile", str(q)]) == 0
    out = capsys.readouterr().out
    assert f"quantile (q={q:g})" in out
    b, a, total = rows(out)["quantile"]
    year, calls = data.belgian_phones()
    r = calls - b - a * year  # the pinball loss of the printed line, written out here
    assert total == pytest.approx(np.maximum(q * r, (q - 1) * r).sum(), rel=1e-5)
    # no line through two of the points (where an exact pinball line lies) does better
    i, j = np.triu_indices(year.size, 1)
    slopes = (calls[j] - calls[i]) / (year[j] - year[i])
    lines = np.stack([calls[i] - slopes * year[i], slopes], axis=1)
    residuals = calls[None, :] - lines[:, :1] - lines[:, 1:] * year[None, :]
    best = np.maximum(q * residuals, (q - 1) * residuals).sum(axis=1).min()
    assert total == pytest.approx(best, rel=1e-5)


def test_fit_all_fits_every_loss_of_the_table_that_needs_no_parameter(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = write_phones(tmp_path / "phones.csv")
    assert main(["fit", str(csv), "--x", "year", "--y", "calls"]) == 0
    assert list(rows(capsys.readouterr().out)) == ["l1", "l2", "huber"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--loss", "quantile"], "--loss quantile needs --quantile Q"),
        (["--quantile", "0.5"], "--quantile applies to --loss quantile only, not --loss all"),
        (["--loss", "quantile", "--quantile", "1"], "strictly between 0 and 1"),
        (["--loss", "quantile", "--quantile", "nan"], "quantile"),
    ],
)
def test_fit_refuses_a_quantile_it_cannot_use(
    argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = write_phones(tmp_path / "phones.csv")
    with pytest.raises(SystemExit) as exit_info:
        main(["fit", str(csv), "--x", "year", "--y", "calls", *argv])
    assert exit_info.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert message in err


@pytest.mark.parametrize(
    ("content", "argv", "message"),
    [
        (None, [], "cannot read"),
        ("year,calls\n1,2\n2,3\n", ["--x", "yr"], "has no column 'yr' (its columns: year, calls)"),
        ("year,calls\n1,2\n2,oops\n3,4\n", [], "line 3, column 'calls': 'oops' is not a finite"),
        ("year,calls\n1,2\n2,nan\n", [], "line 3, column 'calls': 'nan' is not a finite"),
        ("year,calls\n1,2\n2,\n", [], "line 3, column 'calls': '' is not a finite"),
        ("year,calls\n1,2\n2\n", [], "line 3 has 1 field(s) but the header names 2"),
        ("year,calls\n1,2\n", [], "has 1 data row(s): a line needs at least 2"),
        ("", [], "is empty"),
        ("year,calls\n1,2\n1,3\n", [], "the --x column 'year' holds one value, 1"),
        ("year,calls\n1,2\n2,3\n", ["--loss", "l1", "--delta", "2"], "--delta applies"),
        ("year,calls\n1,2\n2,3\n", ["--delta", "0"], "delta must be > 0"),
        ("year,calls\n1,2\n2,3\n", ["--loss", "signed"], "invalid choice"),
    ],
)
def test_fit_bad_input_exits_2_with_one_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: str | None,
    argv: list[str],
    message: str,
) -> None:
    csv = tmp_path / "data.csv"
    if content is not None:
        csv.write_text(content, encoding="utf-8")
    base = ["fit", str(csv), "--x", "year", "--y", "calls"]
    if "--x" in argv:
        base = ["fit", str(csv), "--y", "calls"]
    with pytest.raises(SystemExit) as exit_info:
        main([*base, *argv])
    assert exit_info.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("l1l2 fit: error: ")
    assert message in err


def test_fit_needs_both_columns(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv = write_phones(tmp_path / "phones.csv")
    with pytest.raises(SystemExit) as exit_info:
        main(["fit", str(csv), "--x", "year"])
    assert exit_info.value.code == 2
    assert "--y" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("column", "option"),
    [("calls", "--y"), ("year", "--x")],
)
def test_a_column_beyond_float64_is_named_by_its_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], column: str, option: str
) -> None:
    # The fit's errors name the column's option, not an option of the experiment (--noise).
    values = {"year": ["1", "2", "3"], "calls": ["1", "2", "3"]}
    values[column] = ["1e308", "-1e308", "1e308"]
    pairs = zip(values["year"], values["calls"], strict=True)
    lines = ["year,calls", *(f"{a},{b}" for a, b in pairs)]
    csv = tmp_path / "huge.csv"
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        main(["fit", str(csv), "--x", "year", "--y", "calls", "--loss", "l2"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(f"l1l2 fit: error: {option} "), err
    assert "--noise" not in err


@pytest.mark.parametrize(("column", "option"), [("x", "--x"), ("y", "--y")])
def test_a_missing_column_is_named_by_its_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], column: str, option: str
) -> None:
    csv = write_phones(tmp_path / "phones.csv")
    names = {"x": "year", "y": "calls", column: "missing"}
    with pytest.raises(SystemExit) as exit_info:
        main(["fit", str(csv), "--x", names["x"], "--y", names["y"]])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(f"l1l2 fit: error: {option}: "), err
    assert "has no column 'missing'" in err


def test_fit_huber_delta_is_auto_by_default_and_follows_the_units_of_y(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    year, calls = data.belgian_phones()
    found = {}
    for scale in (1.0, 1e-6, 1e6):
        csv = tmp_path / f"phones-{scale:g}.csv"
        body = "".join(
            f"{float(a)!r},{float(b) * scale!r}\n" for a, b in zip(year, calls, strict=True)
        )
        csv.write_text("year,calls\n" + body, encoding="utf-8")
        lines = []
        for delta in ([], ["--delta", "auto"]):
            argv = ["fit", str(csv), "--x", "year", "--y", "calls", "--loss", "huber", *delta]
            assert main(argv) == 0
            lines.append(capsys.readouterr().out.splitlines()[2])
        assert lines[0] == lines[1]
        # "huber (delta=auto: 2.33057)    intercept    slope    total loss"
        name, values = lines[0].split(")")
        assert name.startswith("huber (delta=auto: ")
        delta, (intercept, slope, total) = float(name.split(": ")[1]), map(float, values.split())
        found[scale] = (delta / scale, intercept / scale, slope / scale, total / scale**2)
    for scale in (1e-6, 1e6):
        assert found[scale] == pytest.approx(found[1.0], rel=1e-5)


def test_fit_points_to_l1_lines_only_where_it_can_list_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # x 0..4 repeated, y alternating 0/1: every line from 0 to 1 between fits abs L1 equally.
    for n, listed in [(30, True), (3000, False)]:
        csv = tmp_path / f"ties-{n}.csv"
        csv.write_text("x,y\n" + "".join(f"{k % 5},{k % 2}\n" for k in range(n)), encoding="utf-8")
        assert main(["fit", str(csv), "--x", "x", "--y", "y", "--loss", "l1"]) == 0
        out = capsys.readouterr().out
        assert "The l1 line is not unique: other lines fit equally well" in out
        assert ("l1l2.regression.l1_lines lists them" in out) == listed
        assert " -0 " not in out  # a slope that rounding left at -0.0 prints as 0
