#pragma once

#include <QString>
#include <QStringList>

// A password given on the command line (`--db postgresql://user:PASSWORD@host/db`) is readable by every local
// user in /proc/PID/cmdline for as long as the process runs. StatusDesk accepts it (with a warning) but
// rubs it out of the process's own argument memory at start, before anything slow happens.
namespace sd::secretargs {

// The password part of a postgresql:// or postgres:// URL found in `argument` (also after "--db="), as
// [start, start + length) byte offsets; length 0 when there is none.
struct Span
{
    qsizetype start = 0;
    qsizetype length = 0;
};
Span passwordIn(const char *argument);

// Overwrites each such password in argv's memory (the bytes /proc/PID/cmdline shows) with "***", moving the
// rest of that argument up and zero-filling its tail, so argv[] pointers stay valid. Call it after copying
// the arguments (QCoreApplication::arguments() reads argv again on every call). Returns one warning per
// argument scrubbed, naming the ways to pass the password instead.
QStringList scrub(int argc, char **argv);

} // namespace sd::secretargs
