#include "app/formats/csv.h"
#include "app/report/curlcommand.h"
#include "app/report/deliveryreport.h"
#include "app/services/subscriberservice.h"
#include "models/ids.h"
#include "models/timeformat.h"
#include "tests/support/testsupport.h"
#include "ui/reportexportdialog.h"
#include "ui/reportexporter.h"
#include "ui/reportexportjob.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QStandardPaths>
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
        QTest::addColumn<bool>("summary"); // the CSV summary, chosen in the dialog (a .csv path is the rows)
        QTest::newRow("csv") << QStringLiteral("r.csv") << false;
        QTest::newRow("csv summary") << QStringLiteral("s.csv") << true;
        QTest::newRow("json") << QStringLiteral("r.json") << false;
        QTest::newRow("html") << QStringLiteral("r.html") << false;
        QTest::newRow("pdf") << QStringLiteral("r.pdf") << false;
    }

    void exportFormat()
    {
        QFETCH(QString, file);
        QFETCH(bool, summary);
        const QString path = m_dir.filePath(file);
        auto report = DeliveryReport::build(m_db.store(), {}, {});
        QString error;
        const auto format =
            summary ? ReportExporter::Format::CsvSummary : ReportExporter::formatForPath(path);
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
        case ReportExporter::Format::CsvSummary: {
            const csv::Table t = csv::parse(bytes);
            QVERIFY(t.error.isEmpty());
            QCOMPARE(t.rows[0], (QStringList{QStringLiteral("section"), QStringLiteral("key"),
                                             QStringLiteral("count")}));
            QCOMPARE(t.rows[1], (QStringList{QStringLiteral("totals"), QStringLiteral("attempts"),
                                             QStringLiteral("4")}));
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
            // Exports say ISO 8601 in UTC (the console's cells say local time with the offset).
            QVERIFY2(
                QRegularExpression(QStringLiteral("Generated \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\."))
                    .match(html)
                    .hasMatch(),
                qPrintable(html.left(600)));
            QVERIFY(html.contains(
                QStringLiteral("<tr><td>%1</td>").arg(timefmt::isoUtc(report->rows().front().startedAt))));
            break;
        }
        case ReportExporter::Format::Pdf:
            QVERIFY(bytes.startsWith("%PDF"));
            QVERIFY(bytes.size() > 2000);
            break;
        }
    }

    // Issue 20 item 6: every page of a PDF that runs over several pages says "Page i of n" at its foot, and
    // the report's rows all survive the page breaks; long tables repeat their header row. Read back with
    // poppler's pdfinfo and pdftotext (independent of Qt).
    void pdfPagesAreNumbered()
    {
        const QString pdfinfo = QStandardPaths::findExecutable(QStringLiteral("pdfinfo"));
        const QString pdftotext = QStandardPaths::findExecutable(QStringLiteral("pdftotext"));
        QVERIFY2(!pdfinfo.isEmpty() && !pdftotext.isEmpty(), "poppler-utils (scripts/install-deps.sh)");
        test::TempDatabase db;
        SubscriberService subscribers(db.context());
        NewSubscriber in;
        in.endpoint = QStringLiteral("http://127.0.0.1:9/pages");
        in.email = QStringLiteral("pages@example.com");
        auto added = subscribers.add(in);
        QVERIFY2(added.ok(), qPrintable(added.error()));
        const Subscriber s = added.value();
        // 150 events: the "By event" table alone is several A4 pages.
        constexpr int kEvents = 150;
        const QDateTime t0 = QDateTime::currentDateTimeUtc().addSecs(-3600);
        for (int i = 0; i < kEvents; ++i) {
            Message m;
            m.id = ids::newId();
            m.subscriberId = s.id;
            m.kind = EventKind::Component;
            m.subjectId = QStringLiteral("c%1").arg(i);
            m.subjectName = QStringLiteral("Component%1").arg(i, 3, 10, QLatin1Char('0'));
            m.eventId = ids::newId();
            m.body = "{}";
            m.createdAt = t0;
            db.store().outbox.insert(m);
            Attempt a;
            a.messageId = m.id;
            a.subscriberId = s.id;
            a.endpoint = s.endpoint;
            a.attemptNumber = 1;
            a.startedAt = t0.addSecs(i);
            a.endedAt = a.startedAt.addMSecs(20 + i);
            a.durationMs = 20 + i;
            a.httpStatus = 200;
            db.store().outbox.recordAttempt(a, DeliveryState::Delivered);
        }
        auto report = DeliveryReport::build(db.store(), {}, {});
        QVERIFY2(report.ok(), qPrintable(report.error()));
        const QString path = m_dir.filePath(QStringLiteral("pages.pdf"));
        QString error;
        QVERIFY2(ReportExporter::write(report.value(), ReportExporter::Format::Pdf, path, &error),
                 qPrintable(error));

        auto run = [](const QString &program, const QStringList &args) {
            QProcess p;
            p.start(program, args);
            if (!p.waitForFinished(30000) || p.exitCode() != 0)
                return QString();
            return QString::fromUtf8(p.readAllStandardOutput());
        };
        const QString info = run(pdfinfo, {path});
        const QRegularExpressionMatch pagesLine =
            QRegularExpression(QStringLiteral("^Pages:\\s+(\\d+)$"), QRegularExpression::MultilineOption)
                .match(info);
        QVERIFY2(pagesLine.hasMatch(), qPrintable(info));
        const int pages = pagesLine.captured(1).toInt();
        QVERIFY2(pages >= 3, qPrintable(info));
        QString everything;
        for (int i = 1; i <= pages; ++i) {
            const QString text =
                run(pdftotext, {QStringLiteral("-layout"), QStringLiteral("-f"), QString::number(i),
                                QStringLiteral("-l"), QString::number(i), path, QStringLiteral("-")});
            QVERIFY2(!text.trimmed().isEmpty(), qPrintable(QStringLiteral("page %1 has no text").arg(i)));
            // The number is the last line of its page, and only its own page's number is on it.
            const QStringList lines = text.trimmed().split(QLatin1Char('\n'));
            QCOMPARE(lines.last().trimmed(), QStringLiteral("Page %1 of %2").arg(i).arg(pages));
            QCOMPARE(text.count(QStringLiteral("Page ")), 1);
            // A table that goes on over a page break repeats its header row (<thead>).
            if (i > 1)
                QVERIFY2(text.contains(QStringLiteral("Succeeded")) ||
                             text.contains(QStringLiteral("Started")),
                         qPrintable(QStringLiteral("page %1 has no header row").arg(i)));
            everything += text;
        }
        for (int i = 0; i < kEvents; ++i)
            QVERIFY2(everything.contains(QStringLiteral("Component%1").arg(i, 3, 10, QLatin1Char('0'))),
                     qPrintable(QStringLiteral("row %1 lost at a page break").arg(i)));
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
        case ReportExporter::Format::CsvSummary:
            QFAIL("a .csv path exports the rows; the summary is chosen in the dialog");
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

    // Issue 13 item 9: what the receivers answered, by class, code and transport error, from aggregate
    // queries; checked against the attempts table read directly, and shown in every format.
    void statusCodeBreakdownMatchesSql()
    {
        test::TempDatabase db;
        SubscriberService subscribers(db.context());
        NewSubscriber in;
        in.endpoint = QStringLiteral("http://127.0.0.1:9/codes");
        in.email = QStringLiteral("codes@example.com");
        auto added = subscribers.add(in);
        QVERIFY2(added.ok(), qPrintable(added.error()));
        const Subscriber s = added.value();
        in.endpoint = QStringLiteral("http://127.0.0.1:9/other");
        in.email = QStringLiteral("other@example.com");
        added = subscribers.add(in);
        QVERIFY2(added.ok(), qPrintable(added.error()));
        const Subscriber other = added.value();
        struct Answer
        {
            int status;
            const char *errorClass;
        };
        const Answer answers[] = {{200, ""},         {200, ""},         {204, ""},         {301, "http_3xx"},
                                  {404, "http_4xx"}, {404, "http_4xx"}, {404, "http_4xx"}, {429, "http_4xx"},
                                  {500, "http_5xx"}, {503, "http_5xx"}, {0, "timeout"},    {0, "timeout"},
                                  {0, "refused"},    {0, "policy"},     {200, "protocol"}};
        const QDateTime t0 = QDateTime::currentDateTimeUtc().addSecs(-600);
        int n = 0;
        for (const Subscriber &sub : {s, other}) {
            Message m;
            m.id = ids::newId();
            m.subscriberId = sub.id;
            m.kind = EventKind::Incident;
            m.subjectId = QStringLiteral("i1");
            m.subjectName = QStringLiteral("Outage");
            m.eventId = ids::newId();
            m.body = "{}";
            m.createdAt = t0;
            db.store().outbox.insert(m);
            for (const Answer &answer : answers) {
                // The other subscriber gets only the first few, so the filter has to matter.
                if (sub.id == other.id && n % 3 != 0) {
                    ++n;
                    continue;
                }
                Attempt a;
                a.messageId = m.id;
                a.subscriberId = sub.id;
                a.endpoint = sub.endpoint;
                a.attemptNumber = ++n;
                a.startedAt = t0.addSecs(n);
                a.endedAt = a.startedAt.addMSecs(10 * n);
                a.durationMs = 10 * n;
                a.httpStatus = answer.status;
                a.errorClass = QString::fromLatin1(answer.errorClass);
                db.store().outbox.recordAttempt(a, DeliveryState::Retrying);
            }
        }
        MessageFilter f;
        f.subscriberId = s.id;
        auto report = DeliveryReport::summarize(db.store(), f, {});
        QVERIFY2(report.ok(), qPrintable(report.error()));

        // The expectation, classified here from the raw rows.
        QMap<QString, int> classes, codes, transport;
        int rows = 0;
        QSqlQuery &q = db.store().db().run(
            QStringLiteral("SELECT http_status, error_class FROM attempts WHERE subscriber_id = ?"), {s.id});
        while (q.next()) {
            ++rows;
            const int status = q.value(0).toInt();
            const QString cls = status >= 200 && status < 600
                                    ? QString::number(status / 100) + QStringLiteral("xx")
                                : status > 0 ? QStringLiteral("other")
                                             : QStringLiteral("no_response");
            ++classes[cls];
            if (status > 0)
                ++codes[QString::number(status)];
            else
                ++transport[q.value(1).toString()];
        }
        QCOMPARE(rows, int(std::size(answers)));
        const auto &b = report->statusCodes();
        QStringList order;
        for (const auto &c : b.classes) {
            order << c.key;
            QCOMPARE(c.count, classes.value(c.key));
        }
        QCOMPARE(order, (QStringList{QStringLiteral("2xx"), QStringLiteral("3xx"), QStringLiteral("4xx"),
                                     QStringLiteral("5xx"), QStringLiteral("other"),
                                     QStringLiteral("no_response")}));
        QCOMPARE(b.classes[0].count, 4); // 200, 200, 204 and the 200 that did not inflate
        QCOMPARE(b.classes[2].count, 4);
        QCOMPARE(b.classes[5].count, 4);
        QCOMPARE(int(b.topCodes.size()), codes.size());
        QCOMPARE(b.topCodes.front().key, QStringLiteral("200")); // 3 and 3: the lower code first
        QCOMPARE(b.topCodes.front().count, 3);
        QCOMPARE(b.topCodes[1].key, QStringLiteral("404"));
        for (const auto &c : b.topCodes)
            QCOMPARE(c.count, codes.value(c.key));
        QCOMPARE(int(b.transportErrors.size()), transport.size());
        QCOMPARE(b.transportErrors.front().key, QStringLiteral("timeout"));
        for (const auto &c : b.transportErrors)
            QCOMPARE(c.count, transport.value(c.key));
        // Failures per latency bucket add up to the failed attempts.
        int failures = 0;
        for (const auto &bucket : report->latencyHistogram())
            failures += bucket.failures;
        QCOMPARE(failures, report->overall().failures());
        QCOMPARE(failures, int(std::size(answers)) - 3);

        // Every format carries it.
        const QJsonObject json = QJsonDocument::fromJson(report->toJson()).object();
        const QJsonObject codesJson = json.value(QStringLiteral("status_codes")).toObject();
        QCOMPARE(codesJson.value(QStringLiteral("classes")).toObject().value(QStringLiteral("4xx")).toInt(),
                 4);
        QCOMPARE(codesJson.value(QStringLiteral("top_codes"))
                     .toArray()
                     .at(1)
                     .toObject()
                     .value(QStringLiteral("code"))
                     .toInt(),
                 404);
        QCOMPARE(codesJson.value(QStringLiteral("transport_errors"))
                     .toObject()
                     .value(QStringLiteral("timeout"))
                     .toInt(),
                 2);
        const csv::Table summaryCsv = csv::parse(report->toSummaryCsv());
        QVERIFY(summaryCsv.error.isEmpty());
        QVERIFY(summaryCsv.rows.contains(
            QStringList{QStringLiteral("status_class"), QStringLiteral("5xx"), QStringLiteral("2")}));
        QVERIFY(summaryCsv.rows.contains(
            QStringList{QStringLiteral("status_code"), QStringLiteral("404"), QStringLiteral("3")}));
        QVERIFY(summaryCsv.rows.contains(
            QStringList{QStringLiteral("transport_error"), QStringLiteral("refused"), QStringLiteral("1")}));
        const QString html = report->toHtml();
        QVERIFY(html.contains(QStringLiteral("<h2>Status codes</h2>")));
        QVERIFY(html.contains(QStringLiteral("<tr><td>404</td><td class=\"n\">3</td></tr>")));
        QVERIFY(html.contains(QStringLiteral("<tr><td>timeout</td><td class=\"n\">2</td></tr>")));
    }

    // The export dialog shows the filter it inherits from the Deliveries tab, lets it be edited and cleared,
    // and reports on what it shows.
    void exportDialogShowsAndClearsTheFilter()
    {
        MessageFilter f;
        f.state = DeliveryState::Failed;
        f.kind = EventKind::Incident;
        f.endpointContains = QStringLiteral("example.com");
        f.text = QStringLiteral("API");
        ReportExportDialog dialog(f);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        auto *state = dialog.findChild<QComboBox *>(QStringLiteral("filterState"));
        auto *event = dialog.findChild<QComboBox *>(QStringLiteral("filterEvent"));
        auto *endpoint = dialog.findChild<QLineEdit *>(QStringLiteral("filterEndpoint"));
        auto *text = dialog.findChild<QLineEdit *>(QStringLiteral("filterText"));
        auto *summary = dialog.findChild<QLabel *>(QStringLiteral("filterSummary"));
        auto *clear = dialog.findChild<QPushButton *>(QStringLiteral("clearFilter"));
        QVERIFY(state && event && endpoint && text && summary && clear);
        QVERIFY(state->isVisible() && endpoint->isVisible() && clear->isVisible());
        QCOMPARE(state->currentData().toString(), QStringLiteral("failed"));
        QCOMPARE(event->currentData().toString(), QStringLiteral("incident"));
        QCOMPARE(endpoint->text(), QStringLiteral("example.com"));
        QCOMPARE(text->text(), QStringLiteral("API"));
        QVERIFY(summary->text().contains(QStringLiteral("state=failed")));
        QCOMPARE(DeliveryReport::filterDescription(dialog.filter()), DeliveryReport::filterDescription(f));

        // Edited by keyboard: the filter and its summary follow.
        text->selectAll();
        QTest::keyClicks(text, QStringLiteral("Web"));
        QCOMPARE(dialog.filter().text, QStringLiteral("Web"));
        QVERIFY(summary->text().contains(QStringLiteral("text=\"Web\"")));

        QTest::mouseClick(clear, Qt::LeftButton);
        const MessageFilter cleared = dialog.filter();
        QVERIFY(!cleared.state && !cleared.kind);
        QVERIFY(cleared.endpointContains.isEmpty() && cleared.text.isEmpty() &&
                cleared.subscriberId.isEmpty());
        QVERIFY(!cleared.since.isValid());
        QCOMPARE(endpoint->text(), QString());
        QVERIFY(summary->text().contains(QStringLiteral("all deliveries")));
    }

    // No text of the chart overlaps another or a bar, whatever the size and the counts.
    void chartLabelsNeverOverlap_data()
    {
        QTest::addColumn<QSize>("size");
        QTest::addColumn<int>("scale");
        QTest::addColumn<int>("failedEvery");
        QTest::newRow("default size, tallest bar full height") << QSize(640, 240) << 1 << 2;
        QTest::newRow("default size, millions") << QSize(640, 240) << 400000 << 3;
        QTest::newRow("narrow: labels rotated") << QSize(320, 200) << 1000 << 1;
        QTest::newRow("tiny") << QSize(180, 110) << 7 << 2;
        QTest::newRow("wide") << QSize(1600, 400) << 123457 << 5;
        QTest::newRow("nothing") << QSize(640, 240) << 0 << 1;
    }

    void chartLabelsNeverOverlap()
    {
        QFETCH(QSize, size);
        QFETCH(int, scale);
        QFETCH(int, failedEvery);
        const QStringList labels{QStringLiteral("<50ms"),  QStringLiteral("<100ms"), QStringLiteral("<250ms"),
                                 QStringLiteral("<500ms"), QStringLiteral("<1s"),    QStringLiteral("<5s"),
                                 QStringLiteral("<30s"),   QStringLiteral(">=30s")};
        const int shape[] = {9, 3, 2, 1, 0, 1, 4, 3};
        std::vector<DeliveryReport::Bucket> buckets;
        for (int i = 0; i < labels.size(); ++i) {
            const int count = shape[i] * scale;
            buckets.push_back({labels[i], count, i % failedEvery == 0 ? count / 2 : 0});
        }
        const QFont font;
        const auto layout = ReportExporter::latencyChartLayout(buckets, size, font);
        const std::vector<QRect> texts = layout.textRects();
        QVERIFY(texts.size() >= 4); // title, legend, the zero at least
        const QRect image(QPoint(0, 0), size);
        for (size_t i = 0; i < texts.size(); ++i) {
            QVERIFY2(image.contains(texts[i]), qPrintable(QStringLiteral("text %1 leaves the image").arg(i)));
            for (size_t j = i + 1; j < texts.size(); ++j)
                QVERIFY2(!texts[i].intersects(texts[j]),
                         qPrintable(QStringLiteral("texts %1 and %2 overlap").arg(i).arg(j)));
            for (const QRect &bar : layout.bars)
                QVERIFY2(bar.isEmpty() || !texts[i].intersects(bar),
                         qPrintable(QStringLiteral("text %1 overprints a bar").arg(i)));
        }
        // Each text holds its string at this font.
        const QImage probe(1, 1, QImage::Format_ARGB32_Premultiplied);
        const QFontMetrics fm(font, &probe);
        for (size_t i = 0; i < buckets.size(); ++i) {
            const QRect &r = layout.bucketLabels[i];
            if (r.isNull())
                continue;
            const int along = layout.verticalBucketLabels ? r.height() : r.width();
            QVERIFY(along >= fm.horizontalAdvance(buckets[i].label));
            if (!layout.countLabels[i].isNull())
                QVERIFY(layout.countLabels[i].width() >= fm.horizontalAdvance(layout.countTexts[i]));
        }
        // The bucket labels are all there at the default size; the tallest bar's count too.
        if (size == QSize(640, 240) && scale > 0) {
            for (const QRect &r : layout.bucketLabels)
                QVERIFY(!r.isNull());
            QVERIFY(!layout.countLabels[0].isNull());
            QCOMPARE(layout.bars[0].top(), layout.plot.top());
        }
        QVERIFY(!layout.legendFailed.isNull() && !layout.legendSucceeded.isNull());
    }

    // Failures are drawn in their own colour (and hatched), and the legend names both.
    void chartShowsFailuresApart()
    {
        auto report = DeliveryReport::build(m_db.store(), {}, {});
        QCOMPARE(report->latencyHistogram()[0].failures, 2); // the two 500s took 40 ms
        QCOMPARE(report->latencyHistogram()[1].failures, 0);
        const QSize size(640, 240);
        const QImage chart = ReportExporter::latencyChart(report.value(), size);
        const auto layout = ReportExporter::latencyChartLayout(report->latencyHistogram(), size, QFont());
        QVERIFY(!layout.failureBars[0].isEmpty());
        QVERIFY(layout.failureBars[1].isNull());
        auto countColour = [&chart](const QRect &r, const QColor &c) {
            int n = 0;
            for (int y = r.top(); y <= r.bottom(); ++y)
                for (int x = r.left(); x <= r.right(); ++x)
                    n += chart.pixelColor(x, y) == c ? 1 : 0;
            return n;
        };
        const QColor failed(0xd5, 0x5e, 0x00), succeeded(0x00, 0x72, 0xb2);
        QVERIFY(countColour(layout.failureBars[0], failed) > layout.failureBars[0].width());
        QCOMPARE(countColour(layout.failureBars[0], succeeded), 0);
        QVERIFY(countColour(layout.bars[1], succeeded) > layout.bars[1].width());
        QCOMPARE(countColour(layout.bars[1], failed), 0);
        QVERIFY(countColour(layout.legendFailed, failed) > 0);
        QVERIFY(countColour(layout.legendSucceeded, succeeded) > 0);
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
