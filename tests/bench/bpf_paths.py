#!/usr/bin/env python3
"""Deterministic side of the filter benchmark: for a few common x86_64 syscalls, whether the
kernel's seccomp action cache lets them skip the program, and how many BPF instructions one call
runs otherwise, for each layout of sbx's filter.

Input: the shim's stderr lines "shim bpf LAYER HEX" (one file per variant), given as
LABEL=FILE arguments. Only the native x86_64 ABI is modelled."""
import struct
import sys

AUDIT_ARCH_X86_64 = 0xC000003E
RET_ACTION_FULL = 0xFFFF0000
ACTIONS = {0x7FFF0000: "allow", 0x00050000: "errno", 0x80000000: "kill", 0x00000000: "kill",
           0x7FFC0000: "log", 0x7FF00000: "trace", 0x00030000: "trap", 0x7FC00000: "notify"}

# (label, nr, args): args as a call would pass them, for programs that look at them.
SYSCALLS = [
    ("read", 0, (3, 0, 1)), ("write", 1, (1, 0, 1)), ("close", 3, (3,)), ("fstat", 5, (3, 0)),
    ("lseek", 8, (3, 0, 0)), ("mmap", 9, (0, 4096, 3, 0x22, -1 & 0xFFFFFFFFFFFFFFFF, 0)),
    ("ioctl(FIONREAD)", 16, (3, 0x541B, 0)), ("ioctl(TCGETS)", 16, (1, 0x5401, 0)),
    ("fcntl", 72, (3, 1)), ("getppid", 110, ()), ("getdents64", 217, (3, 0, 32768)),
    ("openat", 257, (0xFFFFFF9C, 0, 0)), ("newfstatat", 262, (3, 0, 0, 0x100)),
    ("statx", 332, (3, 0, 0x100, 0xFFF, 0)), ("clone(fork)", 56, (0x01200011, 0, 0, 0, 0)),
    ("wait4", 61, (0, 0, 0, 0)), ("execve", 59, (0, 0, 0)), ("futex", 202, (0, 0x80, 0)),
]


def parse(path):
    """{layer: [(code, jt, jf, k), ...]} from the shim's output."""
    progs = {}
    for line in open(path):
        if line.startswith("shim bpf "):
            _, _, layer, hexprog = line.split()
            raw = bytes.fromhex(hexprog)
            progs[int(layer)] = [struct.unpack_from("<HBBI", raw, i) for i in range(0, len(raw), 8)]
    return [progs[k] for k in sorted(progs)]


def seccomp_data(nr, args):
    args = list(args) + [0] * (6 - len(args))
    return struct.pack("<iIQ6Q", nr, AUDIT_ARCH_X86_64, 0, *[a & 0xFFFFFFFFFFFFFFFF for a in args])


def const_allow(prog, nr):
    """The kernel's seccomp_is_const_allow(): only nr and arch known; True if ALLOW is reached."""
    a, pc = 0, 0
    while pc < len(prog):
        code, jt, jf, k = prog[pc]
        if code == 0x20:  # LD W ABS
            if k == 0:
                a = nr & 0xFFFFFFFF
            elif k == 4:
                a = AUDIT_ARCH_X86_64
            else:
                return False
        elif code == 0x06:  # RET K
            return k == 0x7FFF0000
        elif code == 0x05:  # JA
            pc += k
        elif code in (0x15, 0x25, 0x35, 0x45):  # JEQ JGT JGE JSET, K
            op = code & 0xF0
            res = {0x10: a == k, 0x20: a > k, 0x30: a >= k, 0x40: bool(a & k)}[op]
            pc += jt if res else jf
        elif code == 0x54:  # ALU AND K
            a &= k
        else:
            return False
        pc += 1
    return False


def run(prog, data):
    """Classic BPF as seccomp runs it: (action, instructions executed)."""
    a = x = 0
    mem = [0] * 16
    pc = steps = 0
    while True:
        code, jt, jf, k = prog[pc]
        steps += 1
        cls = code & 0x07
        if code == 0x20:
            a = struct.unpack_from("<I", data, k)[0]
        elif code == 0x00:
            a = k
        elif code == 0x01:
            x = k
        elif code == 0x60:
            a = mem[k]
        elif code == 0x61:
            x = mem[k]
        elif code == 0x02:
            mem[k] = a
        elif code == 0x03:
            mem[k] = x
        elif cls == 0x04:  # ALU
            src = x if code & 0x08 else k
            op = code & 0xF0
            a = {0x00: a + src, 0x10: a - src, 0x20: a * src, 0x40: a | src, 0x50: a & src,
                 0x60: a << src, 0x70: a >> src, 0x80: -a, 0xA0: a ^ src}[op] & 0xFFFFFFFF
        elif code == 0x05:
            pc += k
        elif cls == 0x05:
            src = x if code & 0x08 else k
            op = code & 0xF0
            res = {0x10: a == src, 0x20: a > src, 0x30: a >= src, 0x40: bool(a & src)}[op]
            pc += jt if res else jf
        elif code == 0x06:
            return k, steps
        elif code == 0x16:
            return a, steps
        elif code == 0x07:
            x = a
        elif code == 0x87:
            a = x
        else:
            raise ValueError(f"BPF opcode {code:#x} not modelled")
        pc += 1


def describe(ret):
    name = ACTIONS.get(ret & RET_ACTION_FULL, f"{ret:#x}")
    return f"{name}({ret & 0xFFFF})" if name == "errno" else name


def main():
    variants = [arg.split("=", 1) for arg in sys.argv[1:]]
    stacks = {label: parse(path) for label, path in variants}
    labels = [label for label, _ in variants]
    print(f"  {'syscall':<18} {'result':<10} {'cached':<7} "
          + " ".join(f"{'insns ' + label:>14}" for label in labels))
    for name, nr, args in SYSCALLS:
        data = seccomp_data(nr, args)
        first = stacks[labels[0]]
        results = [run(p, data)[0] for p in first]
        # The kernel takes the strictest answer; for this table "allow" unless a layer refuses.
        refused = [r for r in results if r & RET_ACTION_FULL != 0x7FFF0000]
        result = describe(refused[0]) if refused else "allow"
        cached = all(const_allow(p, nr) for p in first)
        cells = []
        for label in labels:
            cells.append("-" if cached else str(sum(run(p, data)[1] for p in stacks[label])))
        print(f"  {name:<18} {result:<10} {'yes' if cached else 'no':<7} "
              + " ".join(f"{c:>14}" for c in cells))
    print("  (cached: the kernel's per-syscall bitmap says ALLOW without running the program;")
    print("   insns: classic BPF instructions one call executes, all layers)")


if __name__ == "__main__":
    main()
