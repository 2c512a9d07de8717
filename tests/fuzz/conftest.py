"""Hypothesis settings for the fuzz suite, and a tally of the inputs tried.

CI runs the ``ci`` profile: derandomized (the same inputs every run, so a failure reproduces) and small
enough that the whole folder stays within about a minute. ``make fuzz`` runs the ``long`` profile:
``NNBUILDER_FUZZ_PROFILE=long`` with ``NNBUILDER_FUZZ_EXAMPLES`` inputs per test (default 3000) and
``NNBUILDER_FUZZ_SEED`` choosing which ones (default 0), so a long run is reproducible too.
"""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

from hypothesis import HealthCheck, seed, settings

PROFILE = os.environ.get("NNBUILDER_FUZZ_PROFILE", "ci")
_COMMON: dict[str, Any] = {
    "deadline": None,
    "database": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much,
                              HealthCheck.function_scoped_fixture],
    "print_blob": True,
}
settings.register_profile("nnbuilder-fuzz-ci", max_examples=int(os.environ.get("NNBUILDER_FUZZ_EXAMPLES", "0") or 0)
                          or 60, derandomize=True, **_COMMON)
settings.register_profile("nnbuilder-fuzz-long", max_examples=int(os.environ.get("NNBUILDER_FUZZ_EXAMPLES", "3000")),
                          derandomize=False, **_COMMON)


def fuzz_settings(scale: float = 1.0) -> settings:
    """Settings for one fuzz test; ``scale`` gives cheap tests more inputs and costly ones fewer."""
    base = settings.get_profile(f"nnbuilder-fuzz-{PROFILE}")
    return settings(base, max_examples=max(5, int(base.max_examples * scale)))


def fuzz(scale: float = 1.0) -> Any:
    """Decorator for a ``@given`` test: the profile's settings, and in the long profile a chosen seed."""

    def apply(test: Any) -> Any:
        test = fuzz_settings(scale)(test)
        if PROFILE == "long":
            test = seed(int(os.environ.get("NNBUILDER_FUZZ_SEED", "0")))(test)
        return test

    return apply


#: inputs tried, by what was checked; printed at the end of the run (``make fuzz`` reports it).
TALLY: Counter[str] = Counter()
#: what became of them: refused with a ProjectError, loaded, built and ran forward.
OUTCOMES: Counter[str] = Counter()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if TALLY:
        parts = ", ".join(f"{k} {v:,}" for k, v in sorted(TALLY.items()))
        terminalreporter.write_line(f"fuzz ({PROFILE} profile): {sum(TALLY.values()):,} inputs tried ({parts})")
        outcomes = ", ".join(f"{k} {v:,}" for k, v in sorted(OUTCOMES.items()))
        terminalreporter.write_line(f"fuzz outcomes: {outcomes}")
