#pragma once

#include "app/api/apihandlers.h"

#include <QObject>
#include <optional>

namespace sd {
class Store;
}

namespace sd::api {

class SubscribeChecks;

// The unauthenticated public face of `serve`: the status page at /, its history feeds, the webhook subscribe
// form and the public Status API v2. handle() answers the paths it owns and returns nullopt for the rest (the
// management API and the unsubscribe link stay with ApiHandlers).
class PublicSite final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PublicSite)

public:
    explicit PublicSite(Store &store, QObject *parent = nullptr);
    ~PublicSite() override;

    std::optional<ApiResponse> handle(const ApiRequest &request);
    SubscribeChecks &subscribeChecks() { return *m_checks; }

private:
    ApiResponse statusPage();
    ApiResponse subscribe(const ApiRequest &request);
    ApiResponse subscribeOutcome(const ApiRequest &request);
    bool webhookSubscribersAllowed();

    Store &m_store;
    SubscribeChecks *m_checks; // child
};

} // namespace sd::api
