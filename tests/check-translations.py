#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fails when a translation in po/LINGUAS lacks a message of the sources, or holds a
fuzzy one, or one whose format directives differ from its msgid.

Extracts the messages of po/POTFILES with xgettext (the keywords of meson's 'glib'
gettext preset), merges each catalogue against them in a temporary folder (the sources
are left alone) and reads msgfmt's statistics.

usage: check-translations.py SOURCE_ROOT
"""
import os
import re
import subprocess
import sys
import tempfile

KEYWORDS = ['_', 'N_', 'C_:1c,2', 'NC_:1c,2', 'g_dcgettext:2', 'g_dngettext:2,3',
            'g_dpgettext2:2c,3']


def main():
    root = sys.argv[1]
    po = os.path.join(root, 'po')
    with open(os.path.join(po, 'LINGUAS'), encoding='utf-8') as f:
        linguas = [w for line in f if not line.startswith('#') for w in line.split()]
    status = 0
    with tempfile.TemporaryDirectory() as tmp:
        pot = os.path.join(tmp, 'messages.pot')
        subprocess.run(['xgettext', '--from-code=UTF-8', '--add-comments',
                        '--directory', root, '--files-from', os.path.join(po, 'POTFILES'),
                        '--output', pot] + ['--keyword=' + k for k in KEYWORDS],
                       check=True)
        with open(pot, encoding='utf-8') as f:
            total = len(re.findall(r'^msgid ', f.read(), re.M)) - 1
        if total < 1:
            print('not ok: xgettext found no messages in po/POTFILES')
            return 1
        for lang in linguas:
            merged = os.path.join(tmp, lang + '.po')
            subprocess.run(['msgmerge', '--quiet', '--no-fuzzy-matching', '--output-file',
                            merged, os.path.join(po, lang + '.po'), pot], check=True)
            # --check-format fails on a translation whose %s/%u do not match its msgid.
            result = subprocess.run(['msgfmt', '--check-format', '--statistics',
                                     '--output-file', os.devnull, merged],
                                    capture_output=True, text=True)
            stats = result.stderr.strip()
            translated = re.search(r'(\d+) translated', stats)
            translated = int(translated.group(1)) if translated else 0
            if result.returncode != 0 or translated != total:
                print('not ok: %s: %s (of %d messages)' % (lang, stats, total))
                status = 1
                for which in ('--untranslated', '--only-fuzzy'):
                    listed = subprocess.run(['msgattrib', which, '--no-obsolete',
                                             '--no-location', merged],
                                            capture_output=True, text=True, check=True)
                    for msgid in re.findall(r'^msgid ((?:".*"\n)+)', listed.stdout, re.M):
                        text = ''.join(re.findall(r'"(.*)"', msgid))
                        if text:
                            print('  %s: %s' % (which.strip('-'), text))
            else:
                print('ok: %s translates all %d messages' % (lang, total))
    return status


if __name__ == '__main__':
    sys.exit(main())
