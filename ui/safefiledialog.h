#pragma once

#include <QAbstractFileIconProvider>
#include <QFileDialog>
#include <QIcon>

namespace sd {

// Icons and type names from the file's name and stat() only. Qt's providers ask QMimeDatabase, which opens
// and reads any file its name does not identify (an SQLite -wal or -shm, for one), and closing that
// descriptor drops SQLite's locks (see DatabaseFiles). QFileSystemModel calls this on the GUI thread.
class NameOnlyIconProvider final : public QAbstractFileIconProvider
{
    Q_DISABLE_COPY_MOVE(NameOnlyIconProvider)

public:
    NameOnlyIconProvider(); // on the GUI thread: takes the style's icons once
    ~NameOnlyIconProvider() override;

    QIcon icon(IconType type) const override;
    QIcon icon(const QFileInfo &info) const override;
    QString type(const QFileInfo &info) const override;

private:
    QIcon m_computer, m_desktop, m_trash, m_network, m_drive, m_folder, m_file;
};

// The one file dialog of the console: Qt's own dialog (a platform dialog runs its toolkit's code in this
// process, which sniffs file contents), a NameOnlyIconProvider, no custom folder icons, and SQLite's side
// files (-wal, -shm, -journal) hidden. Nothing it does opens a file; what the operator picks is checked by
// the caller (DatabaseFiles::refusal) before it is read or written.
class SafeFileDialog final : public QFileDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SafeFileDialog)

public:
    explicit SafeFileDialog(QWidget *parent = nullptr, const QString &caption = QString());
    ~SafeFileDialog() override;

    // As QFileDialog's static functions. An empty `directory` means the folder last used. `filter` is
    // ";;"-separated ("CSV files (*.csv);;All files (*)"). Empty when cancelled.
    static QString getOpenFileName(QWidget *parent, const QString &caption, const QString &directory,
                                   const QString &filter);
    // `suggested` is a file name or a path; `defaultSuffix` (without the dot) is added when the operator
    // types a name without one.
    static QString getSaveFileName(QWidget *parent, const QString &caption, const QString &suggested,
                                   const QString &filter, const QString &defaultSuffix = QString());
};

} // namespace sd
