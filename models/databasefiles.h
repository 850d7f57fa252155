#pragma once

#include <QString>
#include <optional>

namespace sd {

// Which files belong to an SQLite database this process has open.
//
// SQLite's POSIX locks belong to the whole process: closing *any* descriptor of the database file or of its
// -wal, -shm or -journal drops every lock the process holds on it ("How To Corrupt An SQLite Database File",
// section 2.2). Another process may then checkpoint and delete the WAL this one is still writing to. So
// nothing but SQLite may open those files, and code that reads or writes a file the operator chose asks here
// first.
//
// Thread-safe. Nothing here opens a file: paths are compared canonically and by device and inode (stat()).
class DatabaseFiles final
{
public:
    DatabaseFiles() = delete;

    // Records `location` (the path given to SQLite) as open under `key` (one key per connection or owner)
    // until closed(key). Locations that are URLs (a server database) have no files and are ignored.
    static void opened(const QString &key, const QString &location);
    static void closed(const QString &key);

    struct Match
    {
        QString database;      // the open database's location, as registered
        bool sideFile = false; // its -wal, -shm or -journal (else the database file itself)
        bool samePath =
            false; // the database file under its own path (or a symbolic link to it), not a hard link
    };
    // Whether `path` is part of an open database, also through a symbolic or hard link. `path` need not
    // exist: a -journal appears only for a moment.
    static std::optional<Match> find(const QString &path);
    static bool isOpenDatabaseFile(const QString &path) { return find(path).has_value(); }

    // One sentence refusing `path` when it is part of an open database; empty when the path may be used.
    static QString refusal(const QString &path);

    // The names SQLite gives a database's side files ("<db>-wal", "<db>-shm", "<db>-journal"), for hiding
    // them in file dialogs.
    static bool isSideFileName(const QString &fileName);

    // Keeps a location registered for the lifetime of an object.
    class Registration final
    {
    public:
        explicit Registration(const QString &location);
        ~Registration();
        Registration(const Registration &) = delete;
        Registration &operator=(const Registration &) = delete;

    private:
        QString m_key;
    };
};

} // namespace sd
