// Issue 20 item 7: the palette follows the desktop's light or dark setting, read the freedesktop way (the XDG
// desktop portal's Settings "org.freedesktop.appearance" "color-scheme" over QtDBus) and followed live, with
// the environment first. Under a session bus of its own (dbus-run-session) with a small portal
// (tests/support/portalsettings.py) that answers and then changes its mind.
#include "tests/support/testsupport.h"
#include "ui/colorscheme.h"

#include <QApplication>
#include <QCheckBox>
#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusVariant>
#include <QElapsedTimer>
#include <QProcess>
#include <QProxyStyle>
#include <QSignalSpy>
#include <QStyle>
#include <QStyleOption>
#include <QTest>
#include <QWidget>

using namespace sd;

namespace {

// The portal on this test's session bus; "read" and "changed N" lines come back on its stdout.
class Portal final
{
public:
    bool start(const QStringList &args)
    {
        m_process.setProgram(QStringLiteral("/usr/bin/python3"));
        m_process.setArguments(
            QStringList{QStringLiteral(STATUSDESK_SOURCE_DIR "/tests/support/portalsettings.py")} + args);
        m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_process.start();
        return m_process.waitForStarted(5000) && waitFor("ready");
    }
    ~Portal()
    {
        if (m_process.state() == QProcess::NotRunning)
            return;
        m_process.closeWriteChannel(); // the portal ends when its stdin closes
        if (!m_process.waitForFinished(5000))
            m_process.kill();
    }
    void set(int value) { m_process.write(QByteArray("set ") + QByteArray::number(value) + '\n'); }
    // The portal printed this line (while the test's event loop keeps running).
    bool waitFor(const QByteArray &line)
    {
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 10000) {
            m_buffer += m_process.readAllStandardOutput();
            if (m_buffer.split('\n').contains(line))
                return true;
            QTest::qWait(20);
        }
        return false;
    }
    bool printed(const QByteArray &line)
    {
        m_buffer += m_process.readAllStandardOutput();
        return m_buffer.split('\n').contains(line);
    }

private:
    QProcess m_process;
    QByteArray m_buffer;
};

// Hears the portal's SettingChanged on the same connection as the follower, which was connected first: once
// this has it, the follower has had it too.
class SettingChangedSpy final : public QObject
{
    Q_OBJECT

public:
    explicit SettingChangedSpy(QDBusConnection bus)
    {
        bus.connect(QString::fromLatin1(ColorSchemeFollower::kPortalService),
                    QString::fromLatin1(ColorSchemeFollower::kPortalPath),
                    QString::fromLatin1(ColorSchemeFollower::kSettingsInterface),
                    QStringLiteral("SettingChanged"), this, SLOT(onChanged(QDBusMessage)));
    }
Q_SIGNALS:
    void changed();
private Q_SLOTS:
    void onChanged(const QDBusMessage &) { Q_EMIT changed(); }
};

bool darkWindow(const QWidget &w)
{
    return w.palette().color(QPalette::Window).lightness() < 128;
}

} // namespace

class TestColorScheme final : public QObject
{
    Q_OBJECT

private:
    QPalette m_startPalette;
    QString m_startStyle;

private Q_SLOTS:
    void initTestCase()
    {
        qunsetenv("STATUSDESK_COLOR_SCHEME");
        qunsetenv("GTK_THEME");
        QVERIFY2(QDBusConnection::sessionBus().isConnected(), "run under dbus-run-session");
        m_startPalette = QApplication::palette();
        m_startStyle = qApp->style()->name();
        QVERIFY(m_startPalette.color(QPalette::Window).lightness() >= 128); // the platform here is light
    }

    void cleanup()
    {
        // Every follower starts from the platform's palette.
        qunsetenv("STATUSDESK_COLOR_SCHEME");
        qunsetenv("GTK_THEME");
        QApplication::setStyle(m_startStyle);
        QApplication::setPalette(m_startPalette);
    }

    void portalValues_data()
    {
        QTest::addColumn<QVariant>("value");
        QTest::addColumn<int>("scheme"); // -1: not a scheme
        using S = ColorSchemeFollower::Scheme;
        QTest::newRow("no preference") << QVariant(0u) << int(S::NoPreference);
        QTest::newRow("prefer dark") << QVariant(1u) << int(S::Dark);
        QTest::newRow("prefer light") << QVariant(2u) << int(S::Light);
        QTest::newRow("unknown value") << QVariant(7u) << -1;
        QTest::newRow("not a number") << QVariant(QStringLiteral("dark")) << -1;
        QTest::newRow("two variants deep (Read)")
            << QVariant::fromValue(QDBusVariant(QVariant::fromValue(QDBusVariant(1u)))) << int(S::Dark);
    }

    void portalValues()
    {
        QFETCH(QVariant, value);
        QFETCH(int, scheme);
        const auto got = ColorSchemeFollower::fromPortalValue(value);
        QCOMPARE(got ? int(*got) : -1, scheme);
    }

    // Dark from the portal's answer, then light, dark and "no preference" as the desktop changes its setting.
    void followsThePortalLive()
    {
        Portal portal;
        QVERIFY(portal.start({QStringLiteral("1")}));
        QWidget window;
        window.resize(200, 100);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        ColorSchemeFollower follower(*qApp, QDBusConnection::sessionBus());
        SettingChangedSpy changed(QDBusConnection::sessionBus());
        QSignalSpy changedSpy(&changed, &SettingChangedSpy::changed);
        QSignalSpy applied(&follower, &ColorSchemeFollower::applied);
        follower.start();
        // Asked, not waited for: the answer comes through the event loop.
        QVERIFY(!follower.isDark());
        QVERIFY(applied.isEmpty());
        QVERIFY(applied.wait(10000));
        QVERIFY(portal.printed("read"));
        QCOMPARE(follower.scheme(), ColorSchemeFollower::Scheme::Dark);
        QVERIFY(follower.isDark());
        QTRY_VERIFY(darkWindow(window)); // widgets hear of the palette by an event
        // Fusion, behind the proxy that outlines check boxes in the dark.
        const auto *proxy = qobject_cast<QProxyStyle *>(qApp->style());
        QVERIFY(proxy);
        QCOMPARE(proxy->baseStyle()->name().toLower(), QStringLiteral("fusion"));

        portal.set(2);
        QVERIFY(applied.wait(10000));
        QCOMPARE(follower.scheme(), ColorSchemeFollower::Scheme::Light);
        QTRY_VERIFY(!darkWindow(window));
        QCOMPARE(QApplication::palette().color(QPalette::Window), m_startPalette.color(QPalette::Window));
        QCOMPARE(QApplication::palette().color(QPalette::Text), m_startPalette.color(QPalette::Text));

        portal.set(1);
        QVERIFY(applied.wait(10000));
        QTRY_VERIFY(darkWindow(window)); // widgets hear of the palette by an event
        portal.set(0);                   // no preference: the platform's own (light here)
        QVERIFY(applied.wait(10000));
        QCOMPARE(follower.scheme(), ColorSchemeFollower::Scheme::NoPreference);
        QTRY_VERIFY(!darkWindow(window));
        QTRY_COMPARE(changedSpy.size(), 3);
    }

    // The environment is asked first; the portal is then neither read nor followed.
    void environmentComesFirst_data()
    {
        QTest::addColumn<QByteArray>("variable");
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<int>("portalSays");
        QTest::addColumn<bool>("dark");
        QTest::newRow("STATUSDESK_COLOR_SCHEME=light over a dark desktop")
            << QByteArray("STATUSDESK_COLOR_SCHEME") << QByteArray("light") << 1 << false;
        QTest::newRow("STATUSDESK_COLOR_SCHEME=dark over a light desktop")
            << QByteArray("STATUSDESK_COLOR_SCHEME") << QByteArray("dark") << 2 << true;
        QTest::newRow("GTK_THEME=Adwaita:dark over a light desktop")
            << QByteArray("GTK_THEME") << QByteArray("Adwaita:dark") << 2 << true;
    }

    void environmentComesFirst()
    {
        QFETCH(QByteArray, variable);
        QFETCH(QByteArray, value);
        QFETCH(int, portalSays);
        QFETCH(bool, dark);
        Portal portal;
        QVERIFY(portal.start({QString::number(portalSays)}));
        qputenv(variable.constData(), value);
        ColorSchemeFollower follower(*qApp, QDBusConnection::sessionBus());
        SettingChangedSpy changed(QDBusConnection::sessionBus());
        QSignalSpy changedSpy(&changed, &SettingChangedSpy::changed);
        follower.start();
        QCOMPARE(follower.isDark(), dark); // at once: nothing to wait for
        portal.set(dark ? 2 : 1);          // the desktop says the opposite
        QVERIFY(changedSpy.wait(10000));
        QCOMPARE(follower.isDark(), dark);
        QVERIFY(!portal.printed("read"));
    }

    // Dark, an unchecked check box keeps a visible outline: Fusion drew it from the window colour, as dark as
    // the base inside it, and the incident dialog's component boxes vanished (seen under Xvfb).
    void uncheckedBoxesShowInTheDark()
    {
        qputenv("STATUSDESK_COLOR_SCHEME", "dark");
        ColorSchemeFollower follower(*qApp, QDBusConnection::sessionBus());
        follower.start();
        QVERIFY(follower.isDark());
        QCheckBox box;
        box.resize(box.sizeHint());
        QStyleOptionButton option;
        option.initFrom(&box);
        const QRect indicator = box.style()->subElementRect(QStyle::SE_CheckBoxIndicator, &option, &box);
        const QImage shot = box.grab().toImage();
        const int base = QApplication::palette().color(QPalette::Base).lightness();
        const int edge = QColor(shot.pixel(indicator.left(), indicator.center().y())).lightness();
        QVERIFY2(edge - base >= 40, qPrintable(QStringLiteral("outline %1, base %2").arg(edge).arg(base)));
    }

    // A portal that never answers Read leaves the platform's palette and the UI thread running; its
    // SettingChanged is still followed.
    void aStuckPortalHoldsNothingUp()
    {
        Portal portal;
        QVERIFY(portal.start({QStringLiteral("1"), QStringLiteral("--silent")}));
        ColorSchemeFollower follower(*qApp, QDBusConnection::sessionBus());
        QSignalSpy applied(&follower, &ColorSchemeFollower::applied);
        follower.start();
        QVERIFY(portal.waitFor("read")); // the test's event loop runs while the call is unanswered
        QVERIFY(applied.isEmpty());
        QVERIFY(!follower.isDark());
        portal.set(1);
        QVERIFY(applied.wait(10000));
        QVERIFY(follower.isDark());
    }

    // No portal on the bus: the platform's palette stays.
    void noPortalKeepsThePlatformPalette()
    {
        ColorSchemeFollower follower(*qApp, QDBusConnection::sessionBus());
        QSignalSpy applied(&follower, &ColorSchemeFollower::applied);
        QSignalSpy unanswered(&follower, &ColorSchemeFollower::portalUnanswered);
        follower.start();
        QVERIFY(unanswered.wait(10000)); // the bus says nobody owns the name
        QVERIFY(applied.isEmpty());
        QVERIFY(!follower.isDark());
    }
};

QTEST_MAIN(TestColorScheme)
#include "tst_colorscheme.moc"
