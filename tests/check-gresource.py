#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fails when a .ui file or the stylesheet under src/ui is missing from the gresource.

usage: check-gresource.py SOURCE_ROOT
"""
import os
import sys
import xml.etree.ElementTree as ET


def main():
    ui = os.path.join(sys.argv[1], 'src', 'ui')
    listed = {f.text for f in ET.parse(os.path.join(ui, 'vidshelf.gresource.xml')).iter('file')}
    wanted = {'style.css'}
    for folder, _dirs, files in os.walk(ui):
        wanted |= {os.path.relpath(os.path.join(folder, n), ui) for n in files if n.endswith('.ui')}
    missing = sorted(wanted - listed)
    for path in missing:
        print('not ok: src/ui/%s is not in vidshelf.gresource.xml' % path)
    if missing:
        sys.exit(1)
    print('ok: %d .ui files and the stylesheet in the gresource' % (len(wanted) - 1))


if __name__ == '__main__':
    main()
