"""National-scale benchmark: a synthetic site of N products, our build against Hugo's.

    python bench/run.py --products 16000 [--producers 5000] [--images 0] [--rounds 3]
                        [--dir WORK_FOLDER] [--json bench/results.json] [--no-hugo]

Makes the synthetic site (``bench/synth.py``) in a temporary folder, then measures, each
round in this order and interleaved with Hugo (when ``hugo`` is on the PATH) on the same
product Markdown:

- ``cold (empty cache)``, first round only: no ``output/``, no ``.cache/`` (photos, cards,
  QR codes all made);
- ``cold (media cache warm)``: no ``output/``, only ``.cache/media`` kept (what CI does with
  a restored cache);
- ``no-change``: the same build again;
- ``one edit (first)``: one product's story edited (the first build after a cold one also
  fills the spare output folder, see ``ocopsite/writer.py``);
- ``one edit``: another edit (the steady state of an editor's day);
- ``build --full-search``: the search base index rebuilt whole;
- ``check``;
- ``Hugo, equal work: cold``: Hugo into an empty ``public/`` on the same products with the
  same page set as ours (``bench/synth.make_equal_hugo_site``: both languages, product
  pages, producer, commune, group and star pages, paginated catalogue, a feed, a sitemap);
- ``Hugo, minimal layout: cold``: the same products with one-line layouts.

For the cold builds, the pages written per second are the HTML files in the output over
the wall time.

Each figure is the wall time, the peak memory of the whole process tree (the proportional
set size of the build and its worker processes summed, so pages they share count once) and
of the main process alone (resident set), sampled every 20 ms, as the median over rounds.
Then ``serve``: the preview server is started on the built site, one product is saved three
times, and the time from each save to its page being written is the median. Prints a table with ours/Hugo ratios and writes JSON. Not a test: timings
depend on the machine; the README gives the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synth import make_equal_hugo_site, make_hugo_site, make_site  # noqa: E402

PROJECT = Path(__file__).resolve().parent.parent
NOW = "2026-11-30"


def _tree_rss(pid: int) -> tuple[int, int]:
    """Return ``(PSS of the tree, RSS of pid)`` in bytes: the proportional set size summed
    over ``pid`` and its descendants (shared library pages counted once, not per worker),
    and the resident memory of the main process alone."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    total, main, todo = 0, 0, [pid]
    while todo:
        p = todo.pop()
        todo += children.get(p, [])
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1]) * 1024
                    elif line.startswith("Rss:") and p == pid:
                        main = int(line.split()[1]) * 1024
        except (OSError, ValueError, IndexError):
            pass
    return total, main


def measure(cmd: list[str], cwd: Path) -> dict:
    """Run ``cmd``; return wall seconds, peak memory of the process tree (PSS) and of the
    main process (RSS), in MB, and the exit code."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0, 0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            tree, main = _tree_rss(proc.pid)
            peak[0], peak[1] = max(peak[0], tree), max(peak[1], main)
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    if proc.returncode not in (0,):
        print(f"  ! {' '.join(cmd[-3:])} exited {proc.returncode}: {err.decode()[-500:]}", file=sys.stderr)
    return {"seconds": round(wall, 3), "peak_mb": round(peak[0] / 2**20, 1), "main_mb": round(peak[1] / 2**20, 1), "code": proc.returncode}


def ours(site: Path, *args: str) -> list[str]:
    return [sys.executable, str(PROJECT / "build.py"), *args, "--root", str(site), "--now", NOW]


def _clear(site: Path, keep_media: bool) -> None:
    """Remove the output, its spare and the caches; with ``keep_media`` the made photos,
    cards and QR codes (``.cache/media``) stay, as CI keeps them between runs."""
    for folder in [site / "output", site / ".output.spare", *((site / ".cache").glob("*") if (site / ".cache").is_dir() else [])]:
        if not (keep_media and folder.name == "media"):
            shutil.rmtree(folder, ignore_errors=True)


def _edit(site: Path, slug: str, n: int) -> None:
    index = site / "content/products" / slug / "index.md"
    index.write_text(index.read_text(encoding="utf-8") + f"\nMột dòng sửa số {n}.\n", encoding="utf-8")


def serve_edit(site: Path, slug: str, saves: int = 3) -> dict:
    """Start the preview server, save one product ``saves`` times, and return the median
    seconds from a save to its page in ``output/`` showing the change."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # The base URL of the builds above, so the preview's first build finds every page up to date.
    cmd = [sys.executable, str(PROJECT / "build.py"), "serve", "--root", str(site), "--now", NOW, "--port", str(port), "--base-url", "http://127.0.0.1:8000/", "--lang", "en"]  # its lines are read below
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    times = []
    try:
        for line in proc.stdout:
            if line.startswith("serving"):
                break
        else:
            raise RuntimeError("the preview server stopped before serving")
        page = site / "output/san-pham" / slug / "index.html"
        for n in range(saves):
            marker = f"Lần lưu thử {n} lúc {time.time():.0f}"
            started = time.perf_counter()
            _edit_text(site, slug, marker)
            while marker not in page.read_text(encoding="utf-8", errors="replace"):
                if time.perf_counter() - started > 120:
                    raise RuntimeError("the preview never wrote the edited page")
                time.sleep(0.005)
            times.append(time.perf_counter() - started)
            time.sleep(1)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    print(f"serve: save → page written            {statistics.median(times):8.2f} s ({', '.join(f'{t:.2f}' for t in times)})", flush=True)
    return {"seconds": statistics.median(times), "peak_mb": 0, "main_mb": 0, "all_seconds": times}


def _edit_text(site: Path, slug: str, text: str) -> None:
    index = site / "content/products" / slug / "index.md"
    index.write_text(index.read_text(encoding="utf-8") + f"\n{text}\n", encoding="utf-8")


def _output_size(folder: Path) -> dict:
    kinds: dict[str, list[int]] = {}
    for p in folder.rglob("*"):
        if p.is_file():
            kind = {"html": "pages", "svg": "qr codes" if p.name.endswith("qr.svg") or "/qr" in p.name else "svg"}.get(p.suffix[1:], None)
            if kind is None:
                kind = "share cards" if p.name.startswith("the-") else "photos" if p.parent.name == "anh" else "data"
            kinds.setdefault(kind, []).append(p.stat().st_size)
    return {k: {"files": len(v), "bytes": sum(v)} for k, v in sorted(kinds.items())}


def run(args: argparse.Namespace) -> dict:
    """Make the site and run every round; return the results."""
    base = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="ocop-bench-"))
    site, hugo_site, equal_site = base / "site", base / "hugo", base / "hugo-equal"
    shutil.rmtree(base, ignore_errors=True)
    t = time.perf_counter()
    made = make_site(site, args.products, args.producers, args.images)
    print(f"synthetic site: {args.products} products, {args.producers} producers, {args.images} photos "
          f"in {site} ({time.perf_counter() - t:.1f} s)", flush=True)
    hugo = shutil.which("hugo") if not args.no_hugo else None
    if hugo:
        make_equal_hugo_site(site, equal_site)
        make_hugo_site(site, hugo_site)
    edited = made["products"][len(made["products"]) // 2] if made["products"] else "cu-do-thanh-dat"
    rounds: dict[str, list[dict]] = {}
    pages: dict[str, int] = {}

    def hugo_step(name: str, folder: Path) -> tuple:
        return (name, lambda: [shutil.rmtree(folder / d, ignore_errors=True) for d in ("public", "resources")],
                [hugo, "--quiet", "-s", str(folder), "-d", str(folder / "public")], folder / "public")

    for n in range(args.rounds):
        steps = [
            ("cold (media cache warm)", lambda: _clear(site, keep_media=True),
             ours(site, "build"), site / "output"),
            ("no-change", lambda: None, ours(site, "build"), None),
            ("one edit (first)", lambda: _edit(site, edited, 2 * n), ours(site, "build"), None),
            ("one edit", lambda: _edit(site, edited, 2 * n + 1), ours(site, "build"), None),
            ("build --full-search", lambda: None, ours(site, "build", "--full-search"), None),
            ("check", lambda: None, ours(site, "check"), None),
        ]
        if n == 0:  # the slowest figure and the least telling one: once
            steps.insert(0, ("cold (empty cache)", lambda: _clear(site, keep_media=False),
                             ours(site, "build"), site / "output"))
        if hugo:
            steps += [hugo_step("Hugo, equal work: cold", equal_site), hugo_step("Hugo, minimal layout: cold", hugo_site)]
        for name, prepare, cmd, written in steps:
            prepare()
            result = measure(cmd, site)
            if written is not None:
                pages[name] = sum(1 for _ in written.rglob("*.html"))
                result["pages_per_s"] = round(pages[name] / result["seconds"], 1)
            rounds.setdefault(name, []).append(result)
            print(f"round {n + 1}: {name:<28} {result['seconds']:8.2f} s {result['peak_mb']:8.1f} MB", flush=True)
    summary = {name: {"seconds": statistics.median(r["seconds"] for r in rs), "peak_mb": statistics.median(r["peak_mb"] for r in rs),
                      "main_mb": statistics.median(r.get("main_mb", 0) for r in rs), "all_seconds": [r["seconds"] for r in rs],
                      **({"pages": pages[name], "pages_per_s": statistics.median(r["pages_per_s"] for r in rs)} if name in pages else {})}
               for name, rs in rounds.items()}
    summary["serve: save → page written"] = serve_edit(site, edited)
    output = {"products": args.products, "producers": args.producers, "images": args.images, "rounds": args.rounds,
              "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "system": platform.platform()},
              "results": summary, "output": _output_size(site / "output"),
              "hugo_output": _output_size(equal_site / "public") if hugo else None}
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)
    return output


def report(results: dict) -> str:
    """Return the results as a Markdown table, with ratios to Hugo's cold build."""
    hugo = results["results"].get("Hugo, equal work: cold", {}).get("seconds")
    lines = [f"{results['products']:,} products, {results['producers']:,} producers, {results['images']} photos; "
             f"medians of {results['rounds']} rounds, {results['machine']['cpus']} cores", "",
             "| build | wall time | pages written per second | peak memory, all processes (PSS) | main process (RSS) | ours / equal-work Hugo cold |",
             "| --- | --- | --- | --- | --- | --- |"]
    for name, r in results["results"].items():
        ratio = f"{r['seconds'] / hugo:.2f}×" if hugo and not name.startswith("Hugo") else ""
        rate = f"{r['pages_per_s']:,.0f} ({r['pages']:,} pages)" if "pages_per_s" in r else ""
        lines.append(f"| {name} | {r['seconds']:.2f} s | {rate} | {r.get('peak_mb', 0):.0f} MB | {r.get('main_mb', 0):.0f} MB | {ratio} |")
    lines += ["", "| output | files | MB | KB per product |", "| --- | --- | --- | --- |"]
    for kind, v in results["output"].items():
        lines.append(f"| {kind} | {v['files']:,} | {v['bytes'] / 1e6:.1f} | {v['bytes'] / 1e3 / results['products']:.1f} |")
    total = sum(v["bytes"] for v in results["output"].values())
    lines.append(f"| all | {sum(v['files'] for v in results['output'].values()):,} | {total / 1e6:.1f} | {total / 1e3 / results['products']:.1f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--products", type=int, default=16000)
    parser.add_argument("--producers", type=int, default=None, help="default: products / 3.2 (5,000 for 16,000)")
    parser.add_argument("--images", type=int, default=0, help="products that get a generated photo")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--dir", help="work folder (default: a new temporary folder)")
    parser.add_argument("--json", default=str(PROJECT / "bench" / "results.json"))
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--no-hugo", action="store_true")
    args = parser.parse_args()
    args.producers = args.producers or max(30, round(args.products / 3.2))
    results = run(args)
    Path(args.json).write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print()
    print(report(results))


if __name__ == "__main__":
    main()
