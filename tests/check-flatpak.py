#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks the Flatpak manifest without building it (that needs the GNOME runtime): it
parses, names the app, a runtime and a command, gives every finish-arg a reason, and
every local path it names exists.

usage: check-flatpak.py MANIFEST.json
"""
import json
import os
import sys

LOCAL_SOURCE_TYPES = ('dir', 'file', 'patch', 'script')


def local_paths(module):
    for source in module.get('sources', []):
        if isinstance(source, str):  # a module file of its own
            yield source
        elif source.get('type') in LOCAL_SOURCE_TYPES and 'path' in source:
            yield source['path']
        for path in source.get('paths', []) if isinstance(source, dict) else []:
            yield path
    for sub in module.get('modules', []):
        if isinstance(sub, str):
            yield sub
        else:
            yield from local_paths(sub)


def main():
    manifest = sys.argv[1]
    base = os.path.dirname(os.path.abspath(manifest))
    with open(manifest, encoding='utf-8') as f:
        data = json.load(f)
    errors = []
    for key in ('id', 'runtime', 'runtime-version', 'sdk', 'command', 'modules'):
        if key not in data:
            errors.append('missing "%s"' % key)
    if data.get('runtime') != 'org.gnome.Platform':
        errors.append('runtime is not org.gnome.Platform')
    # flatpak-builder ignores keys starting with "//": the reasons live there
    reasons = data.get('//finish-args', {})
    for arg in data.get('finish-args', []):
        if not reasons.get(arg, '').strip():
            errors.append('finish-arg %s has no reason in "//finish-args"' % arg)
    for arg in reasons:
        if arg not in data.get('finish-args', []):
            errors.append('"//finish-args" explains %s, which is not granted' % arg)
    for module in data.get('modules', []):
        for path in local_paths(module) if isinstance(module, dict) else [module]:
            if not os.path.exists(os.path.join(base, path)):
                errors.append('local path %s does not exist' % path)
    # The thumbnail cache's permission is there because the code uses the host's cache
    # (vs_thumbnail_cache_dir()); each without the other is a bug.
    cache_code = os.path.join(base, '..', 'src', 'core', 'vs-thumbnail-cache.c')
    if os.path.exists(cache_code):
        with open(cache_code, encoding='utf-8') as f:
            uses_host_cache = 'HOST_XDG_CACHE_HOME' in f.read()
        granted = '--filesystem=xdg-cache/thumbnails' in data.get('finish-args', [])
        if uses_host_cache and not granted:
            errors.append('the code uses the host\'s thumbnail cache, but '
                          '--filesystem=xdg-cache/thumbnails is not granted')
        if granted and not uses_host_cache:
            errors.append('--filesystem=xdg-cache/thumbnails is granted, but the code never '
                          'uses the host\'s thumbnail cache (HOST_XDG_CACHE_HOME)')
    for error in errors:
        print('not ok: ' + error)
    if errors:
        sys.exit(1)
    print('ok: %s on %s//%s, %d finish-args with reasons'
          % (data['id'], data['runtime'], data['runtime-version'], len(reasons)))


if __name__ == '__main__':
    main()
