#pragma once
// A thread's scheduling state as the kernel reports it in /proc (the run gate asks
// whether a busy worker is stuck in a blocking call or at work on the CPU).

#include <sys/types.h>

namespace tern {

// The state letter of thread `tid` of this process from /proc/self/task/TID/stat: 'R'
// running or runnable, 'S' sleeping, 'D' in uninterruptible (disk) sleep, …; '?' when
// unreadable.
char thread_state(pid_t tid);

}  // namespace tern
