#include "ui/safefiledialog.h"

#include "models/databasefiles.h"

#include <QApplication>
#include <QFileInfo>
#include <QFileSystemModel>
#include <QSortFilterProxyModel>
#include <QStyle>

namespace sd {
namespace {

// Owns the dialog's icon provider. Created after the dialog's QFileSystemModel, so it is deleted after it
// (children go in the order they were made): the model keeps a bare pointer to its provider.
class IconProviderOwner final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(IconProviderOwner)

public:
    using QObject::QObject;
    NameOnlyIconProvider provider;
};

// Hides "<db>-wal", "<db>-shm" and "<db>-journal": nobody means to pick one, and a click should not be able
// to. Sorting stays with QFileSystemModel (folders first); this model only filters.
class HideSideFiles final : public QSortFilterProxyModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HideSideFiles)

public:
    using QSortFilterProxyModel::QSortFilterProxyModel;

    void sort(int column, Qt::SortOrder order) override
    {
        if (sourceModel())
            sourceModel()->sort(column, order);
    }

protected:
    bool filterAcceptsRow(int row, const QModelIndex &parent) const override
    {
        const QModelIndex index = sourceModel()->index(row, 0, parent);
        if (!DatabaseFiles::isSideFileName(index.data(QFileSystemModel::FileNameRole).toString()))
            return true;
        const auto *files = qobject_cast<const QFileSystemModel *>(sourceModel());
        return files && files->isDir(index); // a folder of that name stays visible
    }
};

QString translate(const char *text)
{
    return QCoreApplication::translate("sd::NameOnlyIconProvider", text);
}

} // namespace

NameOnlyIconProvider::NameOnlyIconProvider()
{
    // The style's icons come from resources and the icon theme, never from the files listed.
    if (QStyle *style = QApplication::style()) {
        m_computer = style->standardIcon(QStyle::SP_ComputerIcon);
        m_desktop = style->standardIcon(QStyle::SP_DesktopIcon);
        m_trash = style->standardIcon(QStyle::SP_TrashIcon);
        m_network = style->standardIcon(QStyle::SP_DriveNetIcon);
        m_drive = style->standardIcon(QStyle::SP_DriveHDIcon);
        m_folder = style->standardIcon(QStyle::SP_DirIcon);
        m_file = style->standardIcon(QStyle::SP_FileIcon);
    }
    setOptions(DontUseCustomDirectoryIcons);
}

NameOnlyIconProvider::~NameOnlyIconProvider() = default;

QIcon NameOnlyIconProvider::icon(IconType type) const
{
    switch (type) {
    case Computer:
        return m_computer;
    case Desktop:
        return m_desktop;
    case Trashcan:
        return m_trash;
    case Network:
        return m_network;
    case Drive:
        return m_drive;
    case Folder:
        return m_folder;
    case File:
        break;
    }
    return m_file;
}

QIcon NameOnlyIconProvider::icon(const QFileInfo &info) const
{
    if (info.isRoot())
        return m_drive;
    return info.isDir() ? m_folder : m_file;
}

QString NameOnlyIconProvider::type(const QFileInfo &info) const
{
    if (info.isRoot())
        return translate("Drive");
    if (info.isDir())
        return translate("Folder");
    if (info.isSymLink() && !info.exists())
        return translate("Broken link");
    const QString suffix = info.suffix();
    return suffix.isEmpty() ? translate("File") : translate("%1 File").arg(suffix.toUpper());
}

SafeFileDialog::SafeFileDialog(QWidget *parent, const QString &caption)
    : QFileDialog(parent, caption)
{
    // First: Qt's own widgets (and their QFileSystemModel) exist only once this is set, and setIconProvider()
    // is ignored before.
    setOption(DontUseNativeDialog);
    auto *owner = new IconProviderOwner(this);
    setIconProvider(&owner->provider);
    setOption(DontUseCustomDirectoryIcons);
    setProxyModel(new HideSideFiles(this));
}

SafeFileDialog::~SafeFileDialog() = default;

QString SafeFileDialog::getOpenFileName(QWidget *parent, const QString &caption, const QString &directory,
                                        const QString &filter)
{
    SafeFileDialog dialog(parent, caption);
    dialog.setAcceptMode(AcceptOpen);
    dialog.setFileMode(ExistingFile);
    if (!filter.isEmpty())
        dialog.setNameFilter(filter);
    if (!directory.isEmpty())
        dialog.setDirectory(directory);
    if (dialog.exec() != QDialog::Accepted)
        return {};
    return dialog.selectedFiles().value(0);
}

QString SafeFileDialog::getSaveFileName(QWidget *parent, const QString &caption, const QString &suggested,
                                        const QString &filter, const QString &defaultSuffix)
{
    SafeFileDialog dialog(parent, caption);
    dialog.setAcceptMode(AcceptSave);
    dialog.setFileMode(AnyFile);
    if (!filter.isEmpty())
        dialog.setNameFilter(filter);
    dialog.setDefaultSuffix(defaultSuffix);
    const QFileInfo info(suggested);
    if (suggested.contains(QLatin1Char('/'))) {
        dialog.setDirectory(info.absolutePath());
        dialog.selectFile(info.fileName());
    } else if (!suggested.isEmpty()) {
        dialog.selectFile(suggested);
    }
    if (dialog.exec() != QDialog::Accepted)
        return {};
    return dialog.selectedFiles().value(0);
}

} // namespace sd

#include "safefiledialog.moc"
