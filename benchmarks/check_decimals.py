"""Check the C helper's shortest decimals against the printf loop, on many singles.

Run: ``python benchmarks/check_decimals.py [--random N] [--places K]``.

``decimal_of`` in ``pipeline/_pdfium_chars.c`` answers most numbers by
rounding to 0-6 decimal places (``nearbyint``) before it falls back to
``decimal_by_digits``, which tries 1 to 9 significant digits with
``snprintf`` and ``strtod``; the two must give the same double, bit for bit.
The test suite compares the helper with Python on ~80,000 values; this
compiles the helper's source as it is and compares the two functions on
N random bit patterns (every exponent, NaN and infinities included) and on
every m / 10^k for |m| <= 2,000,000 and k = 0 .. K (the numbers files write,
ties included). Exit status 1 on any difference. Needs a C compiler.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

SOURCE = Path(__file__).resolve().parent.parent / "pipeline" / "_pdfium_chars.c"

CHECK = r"""
#include "%(source)s"

static long checked = 0, differ = 0;
static void check(float single)
{
    double a = decimal_of(single), b = decimal_by_digits(single);
    checked++;
    if (memcmp(&a, &b, sizeof a) != 0 && !(isnan(a) && isnan(b)) && differ++ < 10)
        printf("differ: %%.9g gives %%.17g, the loop %%.17g\n", (double)single, a, b);
}

int main(int argc, char **argv)
{
    long count = atol(argv[1]);
    int places = atoi(argv[2]);
    uint64_t state = 88172645463325252ULL;
    for (long i = 0; i < count; i++) {
        state ^= state << 13, state ^= state >> 7, state ^= state << 17;
        uint32_t bits = (uint32_t)state;
        float single;
        memcpy(&single, &bits, sizeof single);
        check(single);
    }
    for (int k = 0; k <= places; k++) {
        double scale = pow(10.0, k);
        for (long m = -2000000; m <= 2000000; m++)
            check((float)(m / scale));
    }
    printf("%%ld singles, %%ld differences\n", checked, differ);
    return differ != 0;
}
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--random", type=int, default=10_000_000, help="random bit patterns (default 10,000,000)")
    parser.add_argument("--places", type=int, default=7, help="decimal places of the m / 10^k grid (default 7)")
    args = parser.parse_args()
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        print("no C compiler: nothing to check", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        program, binary = Path(tmp) / "check.c", Path(tmp) / "check"
        program.write_text(CHECK % {"source": SOURCE})
        # The flags setup.py builds the helper with.
        subprocess.run([compiler, "-O2", "-ffp-contract=off", str(program), "-o", str(binary), "-lm"], check=True)
        return subprocess.run([str(binary), str(args.random), str(args.places)]).returncode


if __name__ == "__main__":
    sys.exit(main())
