"""Build the Linux bundle, slim it, and pack it as a .tar.gz and a .deb (`make bundle`).

Steps, each measured: PyInstaller with packaging/linux/nnbuilder.spec (the exclusions in
packaging/common.py are applied there and their savings written to exclusions.json); strip every
ELF file (`strip --strip-unneeded` keeps the dynamic symbols that loading needs); check that every
library a bundled binary needs is in the bundle or is a base system library; pack. The figures go to
OUT/figures.json and are printed.

    python packaging/build_linux.py [--out build/bundle] [--naive] [--no-packages]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import APP_NAME, MIME_TYPE, ROOT, version  # noqa: E402

LINUX = ROOT / "packaging" / "linux"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def tree_size(path: Path) -> int:
    """Bytes of the regular files under ``path`` (symlinks counted once, as links)."""
    total = 0
    for p in path.rglob("*"):
        if p.is_file() and not p.is_symlink():
            total += p.stat().st_size
    return total


def is_elf(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(4) == b"\x7fELF"
    except OSError:
        return False


def elf_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and not p.is_symlink() and is_elf(p)]


def loadable_segments(path: Path) -> bool:
    """The loader's rule for each LOAD segment: offset and address agree modulo the alignment.

    `strip` rewrites libraries that auditwheel patched with patchelf (numpy.libs/, pillow.libs/) into
    files that break it ("ELF load command address/offset not page-aligned"), so every stripped file
    is checked and the original kept when it fails.
    """
    import struct

    data = path.read_bytes()[:65536]
    if data[4] != 2 or data[5] != 1:  # only 64-bit little-endian files are stripped
        return False
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    for i in range(phnum):
        off = phoff + i * phentsize
        if off + 56 > len(data):
            return False
        p_type, _flags, p_offset, p_vaddr, _paddr, _filesz, _memsz, p_align = struct.unpack_from("<IIQQQQQQ", data, off)
        if p_type == 1 and p_align > 1 and p_offset % p_align != p_vaddr % p_align:
            return False
    return True


def strip_bundle(root: Path) -> dict:
    """Strip symbols the loader does not need; returns bytes saved in all and for the largest files."""
    saved: dict[str, int] = {}
    kept: list[str] = []
    for p in elf_files(root):
        before = p.stat().st_size
        tmp = p.with_name(p.name + ".stripped")
        r = subprocess.run(["strip", "--strip-unneeded", "-o", str(tmp), str(p)], capture_output=True, text=True)
        if r.returncode != 0 or not loadable_segments(tmp):  # left as it was
            tmp.unlink(missing_ok=True)
            kept.append(str(p.relative_to(root)))
            continue
        shutil.copymode(p, tmp)
        tmp.replace(p)
        saved[str(p.relative_to(root))] = before - p.stat().st_size
    top = sorted(saved.items(), key=lambda kv: kv[1], reverse=True)[:5]
    return {"files": len(saved), "bytes": sum(saved.values()), "largest": dict(top), "left_unstripped": kept}


def needed(path: Path) -> list[str]:
    out = subprocess.run(["objdump", "-p", str(path)], capture_output=True, text=True).stdout
    return [line.split()[1] for line in out.splitlines() if line.strip().startswith("NEEDED")]


def _from_system(lib: str) -> bool:
    """Base libraries every Linux desktop has, which PyInstaller never bundles (libc, libGL, libxcb, ...)."""
    from PyInstaller.depend import dylib

    return lib.startswith("ld-linux") or not dylib.include_library(lib)


def system_libraries(root: Path) -> list[str]:
    """Libraries the bundle takes from the system (the .deb's Depends must cover them)."""
    present = {p.name for p in root.rglob("*")}
    return sorted({lib for p in elf_files(root) for lib in needed(p) if lib not in present and _from_system(lib)})


def glibc_required(root: Path) -> str:
    """Newest GLIBC symbol version any bundled binary needs: the oldest glibc the bundle runs on."""
    import re

    best = (0, 0)
    for p in elf_files(root):
        out = subprocess.run(["objdump", "-T", str(p)], capture_output=True, text=True).stdout
        for major, minor in re.findall(r"GLIBC_(\d+)\.(\d+)", out):
            best = max(best, (int(major), int(minor)))
    return f"{best[0]}.{best[1]}"


def missing_libraries(root: Path) -> dict[str, list[str]]:
    """Libraries a bundled binary needs that are neither in the bundle nor base system libraries.

    Base system libraries are those PyInstaller itself never bundles (libc, libGL, libxcb, ...): a
    target machine must provide them, so the .deb depends on their packages.
    """
    present = {p.name for p in root.rglob("*")}
    out: dict[str, list[str]] = {}
    for p in elf_files(root):
        for lib in needed(p):
            if lib in present or _from_system(lib):
                continue
            out.setdefault(lib, []).append(str(p.relative_to(root)))
    return out


def dangling_links(root: Path) -> list[str]:
    return [str(p.relative_to(root)) for p in root.rglob("*") if p.is_symlink() and not p.exists()]


def run_pyinstaller(out: Path, naive: bool) -> float:
    env = dict(os.environ, NNBUILDER_EXCLUSIONS_REPORT=str(out / "exclusions.json"))
    if naive:
        env["NNBUILDER_BUNDLE_NAIVE"] = "1"
    env.pop("PYTHONPATH", None)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
                    "--distpath", str(out / "dist"), "--workpath", str(out / "work"),
                    str(LINUX / "nnbuilder.spec")], check=True, env=env, cwd=ROOT)
    return time.perf_counter() - t0


def bundled_source_root(out: Path) -> str:
    """Folder the bundled nnbuilder package was taken from (guards against an installed copy winning)."""
    import re

    for toc in (out / "work" / "nnbuilder").glob("PYZ-*.toc"):
        m = re.search(r"\(\s*'nnbuilder',\s*'([^']+)'", toc.read_text(encoding="utf-8"))
        if m:
            return str(Path(m.group(1)).resolve().parent.parent)
    return ""


def desktop_files(stage: Path, prefix: str) -> None:
    """The .desktop entry, MIME type and icons, under ``stage`` (a usr/ or ~/.local/ tree)."""
    share = stage / "share"
    (share / "applications").mkdir(parents=True, exist_ok=True)
    text = (LINUX / "nnbuilder.desktop").read_text(encoding="utf-8").replace("@EXEC@", prefix)
    (share / "applications" / "nnbuilder.desktop").write_text(text, encoding="utf-8")
    (share / "mime" / "packages").mkdir(parents=True, exist_ok=True)
    shutil.copy2(LINUX / "nnbuilder-mime.xml", share / "mime" / "packages" / "nnbuilder.xml")
    icons = ROOT / "resources" / "icons"
    mime_icon = MIME_TYPE.replace("/", "-")
    for size in ICON_SIZES:
        for kind, name in (("apps", APP_NAME), ("mimetypes", mime_icon)):
            d = share / "icons" / "hicolor" / f"{size}x{size}" / kind
            d.mkdir(parents=True, exist_ok=True)
            shutil.copy2(icons / f"nnbuilder-{size}.png", d / f"{name}.png")
    for kind, name in (("apps", APP_NAME), ("mimetypes", mime_icon)):
        d = share / "icons" / "hicolor" / "scalable" / kind
        d.mkdir(parents=True, exist_ok=True)
        shutil.copy2(icons / "nnbuilder.svg", d / f"{name}.svg")


def make_tarball(bundle: Path, out: Path, ver: str) -> Path:
    top = f"nnbuilder-{ver}-linux-x86_64"
    path = out / f"{top}.tar.gz"
    extras = out / "tar-extras"
    shutil.rmtree(extras, ignore_errors=True)
    extras.mkdir()
    shutil.copy2(LINUX / "install-desktop.sh", extras / "install-desktop.sh")
    (extras / "install-desktop.sh").chmod(0o755)
    shutil.copy2(LINUX / "nnbuilder.desktop", extras / "nnbuilder.desktop")
    shutil.copy2(LINUX / "nnbuilder-mime.xml", extras / "nnbuilder-mime.xml")
    with gzip.open(path, "wb", compresslevel=6) as gz, tarfile.open(fileobj=gz, mode="w") as tar:
        tar.add(bundle, arcname=f"{top}/nnbuilder")
        for f in sorted(extras.iterdir()):
            tar.add(f, arcname=f"{top}/{f.name}")
    shutil.rmtree(extras)
    return path


def make_deb(bundle: Path, out: Path, ver: str, glibc: str) -> Path:
    stage = out / "deb-root"
    shutil.rmtree(stage, ignore_errors=True)
    opt = stage / "opt" / "nnbuilder"
    opt.parent.mkdir(parents=True)
    shutil.copytree(bundle, opt, symlinks=True)
    (stage / "usr" / "bin").mkdir(parents=True)
    launcher = stage / "usr" / "bin" / "nnbuilder"
    shutil.copy2(LINUX / "nnbuilder-launcher.sh", launcher)
    launcher.chmod(0o755)
    desktop_files(stage / "usr", "/usr/bin/nnbuilder")
    debian = stage / "DEBIAN"
    debian.mkdir()
    size_kb = tree_size(stage) // 1024
    control = (LINUX / "control").read_text(encoding="utf-8")
    control = control.replace("@VERSION@", ver).replace("@SIZE@", str(size_kb)).replace("@GLIBC@", glibc)
    (debian / "control").write_text(control, encoding="utf-8")
    for script in ("postinst", "postrm"):
        shutil.copy2(LINUX / script, debian / script)
        (debian / script).chmod(0o755)
    path = out / f"nnbuilder_{ver}_amd64.deb"
    subprocess.run(["dpkg-deb", "--root-owner-group", "-Zgzip", "-z6", "--build", str(stage), str(path)],
                   check=True, stdout=subprocess.DEVNULL)
    shutil.rmtree(stage)
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "build" / "bundle")
    ap.add_argument("--naive", action="store_true", help="no exclusions and no strip (the baseline)")
    ap.add_argument("--no-packages", action="store_true", help="build the folder only")
    ap.add_argument("--reuse", action="store_true", help="keep OUT/dist as built before (to iterate on packing)")
    args = ap.parse_args(argv)
    out: Path = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    ver = version()
    figures: dict = {"version": ver, "naive": args.naive}

    bundle = out / "dist" / APP_NAME
    if args.reuse and bundle.is_dir():
        figures.update(json.loads((out / "figures.json").read_text(encoding="utf-8"))
                       if (out / "figures.json").is_file() else {"build_seconds": 0.0})
    else:
        figures["build_seconds"] = round(run_pyinstaller(out, args.naive), 1)
    figures["source_root"] = bundled_source_root(out)
    figures.setdefault("size_before_strip", tree_size(bundle))
    if (out / "exclusions.json").is_file():
        figures["exclusions"] = json.loads((out / "exclusions.json").read_text(encoding="utf-8"))
    if not args.naive and "strip" not in figures:
        t0 = time.perf_counter()
        figures["strip"] = strip_bundle(bundle)
        figures["strip_seconds"] = round(time.perf_counter() - t0, 1)
    figures["size_unpacked"] = tree_size(bundle)
    missing = missing_libraries(bundle)
    figures["system_libraries"] = system_libraries(bundle)
    figures["glibc_required"] = glibc_required(bundle)
    dangling = dangling_links(bundle)
    (out / "figures.json").write_text(json.dumps(figures, indent=2), encoding="utf-8")
    if missing or dangling:
        for lib, users in missing.items():
            print(f"bundle: {lib} is needed by {', '.join(users[:3])} but is not in the bundle", file=sys.stderr)
        for link in dangling:
            print(f"bundle: {link} points at a file that was excluded", file=sys.stderr)
        return 1
    if not args.no_packages:
        t0 = time.perf_counter()
        tarball = make_tarball(bundle, out, ver)
        deb = make_deb(bundle, out, ver, figures["glibc_required"])
        figures["pack_seconds"] = round(time.perf_counter() - t0, 1)
        figures["tar_gz"] = {"file": tarball.name, "bytes": tarball.stat().st_size}
        figures["deb"] = {"file": deb.name, "bytes": deb.stat().st_size}
    (out / "figures.json").write_text(json.dumps(figures, indent=2), encoding="utf-8")
    print(format_figures(figures))
    return 0


def mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


def format_figures(f: dict) -> str:
    lines = [f"nnbuilder {f['version']} bundle{' (naive)' if f.get('naive') else ''}",
             f"  built from           {f.get('source_root', '?')}",
             f"  PyInstaller          {f['build_seconds']} s",
             f"  before strip         {mb(f['size_before_strip'])}"]
    for group, row in sorted(f.get("exclusions", {}).items(), key=lambda kv: -kv[1]["bytes"]):
        lines.append(f"  excluded             {mb(row['bytes']):>10}  {row['files']:4d} files  {group}")
    if "strip" in f:
        lines.append(f"  strip saved          {mb(f['strip']['bytes']):>10}  {f['strip']['files']:4d} files "
                     f"({f['strip_seconds']} s)")
    lines.append(f"  unpacked             {mb(f['size_unpacked'])}")
    if "glibc_required" in f:
        lines.append(f"  needs glibc >=       {f['glibc_required']}; from the system: {', '.join(f['system_libraries'])}")
    for key in ("tar_gz", "deb"):
        if key in f:
            lines.append(f"  {f[key]['file']:<40} {mb(f[key]['bytes'])}")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
