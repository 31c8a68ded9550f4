// tandemd's log: one line per event on stderr (journald adds its own timestamp when run by
// systemd; a monotonic seconds stamp keeps lines ordered when run by hand), filtered by level.
#pragma once

#include <string>

#include "control/common/log.h"

namespace tandem::daemon {

// Lines below `min_level` are dropped.
LogSink make_stderr_log(LogLevel min_level);
bool parse_log_level(const std::string& text, LogLevel& out);

}  // namespace tandem::daemon
