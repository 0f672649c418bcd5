"""Second barrier against SSRF: the query processes cannot open network sockets at all.

Installed once in the zygote (the process the query workers are forked from) and inherited by every
worker, unless `--service-allow` names an endpoint (then the workers need the network; the guard
alone decides):

* seccomp: a BPF filter makes `socket()` fail with EPERM for every address family but AF_UNIX (the
  workers' channel to the server is an inherited socketpair), and refuses io_uring (which can open
  sockets without `socket()`) and syscalls of a foreign ABI (x32, 32-bit), so the filter cannot be
  side-stepped. Needs Linux ≥ 3.5 on x86_64 or aarch64; works without root (PR_SET_NO_NEW_PRIVS).
* network namespace: as root, the zygote also moves into a fresh network namespace, which has no
  interface but a loopback that is down: even a socket made some other way has nowhere to go.

`install()` returns the names of the barriers that are in force, e.g. ("seccomp", "netns").
"""

from __future__ import annotations

import ctypes
import os
import platform
import struct

PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
SECCOMP_RET_ALLOW = 0x7FFF0000
SECCOMP_RET_ERRNO = 0x00050000
EPERM = 1
AF_UNIX = 1
CLONE_NEWNET = 0x40000000

# BPF opcodes
_LD_W_ABS = 0x20
_JEQ_K = 0x15
_JGE_K = 0x35
_RET_K = 0x06

# machine → (AUDIT_ARCH_*, __NR_socket, __NR_io_uring_setup, foreign-ABI bit or None)
_ARCHES = {
    "x86_64": (0xC000003E, 41, 425, 0x40000000),  # x32 syscalls have bit 30 set
    "aarch64": (0xC00000B7, 198, 425, None),
}


def _filter(machine: str) -> bytes:
    arch, nr_socket, nr_uring, x32 = _ARCHES[machine]
    deny = SECCOMP_RET_ERRNO | EPERM
    prog: list[tuple[int, int, int, int]] = []  # (code, jt, jf, k); jumps filled in below

    def ins(code, k, jt=0, jf=0):
        prog.append((code, jt, jf, k))
        return len(prog) - 1

    ins(_LD_W_ABS, 4)                      # seccomp_data.arch
    j_arch = ins(_JEQ_K, arch)             # same arch → next, else deny
    ins(_LD_W_ABS, 0)                      # seccomp_data.nr
    j_x32 = ins(_JGE_K, x32) if x32 else None
    j_uring = ins(_JEQ_K, nr_uring)
    j_sock = ins(_JEQ_K, nr_socket)
    allow_all = ins(_RET_K, SECCOMP_RET_ALLOW)
    ins(_LD_W_ABS, 16)                     # seccomp_data.args[0], low 32 bits (little endian)
    j_unix = ins(_JEQ_K, AF_UNIX)
    allow = ins(_RET_K, SECCOMP_RET_ALLOW)
    deny_at = ins(_RET_K, deny)

    def jump(at, jt_to=None, jf_to=None):
        code, _jt, _jf, k = prog[at]
        jt = (jt_to - at - 1) if jt_to is not None else 0
        jf = (jf_to - at - 1) if jf_to is not None else 0
        prog[at] = (code, jt, jf, k)

    jump(j_arch, jf_to=deny_at)
    if j_x32 is not None:
        jump(j_x32, jt_to=deny_at)
    jump(j_uring, jt_to=deny_at)
    jump(j_sock, jt_to=allow_all + 1, jf_to=allow_all)
    jump(j_unix, jt_to=allow, jf_to=deny_at)
    return b"".join(struct.pack("HBBI", *p) for p in prog)


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def install_seccomp() -> str | None:
    """Deny non-AF_UNIX sockets to this process and its future children. Returns an error text or None."""
    machine = platform.machine()
    if machine not in _ARCHES:
        return f"seccomp filter not available on {machine}"
    code = _filter(machine)
    buf = ctypes.create_string_buffer(code, len(code))
    prog = _SockFprog(len(code) // 8, ctypes.cast(buf, ctypes.c_void_p))
    libc = _libc()
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return f"PR_SET_NO_NEW_PRIVS failed: {os.strerror(ctypes.get_errno())}"
    if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0) != 0:
        return f"seccomp filter refused: {os.strerror(ctypes.get_errno())}"
    return None


def enter_netns() -> str | None:
    """Move this process into a new, empty network namespace (root only). Error text or None."""
    if os.geteuid() != 0:
        return "network namespace needs root"
    if _libc().unshare(CLONE_NEWNET) != 0:
        return f"unshare(CLONE_NEWNET) failed: {os.strerror(ctypes.get_errno())}"
    return None


def install(barriers: tuple[str, ...] = ("seccomp", "netns")) -> tuple[tuple[str, ...], list[str]]:
    """Install the requested barriers; returns (active barriers, reasons the others are not)."""
    active, why = [], []
    if "netns" in barriers:  # first: unshare is a syscall the seccomp filter leaves alone anyway
        err = enter_netns()
        (why.append(err) if err else active.append("netns"))
    if "seccomp" in barriers:
        err = install_seccomp()
        (why.append(err) if err else active.append("seccomp"))
    return tuple(active), why
