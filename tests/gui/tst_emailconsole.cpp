#include "app/delivery/deliverycontroller.h"
#include "app/services/componentservice.h"
#include "app/services/deliverysettingsservice.h"
#include "app/services/emailsettingsservice.h"
#include "app/services/pageservice.h"
#include "app/services/subscriberservice.h"
#include "models/deliverysettings.h"
#include "models/ids.h"
#include "tests/support/httpreceiver.h"
#include "tests/support/testsupport.h"
#include "ui/mainwindow.h"
#include "ui/noticesdialog.h"
#include "ui/session.h"
#include "ui/settingsdialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QStatusBar>
#include <QTableWidget>
#include <QTest>

using namespace sd;

// The console's side of the email channel (issue 12): the settings dialog never shows the stored password,
// the service refuses a password in the URL and never writes it to the audit log, and the notices list says
// whether each email went out.
class TestEmailConsole final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void settingsDialogKeepsThePasswordHidden()
    {
        SmtpSettings stored;
        stored.url = QStringLiteral("smtp://127.0.0.1:2525");
        stored.from = QStringLiteral("status@acme.test");
        stored.user = QStringLiteral("desk");
        stored.password = QStringLiteral("stored-secret");
        SettingsDialog dialog(false, ProxySetting{}, stored);
        QVERIFY(!dialog.allowWebhooksBox()->isChecked());
        QVERIFY(dialog.passwordEdit()->text().isEmpty());
        QCOMPARE(dialog.passwordEdit()->echoMode(), QLineEdit::Password);
        QCOMPARE(dialog.smtp().password, QStringLiteral("stored-secret")); // empty field: kept
        QTest::keyClicks(dialog.passwordEdit(), QStringLiteral("typed-secret"));
        QCOMPARE(dialog.smtp().password, QStringLiteral("typed-secret"));
        dialog.passwordEdit()->clear();
        for (QCheckBox *box : dialog.findChildren<QCheckBox *>()) {
            if (box->text().startsWith(QLatin1String("Clear")))
                box->setChecked(true);
        }
        QVERIFY(dialog.smtp().password.isEmpty());
        dialog.allowWebhooksBox()->setChecked(true);
        QVERIFY(dialog.allowWebhookSubscribers());
    }

    // The proxy (issue 19): shown with its password redacted; sent back unchanged it keeps the stored
    // password; the audit row never holds it; bad input is one sentence and nothing is written.
    void proxyPasswordStaysHidden()
    {
        test::TempDatabase db;
        DeliverySettingsService service(db.context());
        QVERIFY(service.saveProxy(QStringLiteral("http://ops:hunter2@proxy.example:3128")).ok());
        SettingsDialog dialog(false, service.load()->proxy, SmtpSettings{});
        QCOMPARE(dialog.proxyEdit()->text(), QStringLiteral("http://ops:***@proxy.example:3128"));
        QVERIFY(service.saveProxy(dialog.proxy()).ok()); // saved as shown: the stored password stays
        QCOMPARE(DeliverySettings::load(db.store().settings).proxy.url.password(), QStringLiteral("hunter2"));
        dialog.proxyEdit()->setText(QStringLiteral("http://ops:***@proxy2.example:3128"));
        QVERIFY(service.saveProxy(dialog.proxy()).ok()); // another host, same user: still the stored password
        QCOMPARE(DeliverySettings::load(db.store().settings).proxy.toString(),
                 QStringLiteral("http://ops:hunter2@proxy2.example:3128"));
        const auto refused = service.saveProxy(QStringLiteral("ftp://proxy.example"));
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().contains(QLatin1String("must be an http:// URL")),
                 qPrintable(refused.error()));
        QCOMPARE(DeliverySettings::load(db.store().settings).proxy.url.host(),
                 QStringLiteral("proxy2.example"));
        for (const AuditEntry &e : db.store().audit.list({}))
            QVERIFY2(!e.detail.contains(QLatin1String("hunter2")), qPrintable(e.detail));
        QVERIFY(service.saveProxy(QStringLiteral("none")).ok());
        QCOMPARE(int(DeliverySettings::load(db.store().settings).proxy.kind), int(ProxySetting::Kind::None));
    }

    void settingsDialogWarnsOfCleartextAuth()
    {
        SmtpSettings stored;
        stored.url = QStringLiteral("smtp://127.0.0.1:2525");
        stored.from = QStringLiteral("status@acme.test");
        stored.user = QStringLiteral("desk");
        SettingsDialog dialog(true, ProxySetting{}, stored);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QCOMPARE(dialog.smtp().startTls, SmtpSettings::StartTls::Opportunistic);
        QVERIFY(!dialog.cleartextWarning()->isVisible());
        dialog.startTlsBox()->setCurrentIndex(
            dialog.startTlsBox()->findData(static_cast<int>(SmtpSettings::StartTls::Never)));
        QCOMPARE(dialog.smtp().startTls, SmtpSettings::StartTls::Never);
        QVERIFY(dialog.cleartextWarning()->isVisible());
        QVERIFY(dialog.cleartextWarning()->text().contains(QLatin1String("in cleartext")));
        dialog.userEdit()->clear(); // no AUTH: nothing to protect
        QVERIFY(!dialog.cleartextWarning()->isVisible());
    }

    void serviceRefusesAndNeverAuditsThePassword()
    {
        test::TempDatabase db;
        EmailSettingsService service(db.context());
        SmtpSettings s;
        s.url = QStringLiteral("smtp://desk:pw@127.0.0.1:25");
        s.from = QStringLiteral("status@acme.test");
        auto refused = service.save(s);
        QVERIFY(!refused.ok());
        QVERIFY(refused.error().contains(QLatin1String("must not carry a user or password")));
        QVERIFY(!SmtpSettings::load(db.store().settings).configured());
        s.url = QStringLiteral("smtp://127.0.0.1:25");
        s.from.clear();
        QVERIFY(service.save(s).error().contains(QLatin1String("sender")));
        s.from = QStringLiteral("status@acme.test");
        s.user = QStringLiteral("desk");
        s.password = QStringLiteral("very-secret-pw");
        QVERIFY(service.save(s).ok());
        QCOMPARE(SmtpSettings::load(db.store().settings).password, QStringLiteral("very-secret-pw"));
        const auto audit = db.store().audit.list({});
        QVERIFY(!audit.empty());
        for (const AuditEntry &e : audit)
            QVERIFY2(!e.detail.contains(QLatin1String("very-secret-pw")), qPrintable(e.detail));
        QVERIFY(audit.front().detail.contains(QLatin1String("new password")));
    }

    void withoutSmtpTheConsoleSaysOnceWhereToSetIt()
    {
        test::TempDatabase db;
        test::HttpReceiver receiver;
        QVERIFY(receiver.start());
        test::HttpReceiver::Script failing;
        failing.status = 500;
        receiver.setDefault(failing);
        DeliverySettings d;
        DeliverySettings::parseSchedule(QStringLiteral("0,10ms,10ms,10ms,10ms,10ms,10ms,10ms,10ms,10ms,1h"),
                                        &d.retryScheduleMs);
        d.jitter = 0;
        d.caFile = QStringLiteral("");
        d.save(db.store().settings);
        const QString component = ComponentService(db.context()).add({QStringLiteral("API")})->id;
        for (const char *path : {"/a", "/b"})
            QVERIFY(SubscriberService(db.context())
                        .add({receiver.url(QLatin1String(path)), QStringLiteral("ops@customer.test")})
                        .ok());
        db.reopen();
        QString error;
        auto session = Session::open(db.path(), &error);
        QVERIFY2(session, qPrintable(error));
        MainWindow window(std::move(session));
        QStringList messages;
        connect(window.statusBar(), &QStatusBar::messageChanged, this,
                [&messages](const QString &m) { messages << m; });
        ComponentPatch patch;
        patch.status = ComponentStatus::MajorOutage;
        QVERIFY(ComponentService(db.context()).update(component, patch).ok());
        window.session().delivery().wake();
        // Both subscribers are quarantined; the hint comes with the first notice only.
        QTRY_COMPARE_WITH_TIMEOUT(messages.filter(QStringLiteral(" was quarantined: ")).size(), 2, 30000);
        QCOMPARE(messages.filter(QStringLiteral("File → Page and email settings")).size(), 1);
        QVERIFY(messages.filter(QStringLiteral(" was quarantined: "))
                    .first()
                    .contains(QStringLiteral("File → Page and email settings")));
    }

    void noticesShowWhetherTheEmailWentOut()
    {
        test::TempDatabase db;
        // Without SMTP the list says where to set it.
        {
            NoticesDialog dialog(db.store());
            QVERIFY(dialog.findChild<QLabel *>(QStringLiteral("smtpHint")));
        }
        SmtpSettings smtp;
        smtp.url = QStringLiteral("smtp://127.0.0.1:25");
        smtp.from = QStringLiteral("status@acme.test");
        smtp.save(db.store().settings);
        Subscriber s;
        s.id = ids::newId();
        s.endpoint = QStringLiteral("https://hooks.example.com/a");
        s.email = QStringLiteral("ops@customer.test");
        s.unsubscribeToken = ids::newToken();
        s.createdAt = QDateTime::currentDateTimeUtc();
        db.store().subscribers.insert(s);
        auto email = [&](DeliveryState state) {
            Message m;
            m.id = QStringLiteral("msg_") + ids::randomBase36(20);
            m.subscriberId = s.id;
            m.kind = EventKind::Email;
            m.channel = Channel::Email;
            m.recipient = s.email;
            m.subjectId = s.id;
            m.subjectName = QStringLiteral("quarantine notice");
            m.eventId = ids::newId();
            m.body = QByteArrayLiteral("Subject: x\r\n\r\nx\r\n");
            m.createdAt = QDateTime::currentDateTimeUtc();
            m.state = state;
            m.nextAttemptAt = m.createdAt;
            db.store().outbox.insert(m);
            return m.id;
        };
        const QString sent = email(DeliveryState::Delivered);
        const QString queued = email(DeliveryState::Queued);
        for (const QString &id : {sent, queued}) {
            Notice n;
            n.createdAt = QDateTime::currentDateTimeUtc();
            n.subscriberId = s.id;
            n.kind = QStringLiteral("quarantined");
            n.text = QStringLiteral("Subscriber %1 was quarantined. An email to %2 says so (%3).")
                         .arg(s.id, s.email, id);
            db.store().notices.add(n);
        }
        NoticesDialog dialog(db.store());
        QVERIFY(!dialog.findChild<QLabel *>(QStringLiteral("smtpHint")));
        QCOMPARE(dialog.table()->rowCount(), 2);
        QStringList column;
        for (int r = 0; r < 2; ++r)
            column << dialog.table()->item(r, 3)->text();
        QVERIFY2(column.filter(QStringLiteral("sent to ops@customer.test")).size() == 1,
                 qPrintable(column.join(u'|')));
        QVERIFY2(column.filter(QStringLiteral("queued for ops@customer.test")).size() == 1,
                 qPrintable(column.join(u'|')));
    }
};

QTEST_MAIN(TestEmailConsole)
#include "tst_emailconsole.moc"
