#pragma once

#include "app/services/componentservice.h"
#include "app/services/incidentservice.h"
#include "app/services/resendservice.h"
#include "app/services/subscriberservice.h"
#include "app/services/templateservice.h"
#include "models/result.h"

#include <QObject>
#include <QPointer>
#include <QThread>
#include <functional>
#include <memory>

namespace sd {

class Store;

// Runs writes that may fan out to thousands of subscribers (a status change, an incident update, a resend)
// on a thread of its own with its own database connection, and hands each result back on the caller's
// thread. Jobs run one at a time in the order they were given, so two quick edits land in order.
class ServiceWorker final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ServiceWorker)

public:
    struct Services
    {
        explicit Services(Store &store);
        void setActor(const QString &actor);
        Store &store;
        ComponentService components;
        IncidentService incidents;
        SubscriberService subscribers;
        ResendService resend;
        TemplateService templates;
    };

    explicit ServiceWorker(QString databasePath, QObject *parent = nullptr);
    ~ServiceWorker() override; // finishes the jobs handed over; their answers are dropped

    // The operator recorded for jobs handed over from now on; jobs already queued keep the one they had.
    void setActor(const QString &actor) { m_actor = actor; }
    QString actor() const { return m_actor; }

    // `job` runs on the worker thread; `done` runs on this object's thread, unless `context` is gone by then.
    template<typename T>
    void run(std::function<Result<T>(Services &)> job, QObject *context,
             std::function<void(const Result<T> &)> done)
    {
        QPointer<QObject> guard(context);
        // `this` outlives every job: the destructor waits for the worker thread to finish them.
        post([this, job = std::move(job), done = std::move(done), guard](Services *services,
                                                                         const QString &error) {
            Result<T> result = services ? job(*services) : Result<T>(Error{error});
            QMetaObject::invokeMethod(
                this,
                [done, guard, result]() {
                    if (guard)
                        done(result);
                },
                Qt::QueuedConnection);
        });
    }

private:
    class Backend;
    void post(std::function<void(Services *, const QString &)> task);

    QString m_actor = defaultOperator(); // read and written on the owner's thread only
    QThread m_thread;
    Backend *m_backend; // lives in m_thread
};

} // namespace sd
