"""Smoke check of the Linux installers (`make bundle-check`): build from a clean clone, then use the
bundle alone.

The build runs in a `git clone` of this checkout's HEAD (so uncommitted changes are not in it) with
the Python that runs this script, normally the project's virtualenv: it holds exactly the tested
versions of torch, PySide6 and the rest, and a fresh virtualenv would need about 1 GB of downloads
and many minutes on a small machine. The checks then run the bundle with the virtualenv hidden: a
bare PATH, no PYTHONPATH/VIRTUAL_ENV, a scratch HOME and XDG folders, and a working folder outside
any checkout; the running app's memory map must show no file from the virtualenv or the checkout.

    python packaging/bundle_check.py [--bundle-out DIR] [--skip-build] [--display :N] [--keep]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from build_linux import format_figures, mb  # noqa: E402
from common import ROOT, version  # noqa: E402

ALIVE_SECONDS = 5
READY_RUNS = 3


class CheckFailed(Exception):
    pass


def step(msg: str) -> None:
    print(f"== {msg}", flush=True)


def clean_env(scratch: Path, display: str | None) -> dict[str, str]:
    """An environment with no trace of the virtualenv: only what a teacher's desktop session has."""
    home = scratch / "home"
    for sub in ("", ".cache", ".config", ".local/share"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(home),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_RUNTIME_DIR": str(scratch / "runtime"),
        "LANG": "C.UTF-8",
    }
    (scratch / "runtime").mkdir(mode=0o700, exist_ok=True)
    if display:
        env["DISPLAY"] = display
        env["QT_QPA_PLATFORM"] = "xcb"
    else:
        env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def run(cmd: list[str], env: dict[str, str], cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    r = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    if r.returncode != 0:
        raise CheckFailed(f"{' '.join(cmd)} exited {r.returncode}:\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}")
    return r


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(root)): (p.lstat().st_size, p.lstat().st_mtime_ns) for p in root.rglob("*")}


def start_xvfb(display: str | None) -> tuple[str | None, subprocess.Popen[bytes] | None]:
    """Use DISPLAY as given, or start Xvfb on the first free display from :90; None when no Xvfb."""
    if display:
        return display, None
    if not shutil.which("Xvfb"):
        return None, None
    for n in range(90, 120):
        if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists():
            proc = subprocess.Popen(["Xvfb", f":{n}", "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for _ in range(50):
                if Path(f"/tmp/.X11-unix/X{n}").exists():
                    return f":{n}", proc
                time.sleep(0.1)
            proc.kill()
    return None, None


def time_to_window(exe: list[str], example: Path, env: dict[str, str], cwd: Path) -> float:
    """Seconds from starting the program to its window shown with the event loop idle."""
    env = dict(env, NNBUILDER_EXIT_WHEN_READY="1")
    t0 = time.perf_counter()
    r = subprocess.run([*exe, str(example)], env=env, cwd=cwd, capture_output=True, text=True, timeout=120)
    elapsed = time.perf_counter() - t0
    if r.returncode != 0 or "nnbuilder-ready" not in r.stdout:
        raise CheckFailed(f"the app did not report its window ({r.returncode}):\n{r.stdout[-1500:]}\n{r.stderr[-1500:]}")
    return elapsed  # the program quits right after it reports the window, so this is time to the window


def wait_for_window(env: dict[str, str], proc: subprocess.Popen[str], limit: float = 90) -> float:
    """Seconds until a visible window titled nnbuilder exists (xdotool), so the 5 s start after it."""
    t0 = time.perf_counter()
    if not shutil.which("xdotool") or "DISPLAY" not in env:
        time.sleep(15)
        return time.perf_counter() - t0
    while time.perf_counter() - t0 < limit:
        if proc.poll() is not None:
            raise CheckFailed(f"the app exited before showing its window: {proc.stdout.read()[-2000:]}")
        r = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", "nnbuilder"], env=env,
                           capture_output=True, text=True)
        if r.stdout.strip():
            return time.perf_counter() - t0
        time.sleep(0.25)
    raise CheckFailed(f"no nnbuilder window appeared within {limit:.0f} s")


def looks_rendered(shot: Path) -> int:
    """Distinct colours in the screenshot: a black or blank frame has one or two."""
    from PIL import Image

    with Image.open(shot) as img:
        colours = img.convert("RGB").getcolors(maxcolors=1 << 20)
    return len(colours) if colours is not None else 1 << 20


def mapped_files(pid: int) -> set[str]:
    files = set()
    for line in Path(f"/proc/{pid}/maps").read_text().splitlines():
        parts = line.split(maxsplit=5)
        if len(parts) == 6 and parts[5].startswith("/"):
            files.add(parts[5])
    return files


def app_stays_alive(exe: Path, example: Path, env: dict[str, str], cwd: Path, shot: Path,
                    forbidden: list[Path], bundle: Path) -> dict:
    proc = subprocess.Popen([str(exe), str(example)], env=env, cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        shown = wait_for_window(env, proc)
        time.sleep(ALIVE_SECONDS)
        if proc.poll() is not None:
            raise CheckFailed(f"the app exited after less than {ALIVE_SECONDS} s: {proc.stdout.read()[-2000:]}")
        maps = mapped_files(proc.pid)
        if "DISPLAY" in env:
            subprocess.run(["import", "-display", env["DISPLAY"], "-window", "root", str(shot)], check=True,
                           timeout=60)
            if looks_rendered(shot) < 50:
                raise CheckFailed(f"the screenshot {shot} is blank")
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            out, _ = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
    outside = sorted(f for f in maps if any(f.startswith(str(p) + "/") for p in forbidden))
    if outside:
        raise CheckFailed("the app loaded files from outside the bundle:\n  " + "\n  ".join(outside[:20]))
    qt_libs = sorted(p.name for p in (bundle / "_internal" / "PySide6" / "Qt" / "lib").glob("*.so*"))
    loaded = {Path(f).name for f in maps}
    plugins = sorted(str(Path(f).relative_to(bundle)) for f in maps if "/plugins/" in f and f.startswith(str(bundle)))
    return {"qt_libs_unused": [n for n in qt_libs if n not in loaded], "qt_plugins_loaded": plugins,
            "window_after_s": round(shown, 2),
            "output": (out or "")[-600:]}


def check(out: Path, scratch: Path, display: str | None) -> dict:
    figures = json.loads((out / "figures.json").read_text(encoding="utf-8"))
    bundle = out / "dist" / "nnbuilder"
    exe = bundle / "nnbuilder"
    ver = version()
    env = clean_env(scratch, display)
    cwd = scratch / "work"
    cwd.mkdir(exist_ok=True)
    before = snapshot(bundle)
    forbidden = [Path(sys.prefix).resolve(), ROOT]

    step("--version")
    r = run([str(exe), "--version"], env, cwd)
    if r.stdout.strip() != f"nnbuilder {ver}":
        raise CheckFailed(f"--version printed {r.stdout.strip()!r}, expected 'nnbuilder {ver}'")

    examples = sorted((bundle / "_internal" / "resources" / "examples").glob("*.nnb"))
    if not examples:
        raise CheckFailed("the bundle holds no examples")
    guide = bundle / "_internal" / "resources" / "docs" / "user_guide_editor.md"
    if not guide.is_file() or not (guide.parent / "screenshots").is_dir():
        raise CheckFailed("the bundle holds no user guide (F1 would say it is missing)")
    step(f"validate and summary on {len(examples)} examples")
    t0 = time.perf_counter()
    for ex in examples:
        run([str(exe), "validate", str(ex)], env, cwd)
        s = run([str(exe), "summary", "--json", str(ex)], env, cwd)
        json.loads(s.stdout)
    figures["cli_seconds"] = round(time.perf_counter() - t0, 1)

    step("train the spiral example for 3 epochs")
    spiral = next(ex for ex in examples if "spiral" in ex.name)
    weights = cwd / "spiral.safetensors"
    t0 = time.perf_counter()
    r = run([str(exe), "train", str(spiral), "--epochs", "3", "--json", "--out", str(weights)], env, cwd)
    figures["train_seconds"] = round(time.perf_counter() - t0, 1)
    rows = [json.loads(line) for line in r.stdout.splitlines() if line.startswith("{")]
    epochs = [row for row in rows if "epoch" in row and not row.get("final")]
    if len(epochs) != 3 or not all(math.isfinite(row["loss"]) for row in epochs) or not weights.is_file():
        raise CheckFailed(f"training did not report 3 finite epochs and save weights:\n{r.stdout[-1500:]}")
    figures["train_loss"] = [round(row["loss"], 4) for row in epochs]
    run([str(exe), "evaluate", str(spiral), "--weights", str(weights), "--split", "val", "--json"], env, cwd)
    noise = [line for line in r.stderr.splitlines() if "Warning" in line]
    if noise:  # e.g. torch complaining that it cannot read a module's source
        raise CheckFailed("training printed warnings:\n" + "\n".join(noise[:5]))

    if "DISPLAY" not in env:
        raise CheckFailed("no X display: install Xvfb (or pass --display) to check the app's window")
    step(f"the app on {spiral.name}: time to window ({READY_RUNS} runs)")
    times = [time_to_window([str(exe)], spiral, env, cwd) for _ in range(READY_RUNS)]
    figures["launch_to_window_s"] = {"first": round(times[0], 2), "median": round(statistics.median(times), 2)}
    # The same measurement from the checkout with the virtualenv, now, on this machine: the bundle's
    # figure only means something next to it when the machine is shared.
    dev_env = dict(os.environ, QT_QPA_PLATFORM=env["QT_QPA_PLATFORM"], DISPLAY=env["DISPLAY"], PYTHONPATH=str(ROOT),
                   HOME=env["HOME"], XDG_CONFIG_HOME=env["XDG_CONFIG_HOME"])
    dev = [time_to_window([sys.executable, "-m", "nnbuilder"], spiral, dev_env, ROOT) for _ in range(READY_RUNS)]
    figures["launch_to_window_s"]["checkout_median"] = round(statistics.median(dev), 2)

    step(f"the app stays alive {ALIVE_SECONDS} s; screenshot")
    shot = out / "bundle-screenshot.png"
    figures["app"] = app_stays_alive(exe, spiral, env, cwd, shot, forbidden, bundle)
    figures["screenshot"] = str(shot)

    step("the .deb unpacked into a scratch root (dpkg -x); its launcher")
    deb = out / figures["deb"]["file"]
    root = scratch / "root"
    subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
    info = subprocess.run(["dpkg-deb", "-f", str(deb), "Package", "Version", "Architecture"], check=True,
                          capture_output=True, text=True).stdout
    if f"Version: {ver}" not in info:
        raise CheckFailed(f"the .deb's control file says:\n{info}")
    for rel in ("opt/nnbuilder/nnbuilder", "usr/bin/nnbuilder", "usr/share/applications/nnbuilder.desktop",
                "usr/share/mime/packages/nnbuilder.xml", "usr/share/icons/hicolor/256x256/apps/nnbuilder.png",
                "usr/share/icons/hicolor/scalable/apps/nnbuilder.svg"):
        if not (root / rel).exists():
            raise CheckFailed(f"the .deb has no {rel}")
    desktop = (root / "usr/share/applications/nnbuilder.desktop").read_text(encoding="utf-8")
    if "Exec=/usr/bin/nnbuilder %f" not in desktop or "MimeType=application/x-nnbuilder-project;" not in desktop:
        raise CheckFailed(f"the desktop entry does not open .nnb files with nnbuilder:\n{desktop}")
    if shutil.which("update-mime-database"):
        mime = root / "usr/share/mime"
        run(["update-mime-database", str(mime)], env, cwd)
        globs = (mime / "globs2").read_text(encoding="utf-8")
        if "application/x-nnbuilder-project:*.nnb" not in globs:
            raise CheckFailed("update-mime-database did not register *.nnb")
    launcher = root / "usr/bin/nnbuilder"
    r = run([str(launcher), "--version"], env, cwd)
    if r.stdout.strip() != f"nnbuilder {ver}":
        raise CheckFailed(f"the .deb's launcher printed {r.stdout.strip()!r}")
    deb_time = time_to_window([str(launcher)], root / "opt/nnbuilder/_internal/resources/examples" / spiral.name,
                              env, cwd)
    figures["deb_launcher_to_window_s"] = round(deb_time, 2)

    step("the tarball unpacks and runs")
    tar_root = scratch / "tar"
    tar_root.mkdir()
    subprocess.run(["tar", "-xzf", str(out / figures["tar_gz"]["file"]), "-C", str(tar_root)], check=True)
    (top,) = list(tar_root.iterdir())
    r = run([str(top / "nnbuilder" / "nnbuilder"), "--version"], env, cwd)
    if r.stdout.strip() != f"nnbuilder {ver}":
        raise CheckFailed(f"the tarball's program printed {r.stdout.strip()!r}")

    step("nothing was written inside the bundle")
    after = snapshot(bundle)
    changed = sorted(set(after.items()) ^ set(before.items()))
    if changed:
        raise CheckFailed("the bundle's folder changed while it ran: " + ", ".join(sorted({c[0] for c in changed})[:10]))
    written = sorted(str(p.relative_to(scratch / "home")) for p in (scratch / "home").rglob("*") if p.is_file())
    figures["user_files_written"] = written[:20]
    return figures


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bundle-out", type=Path, help="check this build_linux.py --out folder instead of building")
    ap.add_argument("--display", help="X display to use (default: start Xvfb)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="nnbuilder-bundle-check-"))
    xvfb = None
    try:
        if args.bundle_out:
            out = args.bundle_out.resolve()
        else:
            dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                                   capture_output=True, text=True).stdout.strip()
            if dirty:
                print("bundle-check: uncommitted changes are not part of the clean clone:\n" + dirty, flush=True)
            step(f"clean clone of {ROOT} (HEAD) into {tmp / 'src'}")
            subprocess.run(["git", "clone", "-q", "--no-hardlinks", str(ROOT), str(tmp / "src")], check=True)
            out = tmp / "out"
            step(f"build with {sys.executable} (nice -n 10)")
            t0 = time.perf_counter()
            subprocess.run(["nice", "-n", "10", sys.executable, str(tmp / "src" / "packaging" / "build_linux.py"),
                            "--out", str(out)], check=True, cwd=tmp / "src")
            total = time.perf_counter() - t0
            f = json.loads((out / "figures.json").read_text(encoding="utf-8"))
            if Path(f["source_root"]).resolve() != (tmp / "src").resolve():
                raise CheckFailed(f"the bundle's nnbuilder came from {f['source_root']}, not from the clean clone")
            f["build_total_seconds"] = round(total, 1)
            (out / "figures.json").write_text(json.dumps(f, indent=2), encoding="utf-8")
        display, xvfb = start_xvfb(args.display or None)
        scratch = tmp / "scratch"
        scratch.mkdir()
        figures = check(out, scratch, display)
        (out / "figures.json").write_text(json.dumps(figures, indent=2), encoding="utf-8")
        if not args.bundle_out:
            keep = ROOT / "build" / "bundle-check"
            keep.mkdir(parents=True, exist_ok=True)
            for name in ("figures.json", "bundle-screenshot.png"):
                if (out / name).exists():
                    shutil.copy2(out / name, keep / name)
            figures["screenshot"] = str(keep / "bundle-screenshot.png")
        print()
        print(format_figures(figures))
        if "build_total_seconds" in figures:
            print(f"  build from the clone  {figures['build_total_seconds']} s (PyInstaller, strip, pack)")
        print(f"  validate+summary     {figures['cli_seconds']} s for all examples")
        print(f"  train spiral 3 ep.   {figures['train_seconds']} s, losses {figures['train_loss']}")
        w = figures["launch_to_window_s"]
        print(f"  launch to window     {w['first']} s first, {w['median']} s median of {READY_RUNS}"
              f" (.deb launcher {figures['deb_launcher_to_window_s']} s; from the checkout now:"
              f" {w['checkout_median']} s, ratio {w['median'] / w['checkout_median']:.2f})")
        print(f"  load average         {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        print(f"  Qt libs not mapped   {', '.join(figures['app']['qt_libs_unused']) or 'none'}")
        print(f"  user files written   {len(figures['user_files_written'])} (under the scratch HOME)")
        print(f"  screenshot           {figures['screenshot']}")
        ok_size = figures["size_unpacked"] <= 650e6 and figures["tar_gz"]["bytes"] <= 300e6
        print(f"  size goals (650 MB / 300 MB): {'met' if ok_size else 'NOT met'} "
              f"({mb(figures['size_unpacked'])} / {mb(figures['tar_gz']['bytes'])})")
        print("bundle-check: OK")
        return 0
    except (CheckFailed, subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        print(f"bundle-check: FAILED: {exc}", file=sys.stderr)
        return 1
    finally:
        if xvfb is not None:
            xvfb.terminate()
            xvfb.wait(timeout=10)
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
