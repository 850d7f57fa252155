#include "csv.h"
#include "curlcommand.h"
#include "deliveryreport.h"
#include "ids.h"
#include "reportexporter.h"
#include "subscriberservice.h"
#include "testsupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace sd;

// Builds a report over a known outbox and reads every format back.
class TestReports : public QObject
{
    Q_OBJECT

private:
    test::TempDatabase m_db;
    QTemporaryDir m_dir;

    void seed()
    {
        SubscriberService subscribers(m_db.context());
        NewSubscriber in;
        in.endpoint = QStringLiteral("http://127.0.0.1:9/hook");
        in.email = QStringLiteral("ops@example.com");
        const Subscriber s = subscribers.add(in).value();
        const QDateTime t0 = QDateTime::currentDateTimeUtc().addSecs(-60);
        const QStringList subjects{QStringLiteral("API <b>\"&'"), QStringLiteral("Web, app")};
        for (int i = 0; i < 2; ++i) {
            Message m;
            m.id = ids::newId();
            m.subscriberId = s.id;
            m.kind = EventKind::Component;
            m.subjectId = QStringLiteral("c%1").arg(i);
            m.subjectName = subjects[i];
            m.eventId = ids::newId();
            m.body = R"({"component":{"name":"x"}})";
            m.createdAt = t0;
            m_db.store().outbox.insert(m);
            for (int n = 1; n <= 2; ++n) {
                Attempt a;
                a.messageId = m.id;
                a.subscriberId = s.id;
                a.endpoint = s.endpoint;
                a.attemptNumber = n;
                a.startedAt = t0.addSecs(i * 10 + n);
                a.endedAt = a.startedAt.addMSecs(40 * n);
                a.durationMs = 40 * n;
                a.httpStatus = n == 1 ? 500 : 200;
                a.errorClass = n == 1 ? QStringLiteral("http_5xx") : QString();
                a.errorText = n == 1 ? QStringLiteral("Internal, \"error\"") : QString();
                a.requestHeaders = R"({"webhook-id":"x","content-type":"application/json"})";
                m_db.store().outbox.recordAttempt(a, n == 1 ? DeliveryState::Retrying
                                                            : DeliveryState::Delivered);
            }
        }
    }

private Q_SLOTS:
    void initTestCase() { seed(); }

    void totals()
    {
        auto report = DeliveryReport::build(m_db.store(), {}, {});
        QVERIFY(report.ok());
        QCOMPARE(report->rows().size(), size_t(4));
        QCOMPARE(report->overall().attempts, 4);
        QCOMPARE(report->overall().successes, 2);
        QCOMPARE(report->byEndpoint().size(), size_t(1));
        QCOMPARE(report->byEvent().size(), size_t(2));
        QCOMPARE(report->byEvent().front().successRate(), 0.5);
        QCOMPARE(report->overall().p95Ms, qint64(80));
        // Respects the filter.
        MessageFilter f;
        f.text = QStringLiteral("Web");
        QCOMPARE(DeliveryReport::build(m_db.store(), f, {})->rows().size(), size_t(2));
    }

    void exportFormat_data()
    {
        QTest::addColumn<QString>("file");
        QTest::newRow("csv") << QStringLiteral("r.csv");
        QTest::newRow("json") << QStringLiteral("r.json");
        QTest::newRow("html") << QStringLiteral("r.html");
        QTest::newRow("pdf") << QStringLiteral("r.pdf");
    }

    void exportFormat()
    {
        QFETCH(QString, file);
        const QString path = m_dir.filePath(file);
        auto report = DeliveryReport::build(m_db.store(), {}, {});
        QString error;
        const auto format = ReportExporter::formatForPath(path);
        QVERIFY2(ReportExporter::write(report.value(), format, path, &error), qPrintable(error));
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray bytes = f.readAll();
        switch (format) {
        case ReportExporter::Format::Csv: {
            const csv::Table t = csv::parse(bytes);
            QVERIFY(t.error.isEmpty());
            QCOMPARE(t.rows.size(), 5); // header + one row per attempt
            QCOMPARE(t.rows[0].value(1), QStringLiteral("webhook_id"));
            QCOMPARE(t.rows[1].value(3), QStringLiteral("API <b>\"&'"));
            QCOMPARE(t.rows[1].value(11), QStringLiteral("Internal, \"error\""));
            break;
        }
        case ReportExporter::Format::Json: {
            const QJsonObject o = QJsonDocument::fromJson(bytes).object();
            QCOMPARE(o.value(QStringLiteral("attempts")).toArray().size(), 4);
            QCOMPARE(
                o.value(QStringLiteral("totals")).toObject().value(QStringLiteral("success_rate")).toDouble(),
                0.5);
            QCOMPARE(o.value(QStringLiteral("by_event")).toArray().size(), 2);
            break;
        }
        case ReportExporter::Format::Html: {
            const QString html = QString::fromUtf8(bytes);
            QVERIFY(html.contains(QStringLiteral("API &lt;b&gt;&quot;&amp;'")));
            QVERIFY(!html.contains(QStringLiteral("API <b>")));
            QVERIFY(html.contains(QStringLiteral("data:image/png;base64,")));
            QVERIFY(html.contains(QStringLiteral("50.0 %")));
            break;
        }
        case ReportExporter::Format::Pdf:
            QVERIFY(bytes.startsWith("%PDF"));
            QVERIFY(bytes.size() > 2000);
            break;
        }
    }

    void chartIsPainted()
    {
        auto report = DeliveryReport::build(m_db.store(), {}, {});
        const QImage chart = ReportExporter::latencyChart(report.value(), QSize(400, 200));
        QCOMPARE(chart.size(), QSize(400, 200));
        const auto buckets = report->latencyHistogram();
        QCOMPARE(buckets[0].count, 2); // 40 ms
        QCOMPARE(buckets[1].count, 2); // 80 ms
    }

    // Issue 11: the console's export runs on a thread of its own (its own connection), streams CSV and
    // JSON into the file and draws HTML/PDF from aggregates; the answer comes back as a queued signal.
    void exportJobRunsOffTheUiThread_data()
    {
        QTest::addColumn<QString>("file");
        QTest::newRow("csv") << QStringLiteral("job.csv");
        QTest::newRow("json") << QStringLiteral("job.json");
        QTest::newRow("html") << QStringLiteral("job.html");
        QTest::newRow("pdf") << QStringLiteral("job.pdf");
    }

    void exportJobRunsOffTheUiThread()
    {
        QFETCH(QString, file);
        const QString path = m_dir.filePath(file);
        ReportExportJob job(m_db.path(), {}, {}, ReportExporter::formatForPath(path), path);
        QSignalSpy finished(&job, &ReportExportJob::finished);
        QSignalSpy progress(&job, &ReportExportJob::progress);
        job.start();
        QVERIFY(job.isRunning() || finished.isEmpty()); // start() does not wait for the export
        QVERIFY(finished.wait(30000));
        QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(finished.at(0).at(1).toString()));
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray bytes = f.readAll();
        auto report = DeliveryReport::build(m_db.store(), {}, {});
        switch (ReportExporter::formatForPath(path)) {
        case ReportExporter::Format::Csv:
            QCOMPARE(bytes, report->toCsv()); // the same bytes as the in-memory report
            QVERIFY(!progress.isEmpty());
            QCOMPARE(progress.last().at(0).toLongLong(), qint64(4));
            break;
        case ReportExporter::Format::Json:
            QCOMPARE(
                QJsonDocument::fromJson(bytes).object().value(QStringLiteral("attempts")).toArray().size(),
                4);
            break;
        case ReportExporter::Format::Html:
            QVERIFY(bytes.contains("50.0 %"));
            QVERIFY(bytes.contains("data:image/png;base64,"));
            break;
        case ReportExporter::Format::Pdf:
            QVERIFY(bytes.startsWith("%PDF"));
            break;
        }
    }

    void cancelledExportLeavesTheFileAsItWas()
    {
        const QString path = m_dir.filePath(QStringLiteral("kept.csv"));
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("earlier export\n");
        }
        ReportExportJob job(m_db.path(), {}, {}, ReportExporter::Format::Csv, path);
        QSignalSpy finished(&job, &ReportExportJob::finished);
        job.cancel();
        job.start();
        QVERIFY(finished.wait(30000));
        QCOMPARE(finished.at(0).at(0).toBool(), false);
        QCOMPARE(finished.at(0).at(1).toString(), QStringLiteral("cancelled"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), QByteArray("earlier export\n"));
    }

    void curl()
    {
        const QString cmd =
            report::curlCommand(QStringLiteral("http://127.0.0.1:9/h"),
                                R"({"webhook-id":"abc","content-length":"5"})", "{\"a\":\"it's\"}");
        QVERIFY(cmd.startsWith(QStringLiteral("curl -sS -X POST 'http://127.0.0.1:9/h'")));
        QVERIFY(cmd.contains(QStringLiteral("-H 'webhook-id: abc'")));
        QVERIFY(!cmd.contains(QStringLiteral("content-length")));
        QVERIFY(cmd.contains(QStringLiteral("--data-binary '{\"a\":\"it'\\''s\"}'")));
    }
};

QTEST_MAIN(TestReports)
#include "tst_reports.moc"
