# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

class ModuleDocFragment:
    # The standard attribute descriptions; combine with one of the fragments below.
    DOCUMENTATION = r"""
options: {}
attributes:
  check_mode:
    description: Can run in C(check_mode) and return changed status prediction without modifying target.
  diff_mode:
    description: Returns details on what has changed (or possibly needs changing in C(check_mode)), when in diff mode.
"""

    # Membership of the action group used with module_defaults.
    ACTIONGROUP_CENTRAL = r"""
options: {}
attributes:
  action_group:
    description: Use C(group/aruba_central.troubleshooting.central) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - aruba_central.troubleshooting.central
"""

    # A module that only reads from Central: check mode runs it for real, nothing changes.
    CHECK_MODE_READONLY = r"""
options: {}
attributes:
  check_mode:
    support: full
    details:
      - This action only reads from Central and runs normally in check mode.
  diff_mode:
    support: N/A
    details:
      - This action does not modify state.
"""

    # A module that starts something in Central: in check mode it validates its input and sends nothing.
    CHECK_MODE_STARTS_TEST = r"""
options: {}
attributes:
  check_mode:
    support: full
    details:
      - In check mode the options are validated but no test is started.
  diff_mode:
    support: N/A
    details:
      - Starting a test changes no configuration.
"""

    # A module that returns ansible_facts about the host it is run for.
    FACTS = r"""
options: {}
attributes:
  facts:
    description: Action returns an C(ansible_facts) dictionary that updates existing host facts.
    support: full
"""
