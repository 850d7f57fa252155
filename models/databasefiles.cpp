#include "models/databasefiles.h"

#include <QAtomicInteger>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QMutex>
#include <QStringList>
#include <algorithm>

#ifdef Q_OS_UNIX
#include <sys/stat.h>
#endif

namespace sd {
namespace {

// The database file itself first, then what SQLite keeps beside it.
const QString kSuffixes[] = {QString(), QStringLiteral("-wal"), QStringLiteral("-shm"),
                             QStringLiteral("-journal")};

struct FileId
{
    quint64 device = 0;
    quint64 inode = 0;
    bool valid = false;
    bool operator==(const FileId &o) const
    {
        return valid && o.valid && device == o.device && inode == o.inode;
    }
};

// stat() follows symbolic links and never opens the file.
FileId fileId(const QString &path)
{
#ifdef Q_OS_UNIX
    struct stat st;
    if (::stat(QFile::encodeName(path).constData(), &st) == 0)
        return FileId{static_cast<quint64>(st.st_dev), static_cast<quint64>(st.st_ino), true};
#else
    Q_UNUSED(path);
#endif
    return {};
}

// A path as written (absolute, cleaned) and with symbolic links resolved; for a file that does not exist yet,
// its folder's links are resolved. realpath() only reads links.
QStringList spellings(const QString &path)
{
    const QFileInfo info(path);
    QStringList out{QDir::cleanPath(info.absoluteFilePath())};
    QString canonical = info.canonicalFilePath();
    if (canonical.isEmpty()) {
        const QString folder = QFileInfo(info.absolutePath()).canonicalFilePath();
        if (!folder.isEmpty())
            canonical = folder + QLatin1Char('/') + info.fileName();
    }
    if (!canonical.isEmpty() && !out.contains(canonical))
        out << canonical;
    return out;
}

bool isUrl(const QString &location)
{
    return location.contains(QLatin1String("://"));
}

struct OpenDatabase
{
    QString location;
    QStringList bases; // spellings of the database file
    FileId id;         // as opened: still names the file if it is renamed while open
};

QMutex g_mutex;
QHash<QString, OpenDatabase> g_open; // key -> database
QAtomicInteger<quint64> g_registrations;

} // namespace

void DatabaseFiles::opened(const QString &key, const QString &location)
{
    if (location.isEmpty() || isUrl(location))
        return;
    OpenDatabase db{location, spellings(location), fileId(location)};
    const QMutexLocker lock(&g_mutex);
    g_open.insert(key, std::move(db));
}

void DatabaseFiles::closed(const QString &key)
{
    const QMutexLocker lock(&g_mutex);
    g_open.remove(key);
}

std::optional<DatabaseFiles::Match> DatabaseFiles::find(const QString &path)
{
    if (path.isEmpty() || isUrl(path))
        return std::nullopt;
    const QStringList names = spellings(path);
    const FileId id = fileId(path);
    const QMutexLocker lock(&g_mutex);
    for (const OpenDatabase &db : std::as_const(g_open)) {
        if (id == db.id)
            return Match{db.location, false, std::any_of(names.cbegin(), names.cend(), [&](const QString &n) {
                             return db.bases.contains(n);
                         })};
        for (const QString &base : db.bases) {
            for (const QString &suffix : kSuffixes) {
                const QString file = base + suffix;
                const bool side = !suffix.isEmpty();
                if (names.contains(file))
                    return Match{db.location, side, !side};
                // Another name for the same file (a hard link); the side files are looked at as they are now.
                if (id == fileId(file))
                    return Match{db.location, side, false};
            }
        }
    }
    return std::nullopt;
}

QString DatabaseFiles::refusal(const QString &path)
{
    const std::optional<Match> match = find(path);
    if (!match)
        return {};
    const QString shown = QDir::toNativeSeparators(path);
    if (!match->sideFile)
        return QCoreApplication::translate("sd::DatabaseFiles",
                                           "%1 is StatusDesk's open database; choose another file.")
            .arg(shown);
    return QCoreApplication::translate("sd::DatabaseFiles",
                                       "%1 is part of StatusDesk's open database %2; choose another file.")
        .arg(shown, QDir::toNativeSeparators(match->database));
}

bool DatabaseFiles::isSideFileName(const QString &fileName)
{
    for (const QString &suffix : kSuffixes) {
        if (!suffix.isEmpty() && fileName.size() > suffix.size() && fileName.endsWith(suffix))
            return true;
    }
    return false;
}

DatabaseFiles::Registration::Registration(const QString &location)
    : m_key(QStringLiteral("registration-%1").arg(g_registrations.fetchAndAddOrdered(1)))
{
    opened(m_key, location);
}

DatabaseFiles::Registration::~Registration()
{
    closed(m_key);
}

} // namespace sd
