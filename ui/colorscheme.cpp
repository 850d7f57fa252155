#include "ui/colorscheme.h"

#include <QApplication>
#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusVariant>
#include <QPainter>
#include <QProxyStyle>
#include <QStyle>
#include <QStyleFactory>
#include <QStyleOption>

namespace sd {
namespace {
// The one setting read and followed: its namespace and key in the portal's Settings.
constexpr QLatin1String kGroup("org.freedesktop.appearance");
constexpr QLatin1String kKey("color-scheme");

bool isDarkPalette(const QPalette &p)
{
    return p.color(QPalette::Window).lightness() < 128;
}

QPalette darkPalette()
{
    QPalette p;
    const QColor window(0x2b, 0x2d, 0x30);
    const QColor base(0x1e, 0x1f, 0x22);
    const QColor text(0xe6, 0xe6, 0xe6);
    const QColor disabled(0x7f, 0x7f, 0x7f);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(0x33, 0x35, 0x39));
    p.setColor(QPalette::ToolTipBase, window);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0xa0, 0xa0, 0xa0));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, window);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, QColor(0xff, 0x6b, 0x6b));
    p.setColor(QPalette::Link, QColor(0x6c, 0xb6, 0xff));
    p.setColor(QPalette::LinkVisited, QColor(0xb3, 0x92, 0xf0));
    p.setColor(QPalette::Highlight, QColor(0x2f, 0x6f, 0xb8));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Light, QColor(0x45, 0x47, 0x4b));
    p.setColor(QPalette::Midlight, QColor(0x3a, 0x3c, 0x40));
    p.setColor(QPalette::Mid, QColor(0x25, 0x26, 0x29));
    p.setColor(QPalette::Dark, QColor(0x18, 0x19, 0x1b));
    p.setColor(QPalette::Shadow, Qt::black);
    for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, disabled);
    return p;
}

// Fusion draws a check box's outline from the window colour, which in the dark palette is as dark as the
// base the box sits on: unchecked boxes in a table (the incident dialog's components) vanished. This draws
// the outline again in a light colour of the palette.
class DarkCheckOutlineStyle final : public QProxyStyle
{
    Q_DISABLE_COPY_MOVE(DarkCheckOutlineStyle)

public:
    using QProxyStyle::QProxyStyle;

    void drawPrimitive(PrimitiveElement element, const QStyleOption *option, QPainter *painter,
                       const QWidget *widget) const override
    {
        QProxyStyle::drawPrimitive(element, option, painter, widget);
        if (element != PE_IndicatorCheckBox || !isDarkPalette(option->palette))
            return;
        painter->save();
        painter->setBrush(Qt::NoBrush);
        painter->setPen(option->palette.color(QPalette::Light).lighter(130));
        painter->drawRect(option->rect.adjusted(0, 0, -1, -1));
        painter->restore();
    }
};

} // namespace

ColorSchemeFollower::ColorSchemeFollower(QApplication &app, const QDBusConnection &bus, QObject *parent)
    : QObject(parent)
    , m_app(app)
    , m_bus(bus)
    , m_platformPalette(QApplication::palette())
    , m_platformStyle(app.style() ? app.style()->name() : QString())
{}

std::optional<ColorSchemeFollower::Scheme> ColorSchemeFollower::environmentOverride()
{
    const QString asked = qEnvironmentVariable("STATUSDESK_COLOR_SCHEME").toLower();
    if (asked == QLatin1String("dark"))
        return Scheme::Dark;
    if (asked == QLatin1String("light"))
        return Scheme::Light;
    if (qEnvironmentVariable("GTK_THEME").endsWith(QLatin1String(":dark"), Qt::CaseInsensitive))
        return Scheme::Dark;
    return std::nullopt;
}

std::optional<ColorSchemeFollower::Scheme> ColorSchemeFollower::fromPortalValue(const QVariant &value)
{
    // xdg-desktop-portal's Read wraps the value in a second variant (ReadOne and SettingChanged do not).
    QVariant v = value;
    while (v.metaType() == QMetaType::fromType<QDBusVariant>())
        v = v.value<QDBusVariant>().variant();
    bool ok = false;
    const uint n = v.toUInt(&ok);
    if (!ok)
        return std::nullopt;
    switch (n) {
    case 0:
        return Scheme::NoPreference;
    case 1:
        return Scheme::Dark;
    case 2:
        return Scheme::Light;
    default:
        return std::nullopt; // a later version's value: left as it is
    }
}

void ColorSchemeFollower::start()
{
    if (const auto forced = environmentOverride()) {
        m_overridden = true;
        apply(*forced);
        return;
    }
    if (!m_bus.isConnected())
        return; // no session bus: the platform's palette stays
    // Followed before the first answer, so a change in between is not missed.
    m_bus.connect(QString::fromLatin1(kPortalService), QString::fromLatin1(kPortalPath),
                  QString::fromLatin1(kSettingsInterface), QStringLiteral("SettingChanged"), this,
                  SLOT(onSettingChanged(QDBusMessage)));
    QDBusMessage call =
        QDBusMessage::createMethodCall(QString::fromLatin1(kPortalService), QString::fromLatin1(kPortalPath),
                                       QString::fromLatin1(kSettingsInterface), QStringLiteral("Read"));
    call << QString(kGroup) << QString(kKey);
    // Never waited for: the UI thread goes on with the platform's palette until the portal answers (or not).
    auto *watcher = new QDBusPendingCallWatcher(m_bus.asyncCall(call, 5000), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this, [this, watcher] {
        watcher->deleteLater();
        const QDBusMessage reply = watcher->reply();
        if (reply.type() != QDBusMessage::ReplyMessage) {
            // No portal, or it does not know the key: the platform's palette stays.
            Q_EMIT portalUnanswered(reply.errorMessage());
            return;
        }
        if (const auto scheme = fromPortalValue(reply.arguments().value(0)))
            apply(*scheme);
    });
}

void ColorSchemeFollower::onSettingChanged(const QDBusMessage &message)
{
    // Taken as the whole message: a slot typed (QString, QString, QDBusVariant) is refused by connect() until
    // something has registered QDBusVariant's metatype, which a console starting up has not.
    const QVariantList args = message.arguments();
    if (m_overridden || args.size() < 3 || args[0].toString() != kGroup || args[1].toString() != kKey)
        return;
    if (const auto scheme = fromPortalValue(args[2]))
        apply(*scheme);
}

bool ColorSchemeFollower::isDark() const
{
    return isDarkPalette(QApplication::palette());
}

void ColorSchemeFollower::apply(Scheme scheme)
{
    m_scheme = scheme;
    const bool platformDark = isDarkPalette(m_platformPalette);
    const bool wantDark = scheme == Scheme::Dark || (scheme == Scheme::NoPreference && platformDark);
    if (wantDark && !platformDark) {
        // Fusion draws every control from the palette; other styles may keep light parts of their own.
        m_app.setStyle(new DarkCheckOutlineStyle(QStyleFactory::create(QStringLiteral("Fusion"))));
        QApplication::setPalette(darkPalette());
    } else if (!wantDark && platformDark) {
        // The platform is dark but light is asked: Fusion's own light palette.
        QStyle *fusion = QStyleFactory::create(QStringLiteral("Fusion"));
        m_app.setStyle(fusion);
        QApplication::setPalette(fusion->standardPalette());
    } else {
        // What the platform gave: its style and palette as at start.
        if (!m_platformStyle.isEmpty() && m_app.style()->name() != m_platformStyle)
            m_app.setStyle(QStyleFactory::create(m_platformStyle));
        QApplication::setPalette(m_platformPalette);
    }
    Q_EMIT applied(scheme, isDark());
}

} // namespace sd
