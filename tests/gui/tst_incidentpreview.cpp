// Issue 13 item 7 (remainder): an incident keeps the highest impact it reached after it is resolved (console,
// API view and webhook), and the incident dialog says before Send how many subscribers will hear and shows
// the incident webhook that will go out, without storing anything.
#include "app/formats/jsonviews.h"
#include "app/services/componentservice.h"
#include "app/services/incidentservice.h"
#include "app/services/subscriberservice.h"
#include "models/itemmodels/incidentsmodel.h"
#include "models/values.h"
#include "tests/gui/whenmodal.h"
#include "tests/support/testsupport.h"
#include "ui/incidentdialog.h"
#include "ui/incidentsview.h"
#include "ui/mainwindow.h"
#include "ui/session.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QScopeGuard>
#include <QSqlQuery>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTest>
#include <QTextBrowser>
#include <QTimer>
#include <algorithm>
#include <functional>

using namespace sd;

namespace {

// The JSON part of the preview pane (after the "// as ... receives it" line).
QJsonObject previewJson(const QPlainTextEdit *edit)
{
    QString text = edit->toPlainText();
    if (text.startsWith(QStringLiteral("//")))
        text = text.mid(text.indexOf(QLatin1Char('\n')) + 1);
    return QJsonDocument::fromJson(text.toUtf8()).object();
}

} // namespace

class TestIncidentPreview : public QObject
{
    Q_OBJECT

private:
    struct Fixture
    {
        test::TempDatabase db;
        Component api;
        Component web;
        Fixture()
        {
            ComponentService components(db.context());
            NewComponent c;
            c.name = QStringLiteral("API");
            api = components.add(c).value();
            c.name = QStringLiteral("Web");
            web = components.add(c).value();
            SubscriberService subscribers(db.context());
            auto add = [&](const QString &name, const QStringList &only) {
                NewSubscriber s;
                s.endpoint = QStringLiteral("http://127.0.0.1:9/%1").arg(name);
                s.email = name + QStringLiteral("@example.com");
                s.componentIds = only;
                return subscribers.add(s).value();
            };
            add(QStringLiteral("all"), {});
            add(QStringLiteral("api-only"), {api.id});
            add(QStringLiteral("web-only"), {web.id});
            const Subscriber gone = add(QStringLiteral("gone"), {});
            QVERIFY(subscribers.remove(gone.id).ok()); // unsubscribed: hears nothing
        }
        int count(const QString &table)
        {
            QSqlQuery &q = db.store().db().run(QStringLiteral("SELECT count(*) FROM ") + table);
            return q.next() ? q.value(0).toInt() : -1;
        }
    };

private Q_SLOTS:
    // Created major, eased to degraded, resolved operational: the incident was major and stays major.
    void impactKeepsItsPeakAfterResolve()
    {
        Fixture f;
        IncidentService incidents(f.db.context());
        NewIncident in;
        in.name = QStringLiteral("API down");
        in.body = QStringLiteral("Looking.");
        in.components = {{f.api.id, ComponentStatus::MajorOutage}};
        auto created = incidents.create(in);
        QVERIFY2(created.ok(), qPrintable(created.error()));
        const QString id = created->incident.id;
        QCOMPARE(toString(created->incident.impact), QStringLiteral("critical"));

        IncidentUpdateInput eased;
        eased.status = IncidentStatus::Monitoring;
        eased.body = QStringLiteral("Recovering.");
        eased.components = {{f.api.id, ComponentStatus::DegradedPerformance}};
        QVERIFY(incidents.update(id, eased).ok());
        IncidentUpdateInput resolved;
        resolved.status = IncidentStatus::Resolved;
        resolved.body = QStringLiteral("Fixed.");
        resolved.components = {{f.api.id, ComponentStatus::Operational}};
        auto done = incidents.update(id, resolved);
        QVERIFY2(done.ok(), qPrintable(done.error()));
        QCOMPARE(toString(done->incident.impact), QStringLiteral("critical"));

        // Stored, in the API's view and in the webhook that went out with the resolution.
        f.db.reopen();
        const Incident stored = *f.db.store().incidents.find(id);
        QCOMPARE(toString(stored.impact), QStringLiteral("critical"));
        QVERIFY(!stored.impactOverride);
        const QJsonObject view =
            json::incident(f.db.store().page.get(), stored, f.db.store().components.all());
        QCOMPARE(view.value(QStringLiteral("impact")).toString(), QStringLiteral("critical"));
        QVERIFY(view.value(QStringLiteral("impact_override")).isNull());
        // The resolution's webhook is the one queued for the resolved update (its event id): the three
        // updates may share a created_at millisecond, so "the newest message" is no way to find it.
        const auto resolution = std::find_if(stored.updates.begin(), stored.updates.end(), [](const auto &u) {
            return u.status == IncidentStatus::Resolved;
        });
        QVERIFY(resolution != stored.updates.end());
        QSqlQuery &q = f.db.store().db().run(
            QStringLiteral("SELECT b.body FROM messages m JOIN message_bodies b ON b.message_id = m.id "
                           "WHERE m.kind = 'incident' AND m.event_id = ? ORDER BY m.id"),
            {resolution->id});
        QVERIFY(q.next());
        const QJsonObject sent = QJsonDocument::fromJson(q.value(0).toByteArray()).object();
        QCOMPARE(sent.value(QStringLiteral("incident")).toObject().value(QStringLiteral("status")).toString(),
                 QStringLiteral("resolved"));
        QCOMPARE(sent.value(QStringLiteral("incident")).toObject().value(QStringLiteral("impact")).toString(),
                 QStringLiteral("critical"));

        // The console shows it.
        QString error;
        auto session = Session::open(f.db.path(), &error);
        QVERIFY2(session, qPrintable(error));
        MainWindow window(std::move(session));
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        IncidentsView *view_ = window.incidentsView();
        window.tabs()->setCurrentWidget(view_);
        QTRY_VERIFY(view_->model()->rowCount() > 0);
        view_->table()->setCurrentIndex(view_->model()->index(view_->model()->rowOf(id), 0));
        const QString history = view_->history()->toPlainText();
        QVERIFY2(history.contains(QStringLiteral("impact critical")), qPrintable(history));
    }

    // The dialog's own view of what will go out, from the real service over the real store.
    void dialogShowsAudienceAndWebhookBeforeSend()
    {
        Fixture f;
        IncidentService incidents(f.db.context());
        const std::vector<Component> components = f.db.store().components.all();
        const int auditBefore = f.count(QStringLiteral("audit_log"));
        IncidentDialog dialog(IncidentDialog::Mode::Create, components, nullptr);
        int asked = 0;
        dialog.setPreviewSource([&](IncidentDialog *d, quint64 generation) {
            ++asked;
            d->showPreview(generation, incidents.previewCreate(d->newIncident()));
        });
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QVERIFY(dialog.audienceLabel()->isVisible());
        QVERIFY(dialog.previewEdit()->isVisible());
        QTest::keyClicks(dialog.nameEdit(), QStringLiteral("API errors"));
        QTest::keyClicks(dialog.bodyEdit(), QStringLiteral("We are looking into it."));
        dialog.setComponentStatus(f.api.id, ComponentStatus::MajorOutage);
        // all + api-only hear of the incident and of API's change; web-only and the unsubscribed do not.
        QTRY_COMPARE(dialog.audienceLabel()->text(),
                     QStringLiteral("2 subscribers will be notified: 2 incident webhooks and 2 component "
                                    "webhooks; 0 emails (incident updates go out as webhooks only)."));
        const QJsonObject body = previewJson(dialog.previewEdit());
        const QJsonObject incident = body.value(QStringLiteral("incident")).toObject();
        QCOMPARE(incident.value(QStringLiteral("name")).toString(), QStringLiteral("API errors"));
        QCOMPARE(incident.value(QStringLiteral("status")).toString(), QStringLiteral("investigating"));
        QCOMPARE(incident.value(QStringLiteral("impact")).toString(), QStringLiteral("critical"));
        QCOMPARE(body.value(QStringLiteral("page"))
                     .toObject()
                     .value(QStringLiteral("status_indicator"))
                     .toString(),
                 QStringLiteral("critical"));
        QVERIFY(dialog.previewEdit()->toPlainText().startsWith(QStringLiteral("// as http://127.0.0.1:9/")));

        // Web too: web-only joins.
        dialog.setComponentStatus(f.web.id, ComponentStatus::DegradedPerformance);
        QTRY_VERIFY2(
            dialog.audienceLabel()->text().startsWith(QStringLiteral("3 subscribers will be notified: 3 "
                                                                     "incident webhooks and 4 component")),
            qPrintable(dialog.audienceLabel()->text()));
        // Notify off: nobody.
        dialog.notifyCheck()->setChecked(false);
        QTRY_COMPARE(dialog.audienceLabel()->text(),
                     QStringLiteral("Nobody will be notified (Notify subscribers is off)."));
        QVERIFY(asked >= 3);

        // Rehearsed, never stored: no incident, no message, no component change, no audit row.
        QCOMPARE(f.count(QStringLiteral("incidents")), 0);
        QCOMPARE(f.count(QStringLiteral("messages")), 0);
        QCOMPARE(f.count(QStringLiteral("audit_log")), auditBefore);
        QVERIFY(f.db.store().components.find(f.api.id)->status == ComponentStatus::Operational);
    }

    // A bad draft says why nothing would be sent; an untouched one only that it is not filled in yet.
    void dialogSaysWhyNothingWouldBeSent()
    {
        Fixture f;
        IncidentService incidents(f.db.context());
        IncidentDialog dialog(IncidentDialog::Mode::Create, f.db.store().components.all(), nullptr);
        dialog.setPreviewSource([&](IncidentDialog *d, quint64 generation) {
            d->showPreview(generation, incidents.previewCreate(d->newIncident()));
        });
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QTRY_COMPARE(dialog.audienceLabel()->text(),
                     QStringLiteral("Nothing would be sent yet: fill in the name and the message."));
        QTest::keyClicks(dialog.nameEdit(), QStringLiteral("x"));
        QTest::keyClick(dialog.nameEdit(), Qt::Key_Backspace);
        QTRY_COMPARE(dialog.audienceLabel()->text(),
                     QStringLiteral("Nothing would be sent: incident name is required"));
    }

    // The maintenance dialog asks for Statuspage's reminder (off by default, as there).
    void maintenanceDialogOffersTheReminder()
    {
        IncidentDialog dialog(IncidentDialog::Mode::Maintenance, {}, nullptr);
        auto *remind = dialog.findChild<QCheckBox *>(QStringLiteral("incidentRemindPrior"));
        QVERIFY(remind);
        QVERIFY(!remind->isChecked());
        QVERIFY(!dialog.newIncident().scheduledRemindPrior);
        remind->setChecked(true);
        QVERIFY(dialog.newIncident().scheduledRemindPrior);
        IncidentDialog incident(IncidentDialog::Mode::Create, {}, nullptr);
        QVERIFY(!incident.findChild<QCheckBox *>(QStringLiteral("incidentRemindPrior")));
    }

    // In the console: New incident and Post update ask the session's worker, and the dialog fills in.
    void consoleDialogsShowTheAudience()
    {
        Fixture f;
        IncidentService incidents(f.db.context());
        NewIncident in;
        in.name = QStringLiteral("Web slow");
        in.body = QStringLiteral("Looking.");
        in.components = {{f.web.id, ComponentStatus::DegradedPerformance}};
        QVERIFY(incidents.create(in).ok());
        const int messagesBefore = f.count(QStringLiteral("messages"));
        f.db.reopen();
        QString error;
        auto session = Session::open(f.db.path(), &error);
        QVERIFY2(session, qPrintable(error));
        MainWindow window(std::move(session));
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        IncidentsView *view = window.incidentsView();
        window.tabs()->setCurrentWidget(view);
        QTRY_VERIFY(view->model()->rowCount() > 0);
        view->table()->setCurrentIndex(view->model()->index(0, 0));

        QString audience, preview;
        test::whenModal(this, [&](QDialog *d) {
            // Closed however the checks end, so a failure cannot leave the modal loop running.
            const auto close = qScopeGuard([d] { d->done(QDialog::Rejected); });
            auto *dialog = qobject_cast<IncidentDialog *>(d);
            QVERIFY(dialog);
            QTest::keyClicks(dialog->bodyEdit(), QStringLiteral("Still slow."));
            // all + web-only follow the incident (it affects Web).
            QTRY_VERIFY2_WITH_TIMEOUT(
                dialog->audienceLabel()->text().startsWith(QStringLiteral("2 subscribers will be notified")),
                qPrintable(dialog->audienceLabel()->text()), 20000);
            audience = dialog->audienceLabel()->text();
            preview = dialog->previewEdit()->toPlainText(); // and not sent
        });
        view->postUpdate();
        QVERIFY2(audience.startsWith(QStringLiteral("2 subscribers will be notified: 2 incident webhooks;")),
                 qPrintable(audience));
        QVERIFY(preview.contains(QStringLiteral("\"body\": \"Still slow.\"")));
        f.db.reopen();
        QCOMPARE(f.count(QStringLiteral("messages")), messagesBefore);
        QCOMPARE(f.db.store().incidents.all().front().updates.size(), size_t(1));
    }
};

QTEST_MAIN(TestIncidentPreview)
#include "tst_incidentpreview.moc"
