#include "ui/appresources.h"

#include <QFile>

// Q_INIT_RESOURCE must be called outside any namespace.
static void initStatusDeskResources()
{
    Q_INIT_RESOURCE(statusdesk);
}

namespace sd {

void initResources()
{
    initStatusDeskResources();
}

QIcon appIcon()
{
    initResources();
    QIcon icon;
    for (int size : {16, 24, 32, 48, 64, 128, 256, 512})
        icon.addFile(QStringLiteral(":/icons/hicolor/%1x%1/statusdesk.png").arg(size), QSize(size, size));
    return icon;
}

QString licenceText()
{
    initResources();
    QFile file(QStringLiteral(":/LICENSE"));
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

} // namespace sd
