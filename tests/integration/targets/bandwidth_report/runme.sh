#!/usr/bin/env bash
# ansible-test would run this target as a role named "bandwidth_report", which resolves to the collection's own role
# of the same name; running the tasks from a playbook keeps the two apart.
set -eux
ansible-playbook runme.yml "$@"
