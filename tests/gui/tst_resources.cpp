// resources/ (issue 13): the desktop entry and AppStream metadata pass the freedesktop validators, and
// the icons and LICENSE are compiled into the console.
#include "tests/support/testsupport.h"
#include "ui/appresources.h"
#include "ui/mainwindow.h"
#include "ui/noticesdock.h"
#include "ui/session.h"
#include "ui/shortcutsdialog.h"

#include <QAction>
#include <QApplication>
#include <QFile>
#include <QImage>
#include <QListWidget>
#include <QProcess>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTest>

using namespace sd;

namespace {
const QString kResources = QStringLiteral(STATUSDESK_RESOURCES_DIR);

// Runs a validator; its output is the failure message.
void validate(const QString &program, const QStringList &args)
{
    const QString path = QStandardPaths::findExecutable(program);
    QVERIFY2(!path.isEmpty(),
             qPrintable(program + QStringLiteral(" is not installed (scripts/install-deps.sh)")));
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(path, args);
    QVERIFY(p.waitForFinished(60000));
    const QByteArray out = p.readAll();
    QVERIFY2(p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0, out.constData());
}
} // namespace

class TestResources : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("StatusDeskTests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_resources"));
    }

    void desktopEntryValidates()
    {
        validate(QStringLiteral("desktop-file-validate"),
                 {kResources + QStringLiteral("/org.statusdesk.StatusDesk.desktop")});
    }

    void metainfoValidates()
    {
        validate(QStringLiteral("appstreamcli"),
                 {QStringLiteral("validate"), QStringLiteral("--no-net"),
                  kResources + QStringLiteral("/org.statusdesk.StatusDesk.metainfo.xml")});
        QFile file(kResources + QStringLiteral("/org.statusdesk.StatusDesk.metainfo.xml"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(file.readAll().contains("<project_license>GPL-3.0-or-later</project_license>"));
    }

    void iconsAreCompiledIn_data()
    {
        QTest::addColumn<int>("size");
        for (int size : {16, 24, 32, 48, 64, 128, 256, 512})
            QTest::addRow("%d", size) << size;
    }
    void iconsAreCompiledIn()
    {
        QFETCH(int, size);
        initResources();
        const QImage image(QStringLiteral(":/icons/hicolor/%1x%1/statusdesk.png").arg(size));
        QCOMPARE(image.size(), QSize(size, size));
        QCOMPARE(appIcon().pixmap(size, size).size(), QSize(size, size));
    }

    void licenceAndStatusIconsCompiledIn()
    {
        QVERIFY(licenceText().contains(QStringLiteral("GNU GENERAL PUBLIC LICENSE")));
        QVERIFY(licenceText().contains(QStringLiteral("Version 3, 29 June 2007")));
        for (const char *name :
             {"operational", "under_maintenance", "degraded_performance", "partial_outage", "major_outage"})
            QVERIFY2(QFile::exists(QStringLiteral(":/icons/status/%1.svg").arg(QLatin1String(name))), name);
        QVERIFY(QFile::exists(QStringLiteral(":/icons/statusdesk.svg")));
    }

    void windowHasIconShortcutsAndNotices()
    {
        test::TempDatabase db;
        Notice n;
        n.createdAt = QDateTime::currentDateTimeUtc();
        n.kind = QStringLiteral("quarantine");
        n.text = QStringLiteral("https://hooks.example was quarantined: tell ops@example.com");
        db.store().notices.add(n);
        db.reopen();
        QString error;
        auto session = Session::open(db.path(), &error);
        QVERIFY2(session, qPrintable(error));
        MainWindow window(std::move(session));
        window.show();
        QVERIFY(!window.windowIcon().isNull());
        // The Notices panel lists the stored notice with its time in the one console format (with offset).
        QListWidget *list = window.noticesDock()->list();
        QCOMPARE(list->count(), 1);
        QVERIFY(list->item(0)->text().contains(QStringLiteral("quarantined")));
        QVERIFY2(list->item(0)->text().contains(
                     QRegularExpression(QStringLiteral("\\d{2}:\\d{2}:\\d{2} [+-]\\d{2}:\\d{2}"))),
                 qPrintable(list->item(0)->text()));
        // Every action with a shortcut is listed, read from the actions themselves.
        ShortcutsDialog dialog(&window);
        QStringList listed;
        for (int r = 0; r < dialog.table()->rowCount(); ++r)
            listed << dialog.table()->item(r, 0)->text();
        int withShortcut = 0;
        for (QAction *a : window.findChildren<QAction *>()) {
            if (a->shortcut().isEmpty())
                continue;
            ++withShortcut;
            QVERIFY2(listed.join(QLatin1Char('|')).contains(a->shortcut().toString(QKeySequence::NativeText)),
                     qPrintable(a->text()));
        }
        QVERIFY(withShortcut >= 10);
        QVERIFY(listed.contains(QKeySequence(QKeySequence::Undo).toString(QKeySequence::NativeText)));
        QVERIFY(listed.contains(QStringLiteral("F2")));
        // The keys the tables handle without an action are listed too (issue 13 item 5): the Deliveries
        // table's End/Ctrl+End and Home/Ctrl+Home, and F5 (View → Refresh) reloads it.
        QStringList does;
        for (int r = 0; r < dialog.table()->rowCount(); ++r)
            does << dialog.table()->item(r, 0)->text() + QStringLiteral(" = ") +
                        dialog.table()->item(r, 1)->text();
        const QString all = does.join(QLatin1Char('\n'));
        QVERIFY2(all.contains(
                     QRegularExpression(QStringLiteral("^End or Ctrl\\+End = Deliveries: jump to the last"),
                                        QRegularExpression::MultilineOption)),
                 qPrintable(all));
        QVERIFY2(all.contains(QRegularExpression(
                     QStringLiteral("^Home or Ctrl\\+Home = Deliveries: back to the first"),
                     QRegularExpression::MultilineOption)),
                 qPrintable(all));
        QVERIFY2(all.contains(QRegularExpression(QStringLiteral("^F5 = Refresh$"),
                                                 QRegularExpression::MultilineOption)),
                 qPrintable(all));
    }
};

QTEST_MAIN(TestResources)
#include "tst_resources.moc"
