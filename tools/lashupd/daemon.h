// Run: the daemon's life: open the node, serve admin and metrics, stop cleanly on SIGTERM or
// SIGINT (servers first, then the node, whose acknowledged writes are already on disk).
#ifndef LASHUP_TOOLS_LASHUPD_DAEMON_H_
#define LASHUP_TOOLS_LASHUPD_DAEMON_H_

#include "daemon_config.h"

namespace lashup::daemon {

// The exit status: 0 after a clean stop, 1 if the node could not start or stopped on a storage
// failure, 2 for a bad configuration.
int Run(DaemonConfig config);

}  // namespace lashup::daemon

#endif  // LASHUP_TOOLS_LASHUPD_DAEMON_H_
