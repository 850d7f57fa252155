// The console never opens its own database's files (only SQLite does), and an error that reaches the event
// loop never ends it. See DatabaseFiles for why a stray open() of the database, its -wal or its -shm is
// fatal: closing it drops SQLite's POSIX locks, and the next statusdesk-cli run deletes the WAL the console
// writes to.
#include "app/report/deliveryreport.h"
#include "models/databasefiles.h"
#include "models/itemmodels/subscribersmodel.h"
#include "tests/gui/openwatch.h"
#include "tests/support/testsupport.h"
#include "ui/consoleapplication.h"
#include "ui/deliveriesview.h"
#include "ui/mainwindow.h"
#include "ui/reportexporter.h"
#include "ui/safefiledialog.h"
#include "ui/session.h"
#include "ui/subscribersview.h"

#include <QAction>
#include <QDialog>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileIconProvider>
#include <QFileInfo>
#include <QFileSystemModel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProcess>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTreeView>
#include <algorithm>
#include <functional>
#include <stdexcept>
#include <unistd.h>

using namespace sd;

namespace {

// Runs `act` on the next modal dialog that `matches` accepts (dialogs run their own event loop).
void whenModal(QObject *context, std::function<bool(QWidget *)> matches, std::function<void(QDialog *)> act)
{
    auto *timer = new QTimer(context);
    timer->setInterval(20);
    QObject::connect(timer, &QTimer::timeout, context, [timer, matches, act] {
        auto *dialog = qobject_cast<QDialog *>(QApplication::activeModalWidget());
        if (dialog && dialog->isVisible() && matches(dialog)) {
            timer->stop();
            timer->deleteLater();
            act(dialog);
        }
    });
    timer->start();
}

bool isFileDialog(QWidget *w)
{
    return qobject_cast<QFileDialog *>(w) != nullptr;
}

QAction *actionWithShortcut(QWidget *window, QKeySequence::StandardKey key)
{
    for (QAction *a : window->findChildren<QAction *>()) {
        if (a->shortcut() == QKeySequence(key))
            return a;
    }
    return nullptr;
}

QString describe(const std::vector<openwatch::Open> &opens)
{
    QStringList lines;
    for (const openwatch::Open &o : opens)
        lines << QStringLiteral("%1(%2) from %3 on thread \"%4\"%5")
                     .arg(QString::fromStdString(o.function), QString::fromStdString(o.path),
                          QString::fromStdString(o.caller), QString::fromStdString(o.thread),
                          o.guiThread ? QStringLiteral(" (GUI)") : QString());
    return lines.join(QStringLiteral("; "));
}

// The opens that were not SQLite's own (its connections opening the files they use are fine).
std::vector<openwatch::Open> foreign(std::vector<openwatch::Open> opens)
{
    opens.erase(
        std::remove_if(opens.begin(), opens.end(), [](const openwatch::Open &o) { return o.bySqlite; }),
        opens.end());
    return opens;
}

// What one file dialog showed while it was exercised.
struct DialogVisit
{
    QString title;
    QString className;
    bool nativeOff = false;
    QStringList listed; // names QFileSystemModel loaded for the folder (types and icons computed for each)
    QStringList shown;  // names the dialog's view shows
    bool rendered = false;
};

QStringList namesUnder(const QAbstractItemModel *model, const QModelIndex &parent)
{
    QStringList names;
    for (int r = 0; r < model->rowCount(parent); ++r)
        names << model->index(r, 0, parent).data(QFileSystemModel::FileNameRole).toString();
    return names;
}

// Does what an operator does in a file dialog opened on the database's folder: the detail view (type and
// size columns), every file listed ("All files" where offered), the file name typed (the completer), the
// database selected, and the whole dialog painted. Then cancels.
DialogVisit exercise(QFileDialog *dialog, const QString &folder, const QString &databasePath)
{
    DialogVisit v;
    v.title = dialog->windowTitle();
    v.className = QString::fromLatin1(dialog->metaObject()->className());
    v.nativeOff = dialog->testOption(QFileDialog::DontUseNativeDialog) ||
                  QCoreApplication::testAttribute(Qt::AA_DontUseNativeDialogs);
    auto *files = dialog->findChild<QFileSystemModel *>();
    if (!files) {
        dialog->reject();
        return v;
    }
    dialog->setViewMode(QFileDialog::Detail);
    // Files that do not match the name filter are listed greyed out (as on macOS) rather than left out, so
    // the database's files are listed, typed and painted in every dialog.
    files->setNameFilterDisables(true);
    for (const QString &filter : dialog->nameFilters()) {
        if (filter.contains(QLatin1String("(*)")))
            dialog->selectNameFilter(filter);
    }
    if (QDir(dialog->directory()).canonicalPath() != QDir(folder).canonicalPath()) {
        QSignalSpy loaded(files, &QFileSystemModel::directoryLoaded);
        dialog->setDirectory(folder);
        loaded.wait(5000);
    }
    // The gatherer thread lists the folder; the GUI thread takes its updates and computes icons and types.
    QTest::qWait(800);
    v.listed = namesUnder(files, files->index(folder));
    if (auto *tree = dialog->findChild<QTreeView *>(QStringLiteral("treeView"))) {
        v.shown = namesUnder(tree->model(), tree->rootIndex());
        v.rendered = !tree->grab().isNull();
    }
    if (auto *name = dialog->findChild<QLineEdit *>(QStringLiteral("fileNameEdit"))) {
        QTest::keyClicks(name, QFileInfo(databasePath).fileName().left(6)); // the completer lists matches
        QTest::qWait(300);
        name->clear();
    }
    dialog->selectFile(databasePath);
    QTest::qWait(200);
    v.rendered = v.rendered && !dialog->grab().isNull();
    dialog->reject();
    return v;
}

// Runs statusdesk-cli again and again (each run adds a subscriber and exits) until stop().
class CliWriter final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CliWriter)

public:
    explicit CliWriter(QString database)
        : m_database(std::move(database))
    {
        connect(&m_process, &QProcess::finished, this, [this](int code, QProcess::ExitStatus status) {
            ++m_runs;
            if (status != QProcess::NormalExit || code != 0)
                m_failures << QString::fromUtf8(m_process.readAllStandardError()).trimmed();
            if (!m_stopping)
                runOnce();
        });
    }
    void start() { runOnce(); }
    void stop()
    {
        m_stopping = true;
        if (m_process.state() != QProcess::NotRunning)
            m_process.waitForFinished(60000);
    }
    int runs() const { return m_runs; }
    QStringList failures() const { return m_failures; }

private:
    void runOnce()
    {
        m_process.start(test::cliPath(),
                        {QStringLiteral("--db"), m_database, QStringLiteral("--queue-only"),
                         QStringLiteral("subscriber"), QStringLiteral("add"), QStringLiteral("--endpoint"),
                         QStringLiteral("http://127.0.0.1:9/cli-%1").arg(m_runs), QStringLiteral("--email"),
                         QStringLiteral("cli@example.com")});
    }

    QString m_database;
    QProcess m_process;
    int m_runs = 0;
    bool m_stopping = false;
    QStringList m_failures;
};

// One statusdesk-cli run to its end: exit code and output.
struct CliRun
{
    int code = -1;
    QString out;
    QString err;
};

CliRun runCli(const QStringList &args)
{
    QProcess p;
    p.start(test::cliPath(), args);
    CliRun r;
    if (!p.waitForFinished(60000))
        return r;
    r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

bool hasEndpoint(const std::vector<Subscriber> &subscribers, const QString &endpoint)
{
    return std::any_of(subscribers.cbegin(), subscribers.cend(),
                       [&](const Subscriber &s) { return s.endpoint == endpoint; });
}

} // namespace

class TestFileSafety : public QObject
{
    Q_OBJECT

private:
    // A console (Session + MainWindow) on desk.sqlite in a folder of its own.
    struct Console
    {
        QTemporaryDir dir;
        QString path;
        std::unique_ptr<MainWindow> window;

        Console()
            : path(dir.filePath(QStringLiteral("desk.sqlite")))
        {
            QString error;
            auto session = Session::open(path, &error);
            if (!session)
                qFatal("cannot open the console's database: %s", qPrintable(error));
            window = std::make_unique<MainWindow>(std::move(session));
            window->show();
        }
        QString folder() const { return dir.path(); }
        QString wal() const { return path + QStringLiteral("-wal"); }
        QString shm() const { return path + QStringLiteral("-shm"); }
        QString journal() const { return path + QStringLiteral("-journal"); }
        std::vector<std::string> watchedNames() const
        {
            const std::string base = QFileInfo(path).fileName().toStdString();
            return {base, base + "-wal", base + "-shm", base + "-journal"};
        }
        Session &session() { return window->session(); }
    };

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(
            true); // QSettings (and the file dialogs' history) go to a test location
        QCoreApplication::setOrganizationName(QStringLiteral("StatusDeskTests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_filesafety"));
        QVERIFY2(QFileInfo(test::cliPath()).isExecutable(), qPrintable(test::cliPath()));
    }

    // The watch sees Qt's opens, and the mechanism behind the bug: Qt's stock icon provider reads a file its
    // name does not identify (QMimeDatabase). The console's provider decides by name and stat() only.
    void stockIconProviderOpensFilesOursDoesNot()
    {
        QTemporaryDir dir;
        const QString probe = dir.filePath(QStringLiteral("probe.sqlite-wal"));
        QFile f(probe);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(4096, '\x37'));
        f.close();
        const QFileInfo info(probe);

        openwatch::start({"probe.sqlite-wal"});
        QFile reader(probe);
        QVERIFY(reader.open(QIODevice::ReadOnly));
        reader.close();
        const auto direct = openwatch::stop(); // the watch sees Qt's own file access, and who called
        QCOMPARE(direct.size(), size_t(1));
        QVERIFY2(!direct.front().bySqlite && direct.front().guiThread, qPrintable(describe(direct)));

        openwatch::start({"probe.sqlite-wal"});
        const QString stockType = QFileIconProvider().type(info);
        const auto stock = openwatch::stop();
        QVERIFY2(!stock.empty(),
                 qPrintable(QStringLiteral("stock type() said %1 without reading").arg(stockType)));
        QVERIFY2(foreign(stock).size() == stock.size(), qPrintable(describe(stock)));

        NameOnlyIconProvider ours;
        openwatch::start({"probe.sqlite-wal"});
        QCOMPARE(ours.type(info), QStringLiteral("SQLITE-WAL File"));
        QVERIFY(!ours.icon(info).isNull());
        QVERIFY(!ours.icon(QFileInfo(dir.path())).isNull());
        QCOMPARE(ours.type(QFileInfo(dir.path())), QStringLiteral("Folder"));
        const auto mine = openwatch::stop();
        QVERIFY2(mine.empty(), qPrintable(describe(mine)));

        // SQLite's own opens are told apart (the console's connections may open their files).
        const QString control = dir.filePath(QStringLiteral("control.sqlite"));
        openwatch::start({"control.sqlite"});
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("control"));
            db.setDatabaseName(control);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("CREATE TABLE t (x)")));
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("control"));
        const auto bySqlite = openwatch::stop();
        QVERIFY(!bySqlite.empty());
        QVERIFY2(foreign(bySqlite).empty(), qPrintable(describe(bySqlite)));
    }

    // The console's dialog still does a file dialog's job: name filters, the folder, the suggested name and
    // the default suffix; the database's side files are not offered.
    void safeDialogStillPicksFiles()
    {
        QTemporaryDir dir;
        for (const QString &name : {QStringLiteral("subs.csv"), QStringLiteral("x.sqlite"),
                                    QStringLiteral("x.sqlite-wal"), QStringLiteral("x.sqlite-shm")}) {
            QFile f(dir.filePath(name));
            QVERIFY(f.open(QIODevice::WriteOnly));
        }
        QObject context;
        QStringList shown;
        QString suggested;
        whenModal(&context, isFileDialog, [&](QDialog *d) {
            auto *dialog = qobject_cast<QFileDialog *>(d);
            dialog->selectNameFilter(QStringLiteral("All files (*)"));
            QTest::qWait(500);
            auto *tree = dialog->findChild<QTreeView *>(QStringLiteral("treeView"));
            shown = namesUnder(tree->model(), tree->rootIndex());
            // A click on the file, as an operator picks it (through the dialog's filtering model).
            for (int r = 0; r < tree->model()->rowCount(tree->rootIndex()); ++r) {
                const QModelIndex index = tree->model()->index(r, 0, tree->rootIndex());
                if (index.data(QFileSystemModel::FileNameRole).toString() == QLatin1String("subs.csv"))
                    tree->selectionModel()->select(index, QItemSelectionModel::ClearAndSelect |
                                                              QItemSelectionModel::Rows);
            }
            d->accept(); // QDialog::accept() is public; QFileDialog overrides it
        });
        QCOMPARE(SafeFileDialog::getOpenFileName(nullptr, QStringLiteral("Import"), dir.path(),
                                                 QStringLiteral("CSV files (*.csv);;All files (*)")),
                 dir.filePath(QStringLiteral("subs.csv")));
        shown.sort();
        QCOMPARE(shown, QStringList({QStringLiteral("subs.csv"), QStringLiteral("x.sqlite")}));

        whenModal(&context, isFileDialog, [&](QDialog *d) {
            auto *name = d->findChild<QLineEdit *>(QStringLiteral("fileNameEdit"));
            suggested = name->text();
            name->setText(QStringLiteral("report"));
            d->accept();
        });
        QCOMPARE(SafeFileDialog::getSaveFileName(nullptr, QStringLiteral("Save report"),
                                                 dir.filePath(QStringLiteral("delivery-report.csv")),
                                                 QStringLiteral("CSV (*.csv)"), QStringLiteral("csv")),
                 dir.filePath(QStringLiteral("report.csv")));
        QCOMPARE(suggested, QStringLiteral("delivery-report.csv"));
    }

    void registryKnowsSideFilesAndLinks()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("a.sqlite"));
        for (const QString &name : {QStringLiteral("a.sqlite"), QStringLiteral("a.sqlite-wal"),
                                    QStringLiteral("b.sqlite"), QStringLiteral("a.sqlite-walrus")}) {
            QFile f(dir.filePath(name));
            QVERIFY(f.open(QIODevice::WriteOnly));
        }
        QVERIFY(QFile::link(db, dir.filePath(QStringLiteral("sym.sqlite"))));
        QVERIFY(QFile::link(dir.path(), dir.filePath(QStringLiteral("folderlink"))));
        QCOMPARE(::link(QFile::encodeName(db).constData(),
                        QFile::encodeName(dir.filePath(QStringLiteral("hard.sqlite"))).constData()),
                 0);

        QVERIFY(!DatabaseFiles::isOpenDatabaseFile(db));
        {
            const DatabaseFiles::Registration open(db);
            auto m = DatabaseFiles::find(db);
            QVERIFY(m && !m->sideFile && m->samePath);
            QCOMPARE(m->database, db);
            m = DatabaseFiles::find(dir.filePath(QStringLiteral("a.sqlite-wal")));
            QVERIFY(m && m->sideFile);
            m = DatabaseFiles::find(dir.filePath(QStringLiteral("a.sqlite-shm"))); // need not exist
            QVERIFY(m && m->sideFile);
            m = DatabaseFiles::find(dir.filePath(QStringLiteral("folderlink/a.sqlite-journal")));
            QVERIFY(m && m->sideFile);
            m = DatabaseFiles::find(dir.filePath(QStringLiteral("sym.sqlite")));
            QVERIFY(m && !m->sideFile && m->samePath);
            m = DatabaseFiles::find(dir.filePath(QStringLiteral("hard.sqlite")));
            QVERIFY(m && !m->sideFile && !m->samePath);
            m = DatabaseFiles::find(dir.filePath(QStringLiteral("sub/../a.sqlite")));
            QVERIFY(m);
            QVERIFY(!DatabaseFiles::find(dir.filePath(QStringLiteral("b.sqlite"))));
            QVERIFY(!DatabaseFiles::find(dir.filePath(QStringLiteral("a.sqlite-walrus"))));
            QVERIFY(!DatabaseFiles::find(dir.filePath(QStringLiteral("a.sqlite.csv"))));
            QCOMPARE(DatabaseFiles::refusal(db),
                     QStringLiteral("%1 is StatusDesk's open database; choose another file.").arg(db));
            QVERIFY(
                DatabaseFiles::refusal(dir.filePath(QStringLiteral("a.sqlite-wal")))
                    .endsWith(QStringLiteral("is part of StatusDesk's open database %1; choose another file.")
                                  .arg(db)));
            QVERIFY(DatabaseFiles::refusal(dir.filePath(QStringLiteral("b.sqlite"))).isEmpty());
        }
        QVERIFY(!DatabaseFiles::isOpenDatabaseFile(db));
        DatabaseFiles::opened(QStringLiteral("server"), QStringLiteral("postgresql://u:p@127.0.0.1:5432/sd"));
        QVERIFY(!DatabaseFiles::isOpenDatabaseFile(QStringLiteral("postgresql://u:p@127.0.0.1:5432/sd")));
        DatabaseFiles::closed(QStringLiteral("server"));
        QVERIFY(DatabaseFiles::isSideFileName(QStringLiteral("x.sqlite-shm")));
        QVERIFY(!DatabaseFiles::isSideFileName(QStringLiteral("-wal")));
        QVERIFY(!DatabaseFiles::isSideFileName(QStringLiteral("x.sqlite")));
    }

    // The issue: file dialogs on the database's folder while another process writes. Nothing in this process
    // may open desk.sqlite, -wal, -shm or -journal; afterwards both processes still share one database.
    void fileDialogsNeverOpenTheDatabase()
    {
        Console c;
        MainWindow &w = *c.window;
        // Every connection of the console is open and has been used (the WAL exists) before the watch starts.
        NewSubscriber first;
        first.endpoint = QStringLiteral("http://127.0.0.1:9/console-first");
        first.email = QStringLiteral("ops@example.com");
        QVERIFY(c.session().subscribers().add(first));
        const CliRun warmup = runCli({QStringLiteral("--db"), c.path, QStringLiteral("--queue-only"),
                                      QStringLiteral("subscriber"), QStringLiteral("list")});
        QVERIFY2(warmup.code == 0, qPrintable(warmup.err));
        QTest::qWait(1000);
        QVERIFY(QFileInfo::exists(c.wal()));
        QVERIFY(QFileInfo::exists(c.shm()));

        CliWriter writer(c.path);
        writer.start();
        QList<DialogVisit> visits;
        const auto visit = [&](const std::function<void()> &openDialog,
                               const std::function<bool(QWidget *)> &before = {}) {
            if (before)
                whenModal(&w, before, [](QDialog *d) { d->accept(); });
            whenModal(&w, isFileDialog, [&](QDialog *d) {
                visits << exercise(qobject_cast<QFileDialog *>(d), c.folder(), c.path);
            });
            openDialog();
            QTest::qWait(50);
        };

        openwatch::start(c.watchedNames());
        const unsigned long callsBefore = openwatch::seenCalls();
        // Import CSV…
        w.tabs()->setCurrentWidget(w.subscribersView());
        visit([&] { w.subscribersView()->importCsv(); });
        // Export delivery report… (its options first, then the file)
        w.tabs()->setCurrentWidget(w.deliveriesView());
        visit([&] { w.deliveriesView()->exportReport(); },
              [](QWidget *d) { return d->objectName() == QLatin1String("reportDialog"); });
        // Open database… and New database…
        QAction *open = actionWithShortcut(&w, QKeySequence::Open);
        QAction *create = actionWithShortcut(&w, QKeySequence::New);
        QVERIFY(open && create);
        visit([&] { open->trigger(); });
        visit([&] { create->trigger(); });
        const std::vector<openwatch::Open> all = openwatch::stop();
        const std::vector<openwatch::Open> opens = foreign(all);
        const bool sawCalls = openwatch::seenCalls() > callsBefore;
        writer.stop();
        if (all.size() != opens.size())
            qInfo("SQLite's own opens meanwhile: %s", qPrintable(describe(all)));

        // The precise check: nothing opened the database's files while the dialogs were up.
        QVERIFY2(opens.empty(), qPrintable(QStringLiteral("%1 open(s) of the database's files: %2")
                                               .arg(opens.size())
                                               .arg(describe(opens))));
        QVERIFY(sawCalls); // the interposed functions were in use all along
        QCOMPARE(visits.size(), 4);
        for (const DialogVisit &v : std::as_const(visits)) {
            QVERIFY2(v.nativeOff, qPrintable(v.title));
            QVERIFY2(v.rendered, qPrintable(v.title));
            QVERIFY2(v.listed.contains(QLatin1String("desk.sqlite-wal")),
                     qPrintable(v.title + QStringLiteral(": ") + v.listed.join(QLatin1Char(','))));
            QCOMPARE(v.className, QStringLiteral("sd::SafeFileDialog"));
            QVERIFY2(!v.shown.contains(QLatin1String("desk.sqlite-wal")) &&
                         !v.shown.contains(QLatin1String("desk.sqlite-shm")),
                     qPrintable(v.title + QStringLiteral(": ") + v.shown.join(QLatin1Char(','))));
        }
        QVERIFY2(visits[2].shown.contains(QLatin1String("desk.sqlite")), // Open database, "All files"
                 qPrintable(visits[2].shown.join(QLatin1Char(','))));
        QVERIFY2(writer.runs() >= 2 && writer.failures().isEmpty(),
                 qPrintable(QStringLiteral("%1 CLI run(s): %2")
                                .arg(writer.runs())
                                .arg(writer.failures().join(QLatin1Char('\n')))));

        // The consequence: one database for both processes. The CLI writes and exits (as the last user it
        // would checkpoint and delete the WAL if the console's locks were gone)...
        const CliRun after =
            runCli({QStringLiteral("--db"), c.path, QStringLiteral("--queue-only"),
                    QStringLiteral("subscriber"), QStringLiteral("add"), QStringLiteral("--endpoint"),
                    QStringLiteral("http://127.0.0.1:9/cli-after"), QStringLiteral("--email"),
                    QStringLiteral("cli@example.com")});
        QVERIFY2(after.code == 0, qPrintable(after.err));
        QVERIFY2(QFileInfo::exists(c.wal()), "the console's WAL was deleted under it");
        // ...the console sees it...
        try {
            QVERIFY(hasEndpoint(c.session().liveStore().subscribers.list(),
                                QStringLiteral("http://127.0.0.1:9/cli-after")));
            QVERIFY(hasEndpoint(c.session().liveStore().subscribers.list(),
                                QStringLiteral("http://127.0.0.1:9/cli-0")));
        } catch (const StoreError &e) {
            QFAIL(qPrintable(e.message()));
        }
        // ...and the CLI sees what the console writes now.
        NewSubscriber mine;
        mine.endpoint = QStringLiteral("http://127.0.0.1:9/console-after");
        mine.email = QStringLiteral("ops@example.com");
        const auto added = c.session().subscribers().add(mine);
        QVERIFY2(added, qPrintable(added ? QString() : added.error()));
        const CliRun list =
            runCli({QStringLiteral("--db"), c.path, QStringLiteral("subscriber"), QStringLiteral("list")});
        QVERIFY2(list.code == 0, qPrintable(list.err));
        QVERIFY2(list.out.contains(QLatin1String("http://127.0.0.1:9/console-after")), qPrintable(list.out));
        QVERIFY(QFileInfo::exists(c.wal()));
    }

    // Report writers and the CSV import refuse the database's files, with one sentence, and open nothing.
    void reportAndImportRefuseTheDatabase()
    {
        Console c;
        const auto report = DeliveryReport::build(c.session().liveStore(), MessageFilter{}, QDateTime());
        QVERIFY(report);
        const QFileInfo before(c.path);
        openwatch::start(c.watchedNames());
        for (const QString &target : {c.path, c.wal(), c.shm(), c.journal()}) {
            for (const auto format : {ReportExporter::Format::Csv, ReportExporter::Format::Pdf}) {
                QString error;
                QVERIFY(!ReportExporter::write(report.value(), format, target, &error));
                QVERIFY2(error.contains(QLatin1String("StatusDesk's open database")) &&
                             error.endsWith(QLatin1String("; choose another file.")),
                         qPrintable(error));
            }
        }
        QString shown;
        whenModal(
            c.window.get(), [](QWidget *d) { return qobject_cast<QMessageBox *>(d) != nullptr; },
            [&](QDialog *d) {
                shown = static_cast<QMessageBox *>(d)->text();
                d->reject();
            });
        c.window->subscribersView()->importCsvFile(c.wal());
        QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty(), 5000);
        const auto opens = foreign(openwatch::stop());
        QVERIFY2(opens.empty(), qPrintable(describe(opens)));
        QCOMPARE(shown, DatabaseFiles::refusal(c.wal()));
        QVERIFY(!QFileInfo::exists(c.journal()));
        QCOMPARE(QFileInfo(c.path).size(), before.size());
        // Elsewhere the writer works as before.
        QString error;
        QVERIFY2(ReportExporter::write(report.value(), ReportExporter::Format::Csv,
                                       c.dir.filePath(QStringLiteral("report.csv")), &error),
                 qPrintable(error));
    }

    // An exception that escapes a slot or an event handler is caught by ConsoleApplication: the console keeps
    // running with its window and data, and says what happened without blocking.
    void uncaughtErrorsKeepTheConsole()
    {
        auto *app = ConsoleApplication::instance();
        QVERIFY(app);
        Console c;
        NewSubscriber s;
        s.endpoint = QStringLiteral("http://127.0.0.1:9/kept");
        s.email = QStringLiteral("ops@example.com");
        QVERIFY(c.session().subscribers().add(s));
        c.window->subscribersView()->reload();
        QCOMPARE(c.window->subscribersView()->model()->rowCount(), 1);

        QSignalSpy caught(app, &ConsoleApplication::uncaughtError);
        QTimer::singleShot(0, c.window.get(),
                           [] { throw StoreError(QStringLiteral("database disk image is malformed")); });
        QTRY_COMPARE(caught.count(), 1);
        QVERIFY2(
            caught.first().first().toString().contains(QLatin1String("database disk image is malformed")),
            qPrintable(caught.first().first().toString()));
        QVERIFY(c.window->isVisible());
        QVERIFY(c.window->statusBar()->currentMessage().contains(QLatin1String("malformed")));
        auto *box = c.window->findChild<QMessageBox *>(QStringLiteral("uncaughtErrorBox"));
        QVERIFY(box && box->isVisible());
        QCOMPARE(box->windowModality(), Qt::NonModal);
        QCOMPARE(QApplication::activeModalWidget(), nullptr);
        QCOMPARE(c.window->subscribersView()->model()->rowCount(), 1);

        // Any std::exception, from a queued call too; the same box says the latest.
        QMetaObject::invokeMethod(
            c.window.get(), [] { throw std::runtime_error("something else broke"); }, Qt::QueuedConnection);
        QTRY_COMPARE(caught.count(), 2);
        QVERIFY(box->text().contains(QLatin1String("something else broke")));
        QCOMPARE(c.window->findChildren<QMessageBox *>().size(), 1);
        // The event loop and the session still work.
        QTest::qWait(50);
        c.window->refreshAll();
        QCOMPARE(c.window->subscribersView()->model()->rowCount(), 1);
    }

    // F5 with a read that fails: the views keep their rows and the status bar says why; nothing escapes.
    void refreshKeepsRowsWhenReadsFail()
    {
        auto *app = ConsoleApplication::instance();
        QVERIFY(app);
        Console c;
        NewSubscriber s;
        s.endpoint = QStringLiteral("http://127.0.0.1:9/kept");
        s.email = QStringLiteral("ops@example.com");
        QVERIFY(c.session().subscribers().add(s));
        c.window->refreshAll();
        QCOMPARE(c.window->subscribersView()->model()->rowCount(), 1);
        QSignalSpy caught(app, &ConsoleApplication::uncaughtError);
        QSignalSpy said(c.window->subscribersView(), &SubscribersView::statusMessage);

        const QString name = QStringLiteral("tst-filesafety-break");
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
            db.setDatabaseName(c.path);
            db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=10000"));
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY2(q.exec(QStringLiteral("ALTER TABLE subscribers RENAME TO subscribers_away")),
                     qPrintable(q.lastError().text()));
        }
        QAction *refresh = actionWithShortcut(c.window.get(), QKeySequence::Refresh);
        QVERIFY(refresh);
        refresh->trigger();
        QTest::qWait(50);
        QCOMPARE(caught.count(), 0); // the refresh path caught it itself
        QCOMPARE(said.count(), 1);
        QVERIFY2(
            said.first().first().toString().startsWith(QLatin1String("Subscribers could not be reloaded: ")),
            qPrintable(said.first().first().toString()));
        QCOMPARE(c.window->subscribersView()->model()->rowCount(), 1);
        {
            QSqlDatabase db = QSqlDatabase::database(name);
            QSqlQuery q(db);
            QVERIFY2(q.exec(QStringLiteral("ALTER TABLE subscribers_away RENAME TO subscribers")),
                     qPrintable(q.lastError().text()));
            db.close();
        }
        QSqlDatabase::removeDatabase(name);
        refresh->trigger();
        QCOMPARE(c.window->subscribersView()->model()->rowCount(), 1);
    }
};

int main(int argc, char *argv[])
{
    ConsoleApplication app(argc, argv);
    TestFileSafety test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_filesafety.moc"
