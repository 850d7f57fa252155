#pragma once

#include <QDBusConnection>
#include <QObject>
#include <QPalette>
#include <optional>

class QApplication;
class QDBusMessage;

namespace sd {

// A palette that follows the desktop's light or dark setting (issue 20 item 7). Qt 6.4 has no
// QStyleHints::colorScheme, so the desktop is asked the freedesktop way: the XDG desktop portal's
// org.freedesktop.portal.Settings, "org.freedesktop.appearance" "color-scheme" (0 no preference, 1 prefer
// dark, 2 prefer light), read without waiting and followed live through its SettingChanged signal. The
// environment comes first and then the portal is not asked: STATUSDESK_COLOR_SCHEME=dark|light, or GTK_THEME
// "Name:dark". Dark is the Fusion style with a dark palette; light and "no preference" put back the
// platform's own style and palette (or Fusion's light one where the platform's is dark and light is asked).
class ColorSchemeFollower final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ColorSchemeFollower)

public:
    enum class Scheme
    {
        NoPreference,
        Dark,
        Light
    };
    Q_ENUM(Scheme)
    // Where the portal answers (the tests' stand-in registers the same names).
    static constexpr const char *kPortalService = "org.freedesktop.portal.Desktop";
    static constexpr const char *kPortalPath = "/org/freedesktop/portal/desktop";
    static constexpr const char *kSettingsInterface = "org.freedesktop.portal.Settings";

    ColorSchemeFollower(QApplication &app, const QDBusConnection &bus, QObject *parent = nullptr);

    // Applies an environment override at once; otherwise sends the portal's Read and returns (the answer,
    // and every later change, arrive through the event loop).
    void start();
    Scheme scheme() const { return m_scheme; }
    bool isDark() const;

    // STATUSDESK_COLOR_SCHEME, then GTK_THEME; nothing when neither says.
    static std::optional<Scheme> environmentOverride();
    // The portal's number (any depth of variant around it, as portals differ); nullopt when it is none.
    static std::optional<Scheme> fromPortalValue(const QVariant &value);

Q_SIGNALS:
    void applied(sd::ColorSchemeFollower::Scheme scheme, bool dark);
    void portalUnanswered(const QString &error); // no portal, or it does not know the setting

private Q_SLOTS:
    void onSettingChanged(const QDBusMessage &message); // the portal's SettingChanged(ssv)

private:
    void apply(Scheme scheme);

    QApplication &m_app;
    QDBusConnection m_bus;
    const QPalette m_platformPalette; // as the application started
    const QString m_platformStyle;
    Scheme m_scheme = Scheme::NoPreference;
    bool m_overridden = false; // the environment decided: the portal is not followed
};

} // namespace sd
