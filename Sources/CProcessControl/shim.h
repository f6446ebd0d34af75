// Process control the Glibc module cannot offer Swift: prctl is variadic,
// and glibc before 2.36 has no pidfd_open wrapper.
#ifndef CASPARIAN_CPROCESSCONTROL_SHIM_H
#define CASPARIAN_CPROCESSCONTROL_SHIM_H
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

/// A descriptor that becomes readable when process `pid` exits (Linux 5.3+); -1 on failure.
static inline int casparian_pidfd_open(pid_t pid) {
    return (int)syscall(SYS_pidfd_open, pid, 0);
}

/// Makes orphaned descendants of this process its children instead of init's.
static inline int casparian_set_child_subreaper(void) {
    return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
}
#endif
