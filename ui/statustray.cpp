#include "ui/statustray.h"

#include "ui/statuspalette.h"

#include <QAction>
#include <QLocale>
#include <QMenu>
#include <QPainter>
#include <QPainterPath>
#include <QSystemTrayIcon>

namespace sd {
namespace {
constexpr int kChangesShown = 5;
}

StatusTray::StatusTray(QObject *parent)
    : QObject(parent)
    , m_menu(std::make_unique<QMenu>())
    , m_tray(new QSystemTrayIcon(this))
{
    m_menu->setObjectName(QStringLiteral("trayMenu"));
    m_status = m_menu->addAction(QString());
    m_status->setEnabled(false);
    m_failing = m_menu->addAction(QString());
    m_failing->setEnabled(false);
    m_changesHeader = m_menu->addSection(tr("Last changes"));
    m_changesEnd = m_menu->addSeparator();
    m_menu->addAction(tr("&Show StatusDesk"), this, &StatusTray::showRequested)
        ->setObjectName(QStringLiteral("trayShowAction"));
    m_dnd = m_menu->addAction(tr("&Do not disturb"));
    m_dnd->setObjectName(QStringLiteral("trayDoNotDisturbAction"));
    m_dnd->setCheckable(true);
    connect(m_dnd, &QAction::toggled, this, &StatusTray::doNotDisturbToggled);
    m_menu->addSeparator();
    m_menu->addAction(tr("&Quit"), this, &StatusTray::quitRequested)
        ->setObjectName(QStringLiteral("trayQuitAction"));
    m_tray->setContextMenu(m_menu.get());
    connect(m_tray, &QSystemTrayIcon::activated, this, [this](QSystemTrayIcon::ActivationReason reason) {
        if (reason == QSystemTrayIcon::Trigger || reason == QSystemTrayIcon::DoubleClick)
            Q_EMIT showRequested();
    });
    redraw();
    rebuildMenu();
}

StatusTray::~StatusTray()
{
    m_tray->setContextMenu(nullptr);
}

void StatusTray::setPageStatus(const PageStatus &status)
{
    if (status == m_pageStatus)
        return;
    m_pageStatus = status;
    redraw();
    rebuildMenu();
}

void StatusTray::setFailingEndpoints(int count)
{
    if (count == m_failingCount)
        return;
    m_failingCount = count;
    redraw();
    rebuildMenu();
}

void StatusTray::setRecentChanges(const QStringList &lines)
{
    if (lines == m_recent)
        return;
    m_recent = lines;
    rebuildMenu();
}

void StatusTray::setDoNotDisturb(bool on)
{
    m_dnd->setChecked(on);
    m_tray->setToolTip(toolTip());
}

void StatusTray::showMessage(const QString &title, const QString &body, bool urgent)
{
    m_tray->showMessage(title, body, urgent ? QSystemTrayIcon::Critical : QSystemTrayIcon::Information);
}

void StatusTray::setVisible(bool visible)
{
    m_tray->setVisible(visible);
}

bool StatusTray::isVisible() const
{
    return m_tray->isVisible();
}

QString StatusTray::failingText(int count)
{
    // Spelled out: without a translation loaded, "%n endpoint(s)" would be shown as it is written.
    return count == 1 ? tr("1 endpoint failing") : tr("%1 endpoints failing").arg(QLocale().toString(count));
}

QString StatusTray::toolTip() const
{
    QString tip = tr("StatusDesk: %1").arg(m_pageStatus.description);
    if (m_failingCount > 0)
        tip += QLatin1Char('\n') + failingText(m_failingCount);
    if (m_dnd->isChecked())
        tip += QLatin1Char('\n') + tr("Do not disturb");
    return tip;
}

QImage StatusTray::render(const QColor &status, int failing, int size)
{
    QImage image(size, size, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::transparent);
    QPainter p(&image);
    p.setRenderHint(QPainter::Antialiasing);
    const qreal s = size;
    p.setPen(QPen(status.darker(140), s / 32));
    p.setBrush(status);
    p.drawRoundedRect(QRectF(s * 0.04, s * 0.04, s * 0.92, s * 0.92), s * 0.2, s * 0.2);
    // The pulse of the application icon, in white.
    QPainterPath pulse;
    pulse.moveTo(s * 0.14, s * 0.55);
    pulse.lineTo(s * 0.34, s * 0.55);
    pulse.lineTo(s * 0.43, s * 0.30);
    pulse.lineTo(s * 0.54, s * 0.76);
    pulse.lineTo(s * 0.63, s * 0.55);
    pulse.lineTo(s * 0.86, s * 0.55);
    p.setPen(QPen(Qt::white, std::max(1.5, s / 11), Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    p.setBrush(Qt::NoBrush);
    p.drawPath(pulse);
    if (failing > 0) {
        // The badge: red on the status colour, white where the status itself is red.
        const bool redIcon = status == palette::pageIndicator(QStringLiteral("critical"));
        const QColor fill = redIcon ? QColor(Qt::white) : QColor(0xc6, 0x28, 0x28);
        const QColor text = redIcon ? QColor(0xc6, 0x28, 0x28) : QColor(Qt::white);
        const QString label = failing > 99 ? QStringLiteral("99+") : QString::number(failing);
        const QRectF badge(s * 0.42, s * 0.42, s * 0.58, s * 0.58);
        p.setPen(QPen(text, s / 32));
        p.setBrush(fill);
        p.drawEllipse(badge);
        QFont font = p.font();
        font.setBold(true);
        font.setPixelSize(std::max(6, static_cast<int>(s * (label.size() > 2 ? 0.22 : 0.34))));
        p.setFont(font);
        p.setPen(text);
        p.drawText(badge, Qt::AlignCenter, label);
    }
    return image;
}

void StatusTray::redraw()
{
    QIcon icon;
    const QColor colour = palette::pageIndicator(m_pageStatus.indicator);
    for (const int size : {16, 22, 24, 32, 48, 64})
        icon.addPixmap(QPixmap::fromImage(render(colour, m_failingCount, size)));
    m_tray->setIcon(icon);
    m_tray->setToolTip(toolTip());
}

void StatusTray::rebuildMenu()
{
    m_status->setText(m_pageStatus.description);
    m_status->setIcon(palette::dot(palette::pageIndicator(m_pageStatus.indicator), 12));
    m_failing->setText(m_failingCount > 0 ? failingText(m_failingCount) : tr("No endpoint failing"));
    for (QAction *a : std::as_const(m_changes)) {
        m_menu->removeAction(a);
        delete a;
    }
    m_changes.clear();
    const QStringList shown = m_recent.mid(0, kChangesShown);
    for (const QString &line : shown) {
        auto *a = new QAction(line, m_menu.get());
        a->setEnabled(false);
        m_menu->insertAction(m_changesEnd, a);
        m_changes << a;
    }
    if (shown.isEmpty()) {
        auto *a = new QAction(tr("No change yet"), m_menu.get());
        a->setEnabled(false);
        m_menu->insertAction(m_changesEnd, a);
        m_changes << a;
    }
}

} // namespace sd
