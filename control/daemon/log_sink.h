// tandemd's log: one line per event on stderr, filtered by level. Run by hand, each line
// starts with a UTC time of day (milliseconds) so lines can be matched across routers. Under
// systemd with stderr connected to the journal ($JOURNAL_STREAM names stderr's device and
// inode, systemd.exec(5)), each line starts instead with the syslog priority "<N>" of its
// level, which journald strips and stores as PRIORITY= (sd-daemon(3)); journald stamps the
// time itself.
#pragma once

#include <ctime>
#include <string>
#include <string_view>

#include "control/common/log.h"

namespace tandem::daemon {

// Lines below `min_level` are dropped.
LogSink make_stderr_log(LogLevel min_level);
bool parse_log_level(const std::string& text, LogLevel& out);

// syslog(3) priority of a level: error 3 (LOG_ERR) ... debug 7 (LOG_DEBUG).
int syslog_priority(LogLevel level);
// Whether stderr is the journal stream systemd set up for this process.
bool stderr_is_journal();
// Text written to stderr outside the sink (start-up errors, possibly several lines): each line
// gets the "<N>" of `level` when stderr is the journal, otherwise the text is unchanged.
std::string for_stderr(LogLevel level, const std::string& text);
// One log line with its newline: "<N>subsystem: line" for the journal, otherwise
// "HH:MM:SS.mmm level   subsystem: line" with `now` (CLOCK_REALTIME) in UTC.
std::string format_log_line(LogLevel level, std::string_view subsystem, std::string_view line,
                            bool journal, timespec now);

}  // namespace tandem::daemon
