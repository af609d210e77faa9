"""Offline stand-in for ansible-test's pip bootstrap script (get-pip.py).

ansible-test downloads get-pip-<version>.py from a host that may be unreachable and keeps it in
~/.ansible/test/cache/. This stand-in, installed under the name ansible-test expects, bootstraps the interpreter's
bundled pip instead and then runs `pip install <arguments>` with the system CA bundle, so the package index
configured on the machine is used.
"""
import ensurepip
import runpy
import ssl
import sys

UNKNOWN_TO_PIP_INSTALL = {"--no-setuptools", "--no-wheel"}


def main():
    ensurepip.bootstrap(upgrade=True)
    args = [arg for arg in sys.argv[1:] if arg not in UNKNOWN_TO_PIP_INSTALL]
    cafile = ssl.get_default_verify_paths().openssl_cafile
    sys.argv = ["pip", "install"] + (["--cert", cafile] if cafile else []) + args
    runpy.run_module("pip", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
