#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/bench/bench-duplicates.py - the duplicates benchmark's test set and its scorer (run by
# tests/bench/bench-duplicates.sh; usable alone).
#
#   bench-duplicates.py generate DIR N_SOURCES JOBS
#     N_SOURCES distinct source videos (20 s to 3 min) under DIR, each with its copies, made with
#     gst-launch-1.0 only. A source is a sequence of "scenes" of 2-8 s drawn from the source's own
#     seed: each a videotestsrc pattern with its own parameters (zone plates, the ball, bars,
#     pinwheels, ...), scroll speed, colours, a crop of the pattern (zoomed back to the frame) and
#     a flip, and for some sources a small moving ball composited over everything. The copies:
#       lowrate.mp4   decoded and re-encoded at a quarter of the bitrate
#       640x360.mp4   decoded, scaled to 640x360, re-encoded
#       remux.mkv     the same H.264 stream in Matroska
#       trim2s.mp4    the first 2 s cut off (the HLS download's segments but the first, decoded
#                     and re-encoded: the source's key frames are exactly 2 s apart)
#       hls/          an HLS download (hlssink2: index.m3u8 and 2 s segments of the same stream)
#     Each source's folder is made under a temporary name, then renamed: an interrupted run
#     resumes. DIR is keyed by GENERATOR_VERSION by the caller.
#   bench-duplicates.py score TRUTH_DIR DB_MAP JSON_FILE...
#     Scores `vidshelf-cli duplicates --json` outputs (one per sensitivity) against the truth.
#     See score() for the formats.
import fcntl
import json
import os
import random
import re
import shlex
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

GENERATOR_VERSION = 1
FPS = 24
WIDTH, HEIGHT = 1280, 720
DRAW_W, DRAW_H = 960, 540          # patterns are drawn smaller, cropped, then scaled up
GOP = 2 * FPS                      # key frames exactly every 2 s (scenecut off): the trim cut
SOURCE_KBITS = 2500
COPIES = ["orig.mp4", "lowrate.mp4", "640x360.mp4", "remux.mkv", "trim2s.mp4", "hls"]

# patterns that move by themselves, and static ones that scroll (horizontal-speed) or not
PATTERNS = [
    ("zone-plate", 6), ("chroma-zone-plate", 2), ("ball", 5), ("smpte", 2), ("smpte75", 1),
    ("smpte-rp-219", 1), ("bar", 2), ("colors", 2), ("gradient", 1), ("pinwheel", 2),
    ("spokes", 2), ("circular", 2), ("checkers-8", 1), ("gamut", 1), ("solid-color", 1),
]


def colour(rng):
    return "0x%08x" % (0xff000000 | rng.randrange(0, 1 << 24))


def scene(rng):
    """One scene: (frames, gst-launch branch description)."""
    names = [p for p, _ in PATTERNS]
    weights = [w for _, w in PATTERNS]
    pattern = rng.choices(names, weights)[0]
    frames = rng.randint(2 * FPS, 8 * FPS)
    props = ["pattern=%s" % pattern]
    if pattern in ("zone-plate", "chroma-zone-plate"):
        props += ["kx2=%d" % rng.randint(0, 40), "ky2=%d" % rng.randint(0, 40),
                  "kt=%d" % rng.randint(-6, 6), "kxt=%d" % rng.randint(-3, 3),
                  "kyt=%d" % rng.randint(-3, 3), "kxy=%d" % rng.randint(0, 8),
                  "kx=%d" % rng.randint(-30, 30), "ky=%d" % rng.randint(-30, 30),
                  "xoffset=%d" % rng.randint(-300, 300), "yoffset=%d" % rng.randint(-200, 200)]
        if "kx2=0" in props and "ky2=0" in props:
            props.append("kx2=17")
    elif pattern == "ball":
        props += ["motion=%s" % rng.choice(["wavy", "sweep", "hsweep"]),
                  "foreground-color=%s" % colour(rng), "background-color=%s" % colour(rng)]
    elif pattern == "solid-color":
        props += ["foreground-color=%s" % colour(rng)]
    else:
        props += ["horizontal-speed=%d" % rng.choice([0, 0, rng.randint(-12, 12)])]
        if pattern in ("bar", "pinwheel", "spokes", "circular", "checkers-8", "gradient"):
            props += ["foreground-color=%s" % colour(rng), "background-color=%s" % colour(rng)]
    # a crop of up to 40 % of each side, zoomed back to the frame, and a flip
    left, right = rng.randint(0, DRAW_W * 2 // 5), rng.randint(0, DRAW_W * 2 // 5)
    top, bottom = rng.randint(0, DRAW_H * 2 // 5), rng.randint(0, DRAW_H * 2 // 5)
    flip = rng.choice(["none", "none", "horizontal-flip", "vertical-flip", "rotate-180"])
    branch = ("videotestsrc %s num-buffers=%d ! video/x-raw,width=%d,height=%d,framerate=%d/1 "
              "! videocrop left=%d right=%d top=%d bottom=%d ! videoflip method=%s ! videoscale add-borders=false "
              "! videoconvert ! video/x-raw,format=I420,width=%d,height=%d,pixel-aspect-ratio=1/1"
              % (" ".join(props), frames, DRAW_W, DRAW_H, FPS, left, right, top, bottom, flip,
                 WIDTH, HEIGHT))
    return frames, branch, pattern


def plan(index):
    """The source's scenes (seeded by its index) up to a duration of 20 s to 3 min."""
    rng = random.Random(1000003 * (index + 1) + GENERATOR_VERSION)
    target = rng.randint(20 * FPS, 180 * FPS)
    scenes, total = [], 0
    while total < target:
        frames, branch, pattern = scene(rng)
        frames = min(frames, target - total) if target - total >= 2 * FPS else frames
        branch = re.sub(r"num-buffers=\d+", "num-buffers=%d" % frames, branch)
        scenes.append((frames, branch, pattern))
        total += frames
    overlay = None
    if rng.random() < 0.5:
        size = rng.randint(120, 300)
        overlay = (rng.randint(0, WIDTH - size), rng.randint(0, HEIGHT - size), size,
                   rng.choice(["wavy", "sweep", "hsweep"]), colour(rng))
    return total, scenes, overlay


def gst(args, log, timeout=1800):
    with open(log, "a") as f:
        f.write("$ gst-launch-1.0 %s\n" % " ".join(args))
        f.flush()
        # one word an argument: gst-launch-1.0 quotes an argument holding spaces
        r = subprocess.run(["gst-launch-1.0", "-q", "-e"] + shlex.split(" ".join(args)),
                           stdout=f, stderr=f,
                           timeout=timeout)
    if r.returncode != 0:
        raise RuntimeError("gst-launch-1.0 failed (%s): %s" % (log, " ".join(args)[:300]))


def hls(src_desc, out_dir, log):
    """hlssink2 may not exit after writing #EXT-X-ENDLIST (1.22): wait for it, then stop it."""
    os.makedirs(out_dir, exist_ok=True)
    playlist = os.path.join(out_dir, "index.m3u8")
    desc = ("%s ! hlssink2 target-duration=2 max-files=0 playlist-length=0 "
            "location=%s/seg%%05d.ts playlist-location=%s" % (src_desc, out_dir, playlist))
    with open(log, "a") as f:
        f.write("$ gst-launch-1.0 %s\n" % desc)
        f.flush()
        p = subprocess.Popen(["gst-launch-1.0", "-q", "-e"] + shlex.split(desc), stdout=f,
                             stderr=f)
        t0 = time.time()
        while True:
            done = os.path.exists(playlist) and "ENDLIST" in open(playlist).read()
            if done or p.poll() is not None:
                break
            if time.time() - t0 > 1800:
                break
            time.sleep(0.2)
        if p.poll() is None:
            p.terminate()
        p.wait()
    text = open(playlist).read() if os.path.exists(playlist) else ""
    if "ENDLIST" not in text:
        raise RuntimeError("hlssink2 did not finish %s (%s)" % (out_dir, log))
    if not text.endswith("\n"):
        with open(playlist, "a") as f:
            f.write("\n")


def make_source(root, index):
    """With $BENCH_LOCK (a file), each source is made holding flock() on it: on a machine shared
    with other heavy jobs the set is made between theirs."""
    name = "s%02d" % index
    if os.path.isdir(os.path.join(root, name)):
        return name, 0.0
    lock = os.environ.get("BENCH_LOCK")
    if not lock:
        return make_source_unlocked(root, index)
    with open(lock, "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            return make_source_unlocked(root, index)
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def make_source_unlocked(root, index):
    name = "s%02d" % index
    final = os.path.join(root, name)
    if os.path.isdir(final):
        return name, 0.0
    t0 = time.time()
    tmp = os.path.join(root, ".tmp-" + name)
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    log = os.path.join(tmp, "gen.log")
    total, scenes, overlay = plan(index)
    x264 = ("x264enc speed-preset=ultrafast key-int-max=%d option-string=\"scenecut=0\" "
            "bitrate=%%d ! video/x-h264,profile=(string)high ! h264parse" % GOP)
    # the source: the scenes joined by concat, for some sources a moving ball composited over
    tail = "videoconvert ! video/x-raw,format=I420 ! %s ! mp4mux ! filesink location=%s/orig.mp4" % (
        x264 % SOURCE_KBITS, tmp)
    if overlay:
        x, y, size, motion, fg = overlay
        desc = ("compositor name=m sink_1::xpos=%d sink_1::ypos=%d ! %s concat name=c ! m.sink_0 "
                "videotestsrc pattern=ball motion=%s foreground-color=%s background-color=0x00000000 "
                "num-buffers=%d ! video/x-raw,format=AYUV,width=%d,height=%d,framerate=%d/1 ! m.sink_1 "
                % (x, y, tail, motion, fg, total, size, size, FPS))
    else:
        desc = "concat name=c ! %s " % tail
    for _, branch, _ in scenes:
        desc += "%s ! c. " % branch
    gst([desc], log)
    orig = os.path.join(tmp, "orig.mp4")
    dec = "filesrc location=%s ! qtdemux ! h264parse ! avdec_h264 ! videoconvert" % orig
    gst(["%s ! video/x-raw,format=I420 ! %s ! mp4mux ! filesink location=%s/lowrate.mp4"
         % (dec, x264 % (SOURCE_KBITS // 4), tmp)], log)
    gst(["%s ! videoscale ! video/x-raw,width=640,height=360,format=I420 ! %s ! mp4mux "
         "! filesink location=%s/640x360.mp4" % (dec, x264 % 900, tmp)], log)
    gst(["filesrc location=%s ! qtdemux ! h264parse ! matroskamux ! filesink location=%s/remux.mkv"
         % (orig, tmp)], log)
    hls("filesrc location=%s ! qtdemux ! h264parse" % orig, os.path.join(tmp, "hls"), log)
    segs = sorted(f for f in os.listdir(os.path.join(tmp, "hls")) if f.endswith(".ts"))
    first = open(os.path.join(tmp, "hls", "index.m3u8")).read()
    m = re.search(r"#EXTINF:([0-9.]+)", first)
    if not m or abs(float(m.group(1)) - 2.0) > 0.05:
        raise RuntimeError("%s: the first HLS segment is not 2 s (%s)" % (name, m and m.group(1)))
    # the trimmed copy: every segment but the first, decoded and re-encoded
    gst(["multifilesrc location=%s/hls/seg%%05d.ts start-index=1 stop-index=%d "
         "caps=video/mpegts,systemstream=true,packetsize=188 ! tsdemux ! h264parse ! avdec_h264 "
         "! videoconvert ! video/x-raw,format=I420 ! %s ! mp4mux ! filesink location=%s/trim2s.mp4"
         % (tmp, len(segs) - 1, x264 % SOURCE_KBITS, tmp)], log)
    with open(os.path.join(tmp, "plan.txt"), "w") as f:
        f.write("frames %d (%.2f s) fps %d overlay %s\n" % (total, total / FPS, FPS, overlay))
        for frames, branch, pattern in scenes:
            f.write("%d %s\n" % (frames, branch))
    os.rename(tmp, final)
    return name, time.time() - t0


def generate(root, n, jobs):
    os.makedirs(root, exist_ok=True)
    # distinct sources: no two share their scene sequence
    seqs = {}
    for i in range(n):
        key = tuple(b for _, b, _ in plan(i)[1])
        if key in seqs:
            sys.exit("sources %d and %d have the same scenes" % (seqs[key], i))
        seqs[key] = i
    todo = [i for i in range(n) if not os.path.isdir(os.path.join(root, "s%02d" % i))]
    if todo:
        secs = sum(plan(i)[0] for i in todo) / FPS
        print("  generating %d sources (%.0f s of video, 6 copies each) in %s ..."
              % (len(todo), secs, root), flush=True)
    t0 = time.time()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for name, secs in pool.map(lambda i: make_source(root, i), todo):
            print("  made %s in %.0f s" % (name, secs), flush=True)
    if todo:
        print("  generated in %.0f s" % (time.time() - t0), flush=True)


# scoring ---------------------------------------------------------------------------------------

def item_of(path, root):
    """(source, copy) of an indexed path: the HLS folder, or its playlist, is the 'hls' copy."""
    rel = os.path.relpath(path, root)
    parts = rel.split(os.sep)
    if len(parts) < 2 or not re.fullmatch(r"s\d\d", parts[0]):
        return None
    copy = "hls" if parts[1] == "hls" else parts[1]
    return parts[0], copy


def groups_of(path):
    """The groups of a `vidshelf-cli duplicates --json` output (a group a line: "videos", each
    with its "path", and "pairs", "a" and "b" indexes into "videos" with their "distance"):
    lists of paths, and {frozenset((path, path)): distance}."""
    out, dists = [], {}
    for line in open(path):
        if not line.strip():
            continue
        g = json.loads(line)
        paths = [v["path"] for v in g.get("videos", [])]
        out.append(paths)
        for pair in g.get("pairs", []):
            a, b = pair.get("a"), pair.get("b")
            if a is not None and b is not None and pair.get("distance") is not None:
                dists[frozenset((paths[a], paths[b]))] = pair["distance"]
    return out, dists


def score(root, items_file, outputs):
    """items_file: every indexed item's path, one a line. outputs: SENSITIVITY=FILE."""
    items = [line.rstrip("\n") for line in open(items_file) if line.strip()]
    truth = {}
    for p in items:
        it = item_of(p, root)
        if it:
            truth[p] = it
    by_source = {}
    for p, (s, c) in truth.items():
        by_source.setdefault(s, []).append(p)
    true_pairs = set()
    for s, ps in by_source.items():
        for i in range(len(ps)):
            for j in range(i + 1, len(ps)):
                true_pairs.add(frozenset((ps[i], ps[j])))
    copies = sorted({c for _, c in truth.values()})
    result = {"items": len(truth), "sources": len(by_source), "true_pairs": len(true_pairs),
              "sensitivities": {}}
    for arg in outputs:
        sens, path = arg.split("=", 1)
        groups, dists = groups_of(path)
        found = set()
        unknown = 0
        for g in groups:
            g = [p for p in g]
            unknown += sum(1 for p in g if p not in truth)
            for i in range(len(g)):
                for j in range(i + 1, len(g)):
                    found.add(frozenset((g[i], g[j])))
        tp = found & true_pairs
        fp = {pr for pr in found - true_pairs if all(p in truth for p in pr)}
        distinct = {frozenset(truth[p][0] for p in pr) for pr in fp}
        per_copy = {}
        # recall per transformation: the pairs (orig, copy) found, and any pair with the copy
        for c in copies:
            if c == "orig.mp4":
                continue
            want = found_n = 0
            for s, ps in by_source.items():
                o = [p for p in ps if truth[p][1] == "orig.mp4"]
                k = [p for p in ps if truth[p][1] == c]
                if o and k:
                    want += 1
                    found_n += frozenset((o[0], k[0])) in found
            per_copy[c] = (found_n, want)
        grouped_sources = 0
        for s, ps in by_source.items():
            # a source is whole when one group holds all its items
            if any(set(ps) <= set(g) for g in groups):
                grouped_sources += 1
        r = {
            "groups": len(groups),
            "found_pairs": len(found),
            "true_positive": len(tp),
            "false_pairs": len(fp),
            "distinct_source_pairs": len(distinct),
            "distinct_sources": sorted("+".join(sorted(d)) for d in distinct)[:10],
            "precision": len(tp) / len(found) if found else 1.0,
            "recall": len(tp) / len(true_pairs) if true_pairs else 1.0,
            "per_copy": per_copy,
            "whole_sources": grouped_sources,
            "unknown_paths": unknown,
        }
        if dists:
            t = sorted(d for pr, d in dists.items() if pr in true_pairs)
            f = sorted(d for pr, d in dists.items() if pr not in true_pairs)
            r["true_distances"] = t
            r["false_distances"] = f
        result["sensitivities"][sens] = r
    return result


def print_score(res):
    print("items %d from %d sources, %d true pairs" % (res["items"], res["sources"],
                                                        res["true_pairs"]))
    rows = []
    for sens, r in res["sensitivities"].items():
        rows.append((sens, r))
        print("%-7s groups %3d  pairs %4d  precision %6.2f %%  recall %6.2f %%  "
              "distinct-source pairs %d  sources whole in one group %d/%d"
              % (sens, r["groups"], r["found_pairs"], 100 * r["precision"], 100 * r["recall"],
                 r["distinct_source_pairs"], r["whole_sources"], res["sources"]))
        if r["distinct_sources"]:
            print("        distinct sources grouped: %s" % ", ".join(r["distinct_sources"]))
        print("        recall of (orig, copy) per copy: " + ", ".join(
            "%s %d/%d" % (c, f, w) for c, (f, w) in sorted(r["per_copy"].items())))
        if r["unknown_paths"]:
            print("        %d grouped paths not in the set" % r["unknown_paths"])


def pct(values, p):
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, max(0, int(round(p / 100 * len(values) + 0.4999)) - 1))]


def distance_report(root, distances_file):
    """Every pair's distance (vs-bench-duplicates distances): per kind of copy, the distances of
    (orig, copy) pairs; for pairs of distinct sources, the closest ones; how many of each fall
    within each sensitivity. Returns Markdown lines."""
    maxd = {}
    true_d, false_d = {}, []
    closest = {}
    for line in open(distances_file):
        if line.startswith("#"):
            w = line.split()
            maxd = {w[i]: int(w[i + 1]) for i in range(2, len(w) - 1, 2)}
            continue
        a, b, d = line.rstrip("\n").split("\t")
        d = int(d)
        ia, ib = item_of(a, root), item_of(b, root)
        if not ia or not ib:
            continue
        if ia[0] == ib[0]:
            kinds = {ia[1], ib[1]}
            if "orig.mp4" in kinds:
                other = (kinds - {"orig.mp4"}) or {"orig.mp4"}
                true_d.setdefault(other.pop(), []).append(d)
            else:
                true_d.setdefault("copy vs copy", []).append(d)
        else:
            key = frozenset((ia[0], ib[0]))
            if d >= 0:
                false_d.append(d)
                if closest.get(key) is None or d < closest[key]:
                    closest[key] = d
            else:
                closest.setdefault(key, None)
    md = []
    head = "| pairs | count | not comparable | min | median | p95 | max | " + " | ".join(
        "≤ %s (%d)" % (k, v) for k, v in maxd.items()) + " |"
    md.append(head)
    md.append("|" + "---|" * (7 + len(maxd)))

    def row(label, ds):
        ok = [d for d in ds if d >= 0]
        cells = [label, str(len(ds)), str(len(ds) - len(ok))]
        for f in (min, lambda v: pct(v, 50), lambda v: pct(v, 95), max):
            cells.append(str(f(ok)) if ok else "-")
        for v in maxd.values():
            cells.append(str(sum(1 for d in ok if d <= v)))
        md.append("| " + " | ".join(cells) + " |")

    for kind in sorted(true_d):
        row("orig vs %s" % kind if kind != "copy vs copy" else "copy vs copy (same source)",
            true_d[kind])
    row("distinct sources, every comparable pair of items", false_d)
    row("distinct sources (comparable), closest pair of items", [d for d in closest.values() if d is not None])
    near = sorted((d, sorted(k)) for k, d in closest.items() if d is not None)[:5]
    md.append("")
    md.append("closest distinct sources: " + ", ".join("%s+%s %d" % (k[0], k[1], d)
                                                       for d, k in near))
    return md


def main():
    if len(sys.argv) >= 5 and sys.argv[1] == "generate":
        generate(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    elif len(sys.argv) >= 5 and sys.argv[1] == "score":
        res = score(sys.argv[2], sys.argv[3], sys.argv[4:])
        print_score(res)
        if os.environ.get("DISTANCES"):
            print("\n".join(distance_report(sys.argv[2], os.environ["DISTANCES"])))
        if os.environ.get("SCORE_JSON"):
            with open(os.environ["SCORE_JSON"], "w") as f:
                json.dump(res, f, default=list)
    elif len(sys.argv) == 4 and sys.argv[1] == "distances":
        print("\n".join(distance_report(sys.argv[2], sys.argv[3])))
    elif len(sys.argv) == 3 and sys.argv[1] == "plan":
        total, scenes, overlay = plan(int(sys.argv[2]))
        print("frames %d overlay %s" % (total, overlay))
        for frames, branch, pattern in scenes:
            print(frames, pattern)
    else:
        sys.exit("usage: bench-duplicates.py generate DIR N JOBS | score ROOT ITEMS S=FILE... | "
                 "distances ROOT FILE | plan INDEX")


if __name__ == "__main__":
    main()
