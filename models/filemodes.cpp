#include "models/filemodes.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStringList>

#ifdef Q_OS_UNIX
#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace sd::filemodes {
namespace {

#ifdef Q_OS_UNIX
// Clears the group and other bits; true when it changed anything. chmod() never opens the file (closing a
// descriptor of an open SQLite database would drop this process's locks on it).
bool ownerOnly(const QString &path, mode_t keep)
{
    const QByteArray native = QFile::encodeName(path);
    struct stat st;
    if (::lstat(native.constData(), &st) != 0 || S_ISLNK(st.st_mode))
        return false;
    const mode_t mode = st.st_mode & 07777;
    if ((mode & 077) == 0)
        return false;
    return ::chmod(native.constData(), mode & keep) == 0;
}
#endif

} // namespace

QString createOwnerOnly(const QString &path)
{
    const QFileInfo info(path);
#ifdef Q_OS_UNIX
    // Each missing folder up to the database's is made 0700.
    QStringList missing;
    for (QDir dir(info.absolutePath()); !dir.exists();
         dir.setPath(QFileInfo(dir.absolutePath()).absolutePath())) {
        missing.prepend(dir.absolutePath());
        if (dir.isRoot())
            break;
    }
    for (const QString &folder : missing) {
        if (::mkdir(QFile::encodeName(folder).constData(), 0700) != 0 && errno != EEXIST)
            return QStringLiteral("cannot create the folder %1 for database %2").arg(folder, path);
    }
    const int fd = ::open(QFile::encodeName(path).constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0)
        ::close(fd);
    else if (errno != EEXIST) // another process made it meanwhile: SQLite opens that one
        return QStringLiteral("cannot create database file %1").arg(path);
#else
    if (!QDir().mkpath(info.absolutePath()))
        return QStringLiteral("cannot create the folder for database %1").arg(path);
#endif
    return {};
}

QString tighten(const QString &path, const QString &ownDataFolder)
{
#ifdef Q_OS_UNIX
    QStringList changed;
    for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")}) {
        if (ownerOnly(path + suffix, 0700))
            changed << QFileInfo(path + suffix).fileName();
    }
    const QString folder = QFileInfo(path).absolutePath();
    if (!ownDataFolder.isEmpty() && QDir(folder) == QDir(ownDataFolder) && ownerOnly(folder, 0700))
        changed << QStringLiteral("its folder");
    if (changed.isEmpty())
        return {};
    return QStringLiteral(
               "Database %1 could be read by other users of this computer (it holds signing secrets); "
               "StatusDesk made %2 readable by you only.")
        .arg(path, changed.join(QStringLiteral(", ")));
#else
    Q_UNUSED(path);
    Q_UNUSED(ownDataFolder);
    return {};
#endif
}

} // namespace sd::filemodes
