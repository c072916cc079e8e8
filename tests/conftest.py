"""Shared test settings."""

import os

import matplotlib
from hypothesis import HealthCheck, settings

matplotlib.use("Agg")  # no display here; tests draw to memory

# No per-example deadline: the machine is shared and timing is not what these tests check.
settings.register_profile("default", deadline=None, suppress_health_check=[HealthCheck.too_slow])
# In CI the examples are derandomized, so a red run can be reproduced exactly.
settings.register_profile("ci", parent=settings.get_profile("default"), derandomize=True)
# HYPOTHESIS_PROFILE=thorough for a long search before a release.
settings.register_profile("thorough", parent=settings.get_profile("default"), max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "default"))
