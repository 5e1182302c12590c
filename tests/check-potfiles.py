#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fails when a source file with translatable strings is missing from po/POTFILES, or
POTFILES names a file that is gone.

usage: check-potfiles.py SOURCE_ROOT
"""
import os
import re
import sys

# _("…"), N_("…"), C_(…), g_dngettext/ngettext, translatable="yes" in .ui, and the
# desktop/metainfo/schema sources that i18n.merge_file and gettext read.
MARKERS = re.compile(r'(?<![A-Za-z0-9_])(?:_|N_|C_|NC_|g_dngettext|ngettext)\s*\(|'
                     r'translatable="yes"')
SCAN = ('src',)
ALWAYS = ('.desktop.in.in', '.metainfo.xml.in.in', '.gschema.xml.in')


def translatable_files(root):
    found = set()
    for top in SCAN:
        for folder, _dirs, files in os.walk(os.path.join(root, top)):
            for name in files:
                if not name.endswith(('.c', '.ui')):
                    continue
                path = os.path.join(folder, name)
                with open(path, encoding='utf-8') as f:
                    if MARKERS.search(f.read()):
                        found.add(os.path.relpath(path, root))
    for name in os.listdir(os.path.join(root, 'data')):
        if name.endswith(ALWAYS):
            found.add(os.path.join('data', name))
    return found


def main():
    root = sys.argv[1]
    with open(os.path.join(root, 'po', 'POTFILES'), encoding='utf-8') as f:
        listed = {line.strip() for line in f if line.strip() and not line.startswith('#')}
    needed = translatable_files(root)
    status = 0
    for path in sorted(needed - listed):
        print('not ok: %s has translatable strings but is not in po/POTFILES' % path)
        status = 1
    for path in sorted(listed):
        if not os.path.isfile(os.path.join(root, path)):
            print('not ok: po/POTFILES names %s, which does not exist' % path)
            status = 1
    if status == 0:
        print('ok: %d files with translatable strings, all in po/POTFILES' % len(needed))
    sys.exit(status)


if __name__ == '__main__':
    main()
