# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Hypothesis settings and strategies shared by the property tests.

``BOUNDED`` keeps every run bounded and repeatable: derandomized, no example database, 200 examples::

    @BOUNDED
    @given(JSON_VALUES)
    def test_any_answer_is_read_without_crashing(value): ...
"""

from hypothesis import HealthCheck, settings, strategies as st

BOUNDED = settings(max_examples=200, deadline=None, derandomize=True, database=None,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# JSON values as a (broken) proxy or API could send them.
JSON_SCALARS = (st.none() | st.booleans() | st.integers(min_value=-10 ** 20, max_value=10 ** 20)
                | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=12))
JSON_VALUES = st.recursive(JSON_SCALARS, lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.text(max_size=6), inner, max_size=3), max_leaves=12)
