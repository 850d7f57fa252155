// Incident templates in the console (issue 22 item 1), by keyboard only: Ctrl+2 to the Incidents tab,
// Ctrl+Shift+N for New from template…, type to search, Enter to take it; the incident dialog comes filled in
// (its preview shows the template's webhook) and Enter sends it. The webhooks that reach a loopback receiver
// and the audit rows are what a change typed by hand makes.
#include "app/services/componentservice.h"
#include "app/services/subscriberservice.h"
#include "app/services/templateservice.h"
#include "models/values.h"
#include "tests/support/httpreceiver.h"
#include "tests/support/testsupport.h"
#include "ui/incidentdialog.h"
#include "ui/incidentsview.h"
#include "ui/mainwindow.h"
#include "ui/session.h"
#include "ui/templatepicker.h"

#include <QApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTest>
#include <QTimer>
#include <functional>

using namespace sd;

namespace {

// Runs `act` once a modal dialog of type T is the active modal widget (a dialog runs its own event loop).
template<typename T> void whenModalOf(QObject *context, std::function<void(T *)> act)
{
    auto *timer = new QTimer(context);
    timer->setInterval(20);
    QObject::connect(timer, &QTimer::timeout, context, [timer, act] {
        if (auto *dialog = qobject_cast<T *>(QApplication::activeModalWidget())) {
            timer->stop();
            timer->deleteLater();
            act(dialog);
        }
    });
    timer->start();
}

} // namespace

class TestTemplates final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("StatusDeskTests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_templates"));
    }

    void incidentFromTemplateByKeyboard()
    {
        test::TempDatabase db;
        test::HttpReceiver receiver;
        QVERIFY(receiver.start());
        ComponentService components(db.context());
        const QString api = components.add({QStringLiteral("API")})->id;
        const QString web = components.add({QStringLiteral("Web")})->id;
        const QString quiet = components.add({QStringLiteral("Docs")})->id;
        for (const char *path : {"/a", "/b"}) {
            NewSubscriber s;
            s.endpoint = receiver.url(QString::fromLatin1(path));
            s.email = QStringLiteral("ops@example.com");
            QVERIFY(SubscriberService(db.context()).add(s).ok());
        }
        TemplateService templates(db.context());
        TemplateInput other;
        other.name = QStringLiteral("cdn-slow");
        other.title = QStringLiteral("CDN slow");
        other.body = QStringLiteral("Pages load slowly.");
        QVERIFY(templates.add(other).ok());
        TemplateInput in;
        in.name = QStringLiteral("db-down");
        in.title = QStringLiteral("Database unavailable");
        in.body = QStringLiteral("We are investigating elevated error rates on the database.");
        in.updateStatus = IncidentStatus::Identified;
        in.components = std::vector<TemplateComponent>{{api, ComponentStatus::PartialOutage},
                                                       {web, ComponentStatus::MajorOutage},
                                                       {quiet, std::nullopt}};
        QVERIFY(templates.add(in).ok());
        db.reopen();

        QString error;
        auto session = Session::open(db.path(), &error);
        QVERIFY2(session, qPrintable(error));
        MainWindow window(std::move(session));
        window.show();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        QTest::keyClick(&window, Qt::Key_2, Qt::ControlModifier); // View → Incidents
        QCOMPARE(window.tabs()->currentWidget(), window.incidentsView());

        bool pickerSeen = false;
        bool dialogSeen = false;
        QString previewSeen;
        whenModalOf<TemplatePicker>(this, [&](TemplatePicker *picker) {
            pickerSeen = true;
            QCOMPARE(picker->list()->count(), 2);
            QTest::keyClicks(picker->searchEdit(), QStringLiteral("database")); // matches db-down's title
            QCOMPARE(picker->list()->count(), 1);
            whenModalOf<IncidentDialog>(this, [&](IncidentDialog *dialog) {
                dialogSeen = true;
                QCOMPARE(dialog->nameEdit()->text(), QStringLiteral("Database unavailable"));
                QCOMPARE(dialog->bodyEdit()->toPlainText(), in.body.value());
                // The preview is the incident webhook as a subscriber would get it, filled from the template.
                QTRY_VERIFY_WITH_TIMEOUT(
                    dialog->previewEdit()->toPlainText().contains(QLatin1String("Database unavailable")),
                    10000);
                previewSeen = dialog->previewEdit()->toPlainText();
                dialog->nameEdit()->setFocus();
                QTest::keyClick(dialog->nameEdit(), Qt::Key_Return); // Send
            });
            QTest::keyClick(picker->searchEdit(), Qt::Key_Return); // Use template…
        });
        QTest::keyClick(&window, Qt::Key_N, Qt::ControlModifier | Qt::ShiftModifier); // New from template…
        QVERIFY(pickerSeen);
        QVERIFY(dialogSeen);
        QVERIFY2(previewSeen.contains(QLatin1String("\"status\": \"identified\"")), qPrintable(previewSeen));
        QVERIFY(previewSeen.contains(QLatin1String("We are investigating elevated error rates")));

        // Two subscribers: each one incident webhook and one component webhook per changed component (API,
        // Web; Docs is affected at its status, so it changes nothing and sends no component webhook).
        QTRY_COMPARE_WITH_TIMEOUT(int(receiver.requests().size()), 6, 20000);
        QTest::qWait(300);
        QCOMPARE(int(receiver.requests().size()), 6);
        for (const char *path : {"/a", "/b"}) {
            int incidents = 0;
            QStringList changed;
            for (const auto &r : receiver.requests()) {
                if (r.path != path)
                    continue;
                const QJsonObject o = QJsonDocument::fromJson(r.body).object();
                if (o.contains(QLatin1String("incident"))) {
                    ++incidents;
                    const QJsonObject i = o.value(QLatin1String("incident")).toObject();
                    QCOMPARE(i.value(QLatin1String("name")).toString(),
                             QStringLiteral("Database unavailable"));
                    QCOMPARE(i.value(QLatin1String("status")).toString(), QStringLiteral("identified"));
                    QCOMPARE(i.value(QLatin1String("incident_updates"))
                                 .toArray()
                                 .first()
                                 .toObject()
                                 .value(QLatin1String("body"))
                                 .toString(),
                             in.body.value());
                } else {
                    const QJsonObject u = o.value(QLatin1String("component_update")).toObject();
                    changed << u.value(QLatin1String("component_id")).toString() + QLatin1Char('=') +
                                   u.value(QLatin1String("new_status")).toString();
                }
            }
            QCOMPARE(incidents, 1);
            changed.sort();
            QStringList want{api + QStringLiteral("=partial_outage"), web + QStringLiteral("=major_outage")};
            want.sort();
            QCOMPARE(changed, want);
        }
        db.reopen();
        const auto audit = db.store().audit.list({});
        const auto created = std::find_if(audit.begin(), audit.end(), [](const AuditEntry &e) {
            return e.action == QLatin1String("incident.create");
        });
        QVERIFY(created != audit.end());
        QVERIFY2(created->detail.contains(QLatin1String("from template \"db-down\"")),
                 qPrintable(created->detail));
        QVERIFY2(created->detail.contains(QLatin1String("2 incident and 4 component webhook(s) queued")),
                 qPrintable(created->detail));
        QVERIFY(std::count_if(audit.begin(), audit.end(), [](const AuditEntry &e) {
                    return e.action == QLatin1String("template.create");
                }) == 2);
        QVERIFY(db.store().components.find(web)->status == ComponentStatus::MajorOutage);
    }

    // The picker's library: a template added through its editor is stored and audited; Remove asks first.
    void pickerSearchFiltersByNameTitleOrMessage()
    {
        test::TempDatabase db;
        TemplateService templates(db.context());
        for (const auto &[name, title, body] :
             {std::tuple{"a", "API errors", "x"}, std::tuple{"b", "Slow pages", "the CDN"},
              std::tuple{"c", "Login", "sso is down"}}) {
            TemplateInput in;
            in.name = QString::fromLatin1(name);
            in.title = QString::fromLatin1(title);
            in.body = QString::fromLatin1(body);
            QVERIFY(templates.add(in).ok());
        }
        db.reopen();
        QString error;
        auto session = Session::open(db.path(), &error);
        QVERIFY2(session, qPrintable(error));
        TemplatePicker picker(*session);
        QCOMPARE(picker.list()->count(), 3);
        picker.searchEdit()->setText(QStringLiteral("cdn"));
        QCOMPARE(picker.list()->count(), 1);
        QCOMPARE(picker.chosen()->name, QStringLiteral("b"));
        picker.searchEdit()->setText(QStringLiteral("LOGIN"));
        QCOMPARE(picker.chosen()->name, QStringLiteral("c"));
        picker.searchEdit()->setText(QStringLiteral("nothing like it"));
        QCOMPARE(picker.list()->count(), 0);
        QVERIFY(!picker.chosen());
        picker.searchEdit()->clear();
        QTest::keyClick(picker.searchEdit(), Qt::Key_Down);
        QCOMPARE(picker.chosen()->name, QStringLiteral("b"));
    }
};

QTEST_MAIN(TestTemplates)
#include "tst_templates.moc"
