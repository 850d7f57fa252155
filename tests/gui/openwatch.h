#pragma once

#include <string>
#include <vector>

// Sees every open of chosen files made by this process. The test executable defines open(), open64(),
// openat(), openat64(), their _FORTIFY_SOURCE variants, fopen() and fopen64() itself (exported, so Qt, SQLite
// and every other library call them first); each forwards to the C library and, while watching, records
// the opens of files with one of the watched names, by which thread and from which library.
namespace openwatch {

struct Open
{
    std::string function;
    std::string path;
    std::string thread; // the thread's name
    bool guiThread = false;
    std::string caller;    // the shared object the open() was called from
    bool bySqlite = false; // called from SQLite itself (its connections opening their files)
};

// Starts recording opens of files named `baseNames` (the last component of the path, so relative and
// dirfd-based opens count too). Call on the GUI thread.
void start(const std::vector<std::string> &baseNames);
// Stops recording and returns what was recorded.
std::vector<Open> stop();
// How many open calls of any file went through the interposed functions since the process started: proves
// they are in use.
unsigned long seenCalls();

} // namespace openwatch
