#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Installs the build into a temporary DESTDIR and checks every expected file is there.

usage: check-install.py BUILD_DIR PREFIX RELATIVE_PATH...
"""
import os
import subprocess
import sys
import tempfile


def main():
    build, prefix, expected = sys.argv[1], sys.argv[2], sys.argv[3:]
    with tempfile.TemporaryDirectory(prefix='vidshelf-install-') as destdir:
        subprocess.run(['meson', 'install', '-C', build, '--destdir', destdir,
                        '--no-rebuild', '--quiet'], check=True, stdout=subprocess.DEVNULL)
        root = os.path.join(destdir, prefix.lstrip('/'))
        missing = [p for p in expected if not os.path.isfile(os.path.join(root, p))]
        for path in expected:
            print(('not ok ' if path in missing else 'ok ') + path)
        not_executable = [p for p in expected if p.startswith(('bin/', 'libexec/'))
                          and p not in missing
                          and not os.access(os.path.join(root, p), os.X_OK)]
        for path in not_executable:
            print('not ok executable ' + path)
    if missing or not_executable:
        sys.exit(1)


if __name__ == '__main__':
    main()
