// GNU extensions the test runner needs that Glibc's Swift module does not
// declare (it is built without _GNU_SOURCE).
#ifndef CASPARIAN_CTESTSPAWN_H
#define CASPARIAN_CTESTSPAWN_H
#include <spawn.h>

/// pipe2(fds, O_CLOEXEC): both ends close-on-exec from the start, so a
/// process spawned concurrently elsewhere in the test process (a worker, a
/// binary another test runs) cannot inherit them and hold them open.
int ctestspawn_pipe_cloexec(int fds[2]);

/// posix_spawn_file_actions_addchdir_np: the child changes to `path` before exec.
int ctestspawn_actions_chdir(posix_spawn_file_actions_t *actions, const char *path);

/// posix_spawn_file_actions_addclosefrom_np: the child closes every descriptor from `from` on.
int ctestspawn_actions_closefrom(posix_spawn_file_actions_t *actions, int from);
#endif
