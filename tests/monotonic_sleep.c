/* Preloaded before libfaketime by tests/clocks.py (built there with the C compiler).

   libfaketime 0.9.10, Debian 12's, shifts an absolute sleep on CLOCK_MONOTONIC by the faked
   wall-clock time even when FAKETIME_DONT_FAKE_MONOTONIC=1 leaves that clock real: the
   deadline becomes negative and clock_nanosleep fails with EINVAL, which is what Python's
   time.sleep calls (and subprocess's waits with it). This passes sleeps on the monotonic clock
   straight to the kernel; every other clock goes on to libfaketime. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

typedef int (*clock_nanosleep_fn)(clockid_t, int, const struct timespec *, struct timespec *);

int clock_nanosleep(clockid_t clock, int flags, const struct timespec *req, struct timespec *rem)
{
  static clock_nanosleep_fn next;
  if (clock == CLOCK_MONOTONIC) {
    return syscall(SYS_clock_nanosleep, clock, flags, req, rem) == 0 ? 0 : errno;
  }
  if (next == NULL) {
    next = (clock_nanosleep_fn)dlsym(RTLD_NEXT, "clock_nanosleep");
  }
  return next(clock, flags, req, rem);
}
