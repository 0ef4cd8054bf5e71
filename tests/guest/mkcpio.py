#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""mkcpio.py - write a gzip-compressed cpio "newc" archive (an initramfs)
without needing root: device nodes are written straight into the archive.

Library use (tests/integration/qemu_guest.py):

    c = Cpio()
    c.dir("etc")
    c.file("test.sh", b"echo hi\\n", mode=0o755)
    data = c.gzip()

Command line (tests/guest/build.sh):

    mkcpio.py OUT.gz SRCDIR [--dev PATH:c:MAJOR:MINOR[:MODE]]...

All timestamps are 0 and the entries sorted, so the output is reproducible.
"""

import argparse
import gzip
import os
import stat
import sys


def _pad4(n):
    return (4 - n % 4) % 4


class Cpio:
    def __init__(self):
        self._entries = {}   # path -> (mode, data, rdev)

    def _add(self, path, mode, data=b"", rdev=(0, 0)):
        path = path.strip("/")
        if not path:
            return
        # parent directories first (the kernel needs them to exist)
        parts = path.split("/")
        for i in range(1, len(parts)):
            p = "/".join(parts[:i])
            if p not in self._entries:
                self._entries[p] = (stat.S_IFDIR | 0o755, b"", (0, 0))
        self._entries[path] = (mode, data, rdev)

    def dir(self, path, mode=0o755):
        self._add(path, stat.S_IFDIR | mode)

    def file(self, path, data, mode=0o644):
        if isinstance(data, str):
            data = data.encode()
        self._add(path, stat.S_IFREG | mode, data)

    def symlink(self, path, target):
        self._add(path, stat.S_IFLNK | 0o777, target.encode())

    def chardev(self, path, major, minor, mode=0o600):
        self._add(path, stat.S_IFCHR | mode, b"", (major, minor))

    def add_tree(self, src, prefix=""):
        """Add a directory tree (files, dirs and symlinks; mode kept,
        owner forced to root)."""
        for root, dirs, files in os.walk(src):
            dirs.sort()
            rel = os.path.relpath(root, src)
            base = prefix if rel == "." else os.path.join(prefix, rel)
            for name in sorted(dirs) + sorted(files):
                full = os.path.join(root, name)
                dst = os.path.join(base, name)
                st = os.lstat(full)
                perm = stat.S_IMODE(st.st_mode)
                if stat.S_ISLNK(st.st_mode):
                    self.symlink(dst, os.readlink(full))
                elif stat.S_ISDIR(st.st_mode):
                    self.dir(dst, perm)
                elif stat.S_ISREG(st.st_mode):
                    with open(full, "rb") as f:
                        self.file(dst, f.read(), perm)
                else:
                    raise ValueError("unsupported file type: %s" % full)

    def bytes(self):
        out = bytearray()
        ino = 1

        def entry(name, mode, data, rdev, nlink):
            nonlocal ino
            nb = name.encode() + b"\0"
            hdr = "070701" + "".join("%08X" % v for v in (
                ino, mode, 0, 0, nlink, 0, len(data), 0, 0,
                rdev[0], rdev[1], len(nb), 0))
            ino += 1
            out.extend(hdr.encode() + nb + b"\0" * _pad4(110 + len(nb)))
            out.extend(data + b"\0" * _pad4(len(data)))

        for path in sorted(self._entries):
            mode, data, rdev = self._entries[path]
            entry(path, mode, data, rdev, 2 if stat.S_ISDIR(mode) else 1)
        entry("TRAILER!!!", 0, b"", (0, 0), 1)
        return bytes(out)

    def gzip(self):
        data = gzip.compress(self.bytes(), compresslevel=9, mtime=0)
        # keep the next concatenated archive 4-byte aligned
        return data + b"\0" * _pad4(len(data))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("srcdir")
    ap.add_argument("--dev", action="append", default=[],
                    help="PATH:c:MAJOR:MINOR[:MODE] device node to add")
    a = ap.parse_args(argv)
    c = Cpio()
    c.add_tree(a.srcdir)
    for spec in a.dev:
        f = spec.split(":")
        if len(f) not in (4, 5) or f[1] != "c":
            ap.error("bad --dev %r" % spec)
        c.chardev(f[0], int(f[2]), int(f[3]),
                  int(f[4], 8) if len(f) == 5 else 0o600)
    tmp = a.out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(c.gzip())
    os.replace(tmp, a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
