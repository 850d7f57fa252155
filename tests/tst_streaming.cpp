#include "app/formats/csv.h"
#include "app/report/deliveryreport.h"
#include "app/report/listingwriter.h"
#include "app/report/reportstream.h"
#include "app/services/subscriberservice.h"
#include "models/endpointurl.h"
#include "models/ids.h"
#include "models/streamquery.h"
#include "models/timeformat.h"
#include "tests/support/testsupport.h"

#include <QBuffer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <algorithm>
#include <map>

using namespace sd;

// Issue 11, item 6: exports written row by row from the store, on both backends. Bounded memory is not
// timed here (bench/report_bench.py measures it); these check that the streamed bytes are what the whole
// document would have been, that every row arrives in order, and that PostgreSQL reads in pages.
class TestStreaming : public QObject
{
    Q_OBJECT

private:
    struct Seeded
    {
        QString subscriberId;
        QDateTime firstStart;
    };

    // One subscriber, `messages` messages of `perMessage` attempts each, with the cells a CSV must defuse
    // and an older attempt row that still holds the endpoint's password.
    static Seeded seed(test::TempDatabase &db, int messages, int perMessage)
    {
        SubscriberService subscribers(db.context());
        NewSubscriber in;
        in.endpoint = QStringLiteral("http://hook:s3cret@127.0.0.1:9/hook");
        in.email = QStringLiteral("ops@example.com");
        const Subscriber s = subscribers.add(in).value();
        const QDateTime t0 = QDateTime::fromMSecsSinceEpoch(1'790'000'000'000, Qt::UTC);
        Transaction tx(db.store().db());
        for (int i = 0; i < messages; ++i) {
            Message m;
            m.id = QStringLiteral("msg_%1").arg(i, 6, 10, QLatin1Char('0'));
            m.subscriberId = s.id;
            m.kind = i % 3 == 0 ? EventKind::Incident : (i % 7 == 0 ? EventKind::Test : EventKind::Component);
            m.subjectId = QStringLiteral("c%1").arg(i % 4);
            m.subjectName = i % 5 == 0 ? QStringLiteral("=HYPERLINK(\"http://x.example/\")")
                                       : QStringLiteral("API, \"region\" %1").arg(i % 4);
            m.eventId = ids::newId();
            m.body = R"({"component":{"name":"x"}})";
            m.createdAt = t0.addSecs(i);
            db.store().outbox.insert(m);
            for (int n = 1; n <= perMessage; ++n) {
                Attempt a;
                a.messageId = m.id;
                a.subscriberId = s.id;
                // Attempts are recorded redacted; this one is an older row that was not.
                a.endpoint = n == 1 ? in.endpoint : endpointurl::redacted(in.endpoint);
                a.attemptNumber = n;
                a.startedAt = t0.addMSecs(qint64(i) * 1000 + n * 10);
                a.durationMs = (i * 37 + n * 11) % 700;
                a.endedAt = a.startedAt.addMSecs(a.durationMs);
                a.httpStatus = n == perMessage ? 200 : 500;
                a.errorClass = n == perMessage ? QString() : QStringLiteral("http_5xx");
                a.errorText = n == perMessage ? QString()
                                              : QStringLiteral("-1 from http://hook:s3cret@127.0.0.1:9/hook");
                db.store().outbox.recordAttempt(a, n == perMessage ? DeliveryState::Delivered
                                                                   : DeliveryState::Retrying);
            }
        }
        tx.commit();
        return {s.id, t0};
    }

    static QByteArray csvOf(test::TempDatabase &db, int pageSize, int *pages = nullptr)
    {
        QByteArray bytes;
        QBuffer buffer(&bytes);
        buffer.open(QIODevice::WriteOnly);
        ReportStream stream(db.store(), {}, {});
        stream.setPageSize(pageSize);
        const auto written = stream.writeCsv(buffer);
        if (!written)
            qWarning("%s", qPrintable(written.error()));
        if (pages)
            *pages = stream.pagesFetched();
        return bytes;
    }

    // What the report's totals must be, worked out from the rows themselves.
    static std::map<QString, DeliveryReport::Total>
    expectedTotals(const std::vector<DeliveryReport::Row> &rows, bool byEndpoint)
    {
        std::map<QString, std::vector<const DeliveryReport::Row *>> groups;
        for (const auto &r : rows)
            groups[byEndpoint ? r.endpoint : DeliveryReport::eventLabel(r.kind, r.subject)].push_back(&r);
        std::map<QString, DeliveryReport::Total> out;
        for (const auto &[key, list] : groups) {
            DeliveryReport::Total t;
            std::vector<qint64> d;
            qint64 sum = 0;
            for (const auto *r : list) {
                ++t.attempts;
                t.successes += r->success ? 1 : 0;
                d.push_back(r->durationMs);
                sum += r->durationMs;
            }
            std::sort(d.begin(), d.end());
            t.p95Ms = d[std::max<size_t>((d.size() * 95 + 99) / 100, 1) - 1];
            t.meanMs = sum / static_cast<qint64>(d.size());
            out[key] = t;
        }
        return out;
    }

private Q_SLOTS:
    void jsonIsWhatQJsonDocumentWrites_data()
    {
        QTest::addColumn<int>("messages");
        QTest::newRow("no attempts") << 0;
        QTest::newRow("one attempt") << 1;
        QTest::newRow("several") << 12;
    }

    void jsonIsWhatQJsonDocumentWrites()
    {
        QFETCH(int, messages);
        test::TempDatabase db;
        seed(db, messages, messages == 1 ? 1 : 3);
        QByteArray bytes;
        QBuffer buffer(&bytes);
        buffer.open(QIODevice::WriteOnly);
        ReportStream stream(db.store(), {}, {});
        const auto written = stream.writeJson(buffer, QDateTime::currentDateTimeUtc());
        QVERIFY2(written.ok(), qPrintable(written.error()));
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(bytes, &error);
        QCOMPARE(error.error, QJsonParseError::NoError);
        // Written piece by piece, yet byte for byte the document Qt would write for the whole object.
        QCOMPARE(bytes, doc.toJson(QJsonDocument::Indented));
        const QJsonObject o = doc.object();
        QCOMPARE(o.keys(), (QStringList{QStringLiteral("attempts"), QStringLiteral("by_endpoint"),
                                        QStringLiteral("by_event"), QStringLiteral("filter"),
                                        QStringLiteral("generated_at"), QStringLiteral("since"),
                                        QStringLiteral("status_codes"), QStringLiteral("totals")}));
        const int expected = messages == 1 ? 1 : messages * 3;
        QCOMPARE(o[u"attempts"].toArray().size(), expected);
        QCOMPARE(o[u"totals"][u"attempts"].toInt(), expected);
        QCOMPARE(written->attempts, qint64(expected));
        // The in-memory report writes the same document (same rows, same totals).
        auto built = DeliveryReport::build(db.store(), {}, {});
        QVERIFY(built.ok());
        QJsonObject fromMemory = QJsonDocument::fromJson(built->toJson()).object();
        fromMemory.remove(QStringLiteral("generated_at"));
        QJsonObject streamed = o;
        streamed.remove(QStringLiteral("generated_at"));
        QCOMPARE(streamed, fromMemory);
        QVERIFY(!bytes.contains("s3cret"));
    }

    void csvCellsAreDefusedAndRedacted()
    {
        test::TempDatabase db;
        seed(db, 6, 2);
        const QByteArray bytes = csvOf(db, 1000);
        auto built = DeliveryReport::build(db.store(), {}, {});
        QVERIFY(built.ok());
        QCOMPARE(bytes, built->toCsv());
        QVERIFY(!bytes.contains("s3cret"));
        const csv::Table t = csv::parse(bytes);
        QVERIFY(t.error.isEmpty());
        QCOMPARE(t.rows.size(), 13);
        // Every cell as csv::joinRow writes it: the formula gets its quote, the password its stars.
        QCOMPARE(t.rows[1].value(3), QStringLiteral("'=HYPERLINK(\"http://x.example/\")"));
        QCOMPARE(t.rows[1].value(4), QStringLiteral("http://hook:***@127.0.0.1:9/hook"));
        QCOMPARE(t.rows[1].value(11), QStringLiteral("'-1 from http://hook:***@127.0.0.1:9/hook"));
        QCOMPARE(t.rows[3].value(3), QStringLiteral("API, \"region\" 1"));
        QCOMPARE(t.rows[1].value(0), QStringLiteral("2026-09-21T14:13:20Z"));
    }

    void manyRowsArriveInOrderInPages()
    {
        test::TempDatabase db;
        const int messages = 700, perMessage = 3, rows = messages * perMessage;
        const Seeded s = seed(db, messages, perMessage);
        int pages = 0;
        const QByteArray bytes = csvOf(db, 100, &pages);
        const csv::Table t = csv::parse(bytes);
        QVERIFY(t.error.isEmpty());
        QCOMPARE(t.rows.size(), rows + 1);
        // The last row is the latest attempt; every row is later than the one before it.
        QCOMPARE(t.rows.last().value(1), QStringLiteral("msg_%1").arg(messages - 1, 6, 10, QLatin1Char('0')));
        QCOMPARE(t.rows.last().value(5), QString::number(perMessage));
        QCOMPARE(t.rows.last().value(0),
                 timefmt::isoUtc(s.firstStart.addMSecs(qint64(messages - 1) * 1000 + perMessage * 10)));
        for (int i = 2; i <= rows; ++i)
            QVERIFY(t.rows[i - 1].value(0) <= t.rows[i].value(0));
        if (db.isPostgres())
            QVERIFY2(pages >= rows / 100, qPrintable(QString::number(pages))); // a cursor read 100 at a time
        else
            QCOMPARE(pages, 1); // one forward-only statement
    }

    void totalsComeFromAggregatesAndMatchTheRows()
    {
        test::TempDatabase db;
        seed(db, 40, 3);
        std::vector<DeliveryReport::Row> rows;
        ReportStream stream(db.store(), {}, {});
        stream.forEachRow([&rows](const DeliveryReport::Row &r) {
            rows.push_back(r);
            return true;
        });
        const ReportStream::Summary summary = stream.summary();
        for (const bool byEndpoint : {true, false}) {
            const auto expected = expectedTotals(rows, byEndpoint);
            const auto &got = byEndpoint ? summary.byEndpoint : summary.byEvent;
            QCOMPARE(got.size(), expected.size());
            for (const auto &t : got) {
                const auto &e = expected.at(t.key);
                QCOMPARE(t.attempts, e.attempts);
                QCOMPARE(t.successes, e.successes);
                QCOMPARE(t.meanMs, e.meanMs);
                QCOMPARE(t.p95Ms, e.p95Ms); // one group joins two stored spellings (password / redacted)
            }
        }
        const auto all = expectedTotals(rows, false);
        int attempts = 0;
        for (const auto &[k, t] : all)
            attempts += t.attempts;
        QCOMPARE(summary.overall.attempts, attempts);
        int bucketed = 0;
        for (const auto &b : summary.histogram)
            bucketed += b.count;
        QCOMPARE(bucketed, attempts);
        // The printable report keeps only the latest rows and still counts them all.
        auto printable = DeliveryReport::summarize(db.store(), {}, {}, 10);
        QVERIFY(printable.ok());
        QCOMPARE(printable->rows().size(), size_t(10));
        QCOMPARE(printable->rows().back().messageId, rows.back().messageId);
        QCOMPARE(printable->overall().attempts, attempts);
        QVERIFY(printable->toHtml().contains(QStringLiteral("Showing the latest 10 of 120 attempts")));
    }

    void printableTablesAreBounded()
    {
        // 520 endpoints: the printable report lists 500 of them, every failing one among them.
        test::TempDatabase db;
        Database &d = db.store().db();
        {
            Transaction tx(d);
            for (int i = 0; i < 520; ++i) {
                const QString sub = QStringLiteral("sub_%1").arg(i, 4, 10, QLatin1Char('0'));
                const QString endpoint =
                    QStringLiteral("http://127.0.0.1:9/e%1").arg(i, 4, 10, QLatin1Char('0'));
                d.run(
                    QStringLiteral("INSERT INTO subscribers (id, endpoint, email, unsubscribe_token, state, "
                                   "created_at) VALUES (?, ?, 'e@example.com', ?, 'active', 0)"),
                    {sub, endpoint, sub});
                Message m;
                m.id = QStringLiteral("msg_%1").arg(i);
                m.subscriberId = sub;
                m.subjectId = QStringLiteral("c");
                m.subjectName = QStringLiteral("API");
                m.eventId = QStringLiteral("evt");
                m.body = "{}";
                m.createdAt = QDateTime::fromMSecsSinceEpoch(1'790'000'000'000, Qt::UTC);
                db.store().outbox.insert(m);
                Attempt a;
                a.messageId = m.id;
                a.subscriberId = sub;
                a.endpoint = endpoint;
                a.attemptNumber = 1;
                a.startedAt = m.createdAt.addSecs(i);
                a.endedAt = a.startedAt;
                a.httpStatus = i % 100 == 7 ? 500 : 200;
                a.errorClass = i % 100 == 7 ? QStringLiteral("http_5xx") : QString();
                db.store().outbox.recordAttempt(a, DeliveryState::Delivered);
            }
            tx.commit();
        }
        auto printable = DeliveryReport::summarize(db.store(), {}, {});
        QVERIFY2(printable.ok(), qPrintable(printable.error()));
        QCOMPARE(printable->byEndpoint().size(), size_t(520));
        const QString html = printable->toHtml();
        QVERIFY(html.contains(QStringLiteral("Showing the 500 of 520 with the most failures")));
        const qsizetype from = html.indexOf(QStringLiteral("<h2>Per endpoint"));
        const QString endpoints = html.mid(from, html.indexOf(QStringLiteral("<h2>Per event")) - from);
        QCOMPARE(endpoints.count(QStringLiteral("http://127.0.0.1:9/e")), 500);
        for (int i = 7; i < 520; i += 100)
            QVERIFY(
                endpoints.contains(QStringLiteral("http://127.0.0.1:9/e%1").arg(i, 4, 10, QLatin1Char('0'))));
    }

    void listingsStreamTheSameRows()
    {
        test::TempDatabase db;
        seed(db, 30, 1);
        MessageFilter filter;
        filter.limit = 25;
        const std::vector<Message> listed = db.store().outbox.list(filter);
        std::vector<QString> streamed;
        {
            ReadSnapshot snapshot(db.store().db());
            db.store().outbox.forEach(snapshot, filter, [&](const Message &m) { streamed.push_back(m.id); });
        }
        QCOMPARE(streamed.size(), listed.size());
        for (size_t i = 0; i < listed.size(); ++i)
            QCOMPARE(streamed[i], listed[i].id);
        std::vector<QString> subscribers;
        {
            ReadSnapshot snapshot(db.store().db());
            db.store().subscribers.forEach(snapshot, std::nullopt,
                                           [&](const Subscriber &s) { subscribers.push_back(s.id); });
        }
        QCOMPARE(subscribers.size(), db.store().subscribers.list().size());
    }

    void pagedCursorReadsEveryRow()
    {
        test::TempDatabase db;
        seed(db, 50, 1);
        ReadSnapshot snapshot(db.store().db());
        StreamQuery q(snapshot, QStringLiteral("SELECT id FROM messages WHERE subject_name <> ? ORDER BY id"),
                      {QStringLiteral("it's ? not a mark")}, 7);
        QStringList ids;
        while (q.next())
            ids << q.value(0).toString();
        QCOMPARE(ids.size(), 50);
        QCOMPARE(ids.last(), QStringLiteral("msg_000049"));
        QCOMPARE(q.pagesFetched(), db.isPostgres() ? 8 : 1); // ceil(50 / 7) FETCHes on PostgreSQL
    }

    void jsonArrayWriterMatchesQt_data()
    {
        QTest::addColumn<int>("count");
        QTest::newRow("empty") << 0;
        QTest::newRow("one") << 1;
        QTest::newRow("three") << 3;
    }

    void jsonArrayWriterMatchesQt()
    {
        QFETCH(int, count);
        QJsonArray whole;
        QString text;
        QTextStream out(&text);
        JsonArrayWriter writer(out);
        for (int i = 0; i < count; ++i) {
            const QJsonObject o{
                {QStringLiteral("id"), i},
                {QStringLiteral("name"), QStringLiteral("line\nbreak \"%1\"").arg(i)},
                {QStringLiteral("list"), QJsonArray{1, QJsonObject{{QStringLiteral("x"), 2}}}},
                {QStringLiteral("none"), QJsonValue()}};
            whole.append(o);
            writer.append(o);
        }
        writer.finish();
        QCOMPARE(text.toUtf8(), QJsonDocument(whole).toJson(QJsonDocument::Indented));
    }

    void joinRowIsQuoteOfNeutralized_data()
    {
        QTest::addColumn<QStringList>("fields");
        QTest::newRow("plain") << QStringList{QStringLiteral("a"), QStringLiteral("b c")};
        QTest::newRow("empty") << QStringList{QString(), QStringLiteral(""), QStringLiteral("x")};
        QTest::newRow("formulas") << QStringList{QStringLiteral("=1+2"), QStringLiteral("+1"),
                                                 QStringLiteral("-1"),   QStringLiteral("@SUM(A1)"),
                                                 QStringLiteral("\tx"),  QStringLiteral("\rx")};
        QTest::newRow("quoting") << QStringList{QStringLiteral("a,b"), QStringLiteral("say \"hi\""),
                                                QStringLiteral("two\nlines"), QStringLiteral("\"\""),
                                                QStringLiteral("=\"x\",y")};
        QTest::newRow("unicode") << QStringList{QStringLiteral("Zürich, “quoted”"), QStringLiteral("日本")};
    }

    void joinRowIsQuoteOfNeutralized()
    {
        QFETCH(QStringList, fields);
        QStringList reference;
        for (const QString &f : fields)
            reference << csv::quote(csv::neutralized(f));
        QCOMPARE(csv::joinRow(fields), reference.join(QLatin1Char(',')));
    }

    void timestampIsIsoUtc()
    {
        const qint64 samples[] = {0,
                                  1,
                                  999,
                                  1000,
                                  86'399'999,
                                  951'782'400'000 /* 2000-02-29 */,
                                  1'790'000'000'123,
                                  4'102'444'800'000 /* 2100-01-01 */,
                                  253'402'300'799'000,
                                  -1,
                                  -86'400'001,
                                  -30'610'224'000'000 /* 1000-01-01 */};
        for (const qint64 ms : samples) {
            const QDateTime t = QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
            QCOMPARE(reportfmt::timestamp(t), timefmt::isoUtc(t));
        }
        for (qint64 ms = 0; ms < 4'102'444'800'000; ms += 7'777'777'777)
            QCOMPARE(reportfmt::timestamp(QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC)),
                     timefmt::isoUtc(QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC)));
        QCOMPARE(reportfmt::timestamp(QDateTime()), QString());
    }
};

QTEST_GUILESS_MAIN(TestStreaming)
#include "tst_streaming.moc"
