"""The benchmark's quick mode runs and agrees with scipy on its small instance."""

from benchmarks.matching import run_case


def test_quick_benchmark_matches_scipy_exactly():
    out = run_case("A", quick=True)
    assert out["matched"] == out["scipy_matched"]
    assert abs(out["total"] - out["scipy_total"]) <= 1e-9 * max(1.0, out["scipy_total"])
    assert out["ours_quality"]["total"] >= out["greedy_quality"]["total"]
