#pragma once

#include <QString>

// Owner-only files for the SQLite store: it holds signing secrets and endpoint credentials.
namespace sd::filemodes {

// Before SQLite opens a database that does not exist yet: creates its folder (0700 for every folder made
// here) and the empty database file with mode 0600. SQLite gives its -wal, -shm and -journal the database
// file's mode, so they are owner-only too. Returns one sentence on failure, else empty.
QString createOwnerOnly(const QString &path);

// For a database that exists: removes group and other permissions from the file, its -wal and -shm, and from
// its folder when that is StatusDesk's own data folder (a folder the operator chose is left alone). Returns a
// one-sentence notice naming what was tightened, or empty when nothing needed it.
QString tighten(const QString &path, const QString &ownDataFolder);

} // namespace sd::filemodes
